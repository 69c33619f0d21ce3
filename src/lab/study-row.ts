import { runFigures } from "../diagnose/run-figures.js";
import type { RunFile } from "../run/run-file.js";
import type { StudyRow } from "./study-model.js";

/** Mean over the run's intervals (the final flush excluded) of a per-CPU percentage, per CPU. */
function perCpuMeans(run: RunFile, field: "irq" | "softirq" | "idle"): Map<number, number> {
  const sums = new Map<number, { total: number; seconds: number }>();
  for (const s of run.snapshots)
    if (!s.final)
      for (const c of s.cpus) {
        const acc = sums.get(c.cpu) ?? { total: 0, seconds: 0 };
        acc.total += c[field] * s.seconds;
        acc.seconds += s.seconds;
        sums.set(c.cpu, acc);
      }
  return new Map([...sums].map(([cpu, a]) => [cpu, a.seconds > 0 ? a.total / a.seconds : 0]));
}

const sum = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** The hardware counters' figures where the run has them (a host with a PMU), else null. */
function hardwareFigures(
  run: RunFile,
  packets: number,
): { cacheMissesPerPacket: number | null; memoryBytesPerSecond: number | null } {
  const h = run.hardware;
  const misses = h.supported ? h.totals["cache-misses"] : undefined;
  return {
    cacheMissesPerPacket: misses !== undefined && packets > 0 ? misses / packets : null,
    memoryBytesPerSecond:
      h.memorySupported && run.durationSeconds > 0 ? (h.memoryBytes ?? 0) / run.durationSeconds : null,
  };
}

/**
 * A cell's row, from its run (and the probed second phase's, for call depth): what the studies
 * tabulate per network mode and flow count. Figures come from the same code the diagnosis uses.
 */
export function studyRow(run: RunFile, probed?: RunFile): StudyRow {
  const f = runFigures(run);
  const b = run.benchmark;
  const idle = perCpuMeans(run, "idle");
  const depth = probed ? runFigures(probed).depth : f.depth;
  return {
    bitsPerSecond: b?.bitsPerSecond ?? f.bitsPerSecond,
    packetsPerSecond: f.packetsPerSecond,
    cpuUsPerPacket: f.cpuUsPerPacket ?? null,
    cpuUsPerKB: f.cpuUsPerKB ?? null,
    busiestCorePercent: idle.size ? Math.max(...[...idle.values()].map((i) => 100 - i)) : 0,
    softirqPercent: sum(perCpuMeans(run, "softirq")),
    hardirqPercent: sum(perCpuMeans(run, "irq")),
    softirqsPerPacket: f.softirqsPerPacket ?? null,
    callDepth: depth?.mean ?? null,
    setupMs: run.lab?.setupMs ?? null,
    ...hardwareFigures(run, f.packets),
    latencyP50Us: run.latency?.p50Us ?? null,
    latencyP99Us: run.latency?.p99Us ?? null,
    lostPercent: b?.lostPercent ?? 0,
  };
}
