import { depthBelow, RECEIVE_ENTRIES, SEND_ENTRIES } from "../profile/call-depth.js";
import { frameClassShares } from "../profile/frame-classes.js";
import { functionShares } from "../profile/function-shares.js";
import { processShares } from "../profile/process-shares.js";
import type { RunFile } from "../run/run-file.js";
import type { Latency } from "../benchmarks/benchmark-result.js";

/**
 * Several runs of the same side (repeats of one configuration) as one run: intervals, stacks and
 * counts pooled, so every rule reads more data; the verdict also reads each repeat's own level to
 * see how much repeats differ (src/diagnose/noise.ts). One run is returned as it is.
 */
export function poolRuns(runs: readonly RunFile[]): RunFile {
  const first = runs[0];
  if (!first) throw new Error("poolRuns: no runs");
  if (runs.length === 1) return first;
  const last = runs.at(-1)!;
  const stacks = runs.flatMap((r) => r.profile.stacks);
  const duration = runs.reduce((a, r) => a + r.durationSeconds, 0);
  const cpus = first.host.cpus || 1;
  const pooled: RunFile = {
    ...first,
    label: first.label,
    window: { startMs: first.window.startMs, endMs: last.window.endMs },
    durationSeconds: duration,
    snapshots: runs.flatMap((r) => r.snapshots),
    // Repeats recorded with different probes: every probe any of them ran.
    probes: [...new Map(runs.flatMap((r) => r.probes).map((p) => [p.name, p])).values()],
    profile: { hz: first.profile.hz, durationSeconds: duration, stacks },
    summary: {
      ...first.summary,
      stackSamples: runs.reduce((a, r) => a + r.summary.stackSamples, 0),
      topFunctions: [...functionShares(stacks).shares]
        .map(([fn, share]) => ({ function: fn, share }))
        .sort((a, b) => b.share - a.share)
        .slice(0, 20),
      frameClasses: frameClassShares(stacks),
      callDepth: { send: depthBelow(stacks, SEND_ENTRIES), receive: depthBelow(stacks, RECEIVE_ENTRIES) },
      processShares: processShares(stacks),
      dropStacks: runs.flatMap((r) => r.summary.dropStacks),
    },
    hardware: {
      ...first.hardware,
      supported: runs.every((r) => r.hardware.supported),
      totals: sumRecords(runs.map((r) => r.hardware.totals)),
      memoryBytes: runs.reduce((a, r) => a + r.hardware.memoryBytes, 0),
    },
    processes: pooledProcesses(runs, cpus, duration),
  };
  const benchmark = pooledBenchmark(runs);
  if (benchmark) pooled.benchmark = benchmark;
  else delete pooled.benchmark;
  const bpf = runs.map((r) => r.bpfPrograms);
  if (bpf.every((x) => x !== undefined))
    pooled.bpfPrograms = {
      seconds: bpf.reduce((a, x) => a + x.seconds, 0),
      statsEnabled: bpf.every((x) => x.statsEnabled),
      source: bpf[0]!.source,
      programs: bpf.flatMap((x) => x.programs),
    };
  else delete pooled.bpfPrograms;
  if (first.environment)
    pooled.environment = {
      start: first.environment.start,
      ...(last.environment?.stop ? { stop: last.environment.stop } : {}),
      changes: runs.flatMap((r) => r.environment?.changes ?? []),
    };
  return pooled;
}

function sumRecords(rs: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Per process name: CPU seconds summed, the share of all CPUs over all the runs' windows. */
function pooledProcesses(runs: readonly RunFile[], cpus: number, duration: number): RunFile["processes"] {
  const byComm = new Map<string, RunFile["processes"][number]>();
  for (const r of runs)
    for (const p of r.processes) {
      const prev = byComm.get(p.comm);
      if (prev) prev.cpuSeconds += p.cpuSeconds;
      else byComm.set(p.comm, { ...p });
    }
  const cpuTime = cpus * Math.max(1e-3, duration);
  return [...byComm.values()]
    .map((p) => ({ ...p, cpuShare: p.cpuSeconds / cpuTime }))
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}

/** The benchmark's figures over all repeats, only when every repeat has them from the same tool. */
function pooledBenchmark(runs: readonly RunFile[]): RunFile["benchmark"] {
  const all = runs.map((r) => r.benchmark);
  if (all.some((b) => !b)) return undefined;
  const bs = all as NonNullable<RunFile["benchmark"]>[];
  const first = bs[0]!;
  if (bs.some((b) => b.tool !== first.tool)) return undefined;
  const seconds = bs.reduce((a, b) => a + b.seconds, 0);
  const sent = bs.reduce((a, b) => a + b.packetsSent, 0);
  const received = bs.reduce((a, b) => a + b.packetsReceived, 0);
  const { raw: _raw, latency: _latency, ...rest } = first;
  const latency = pooledLatency(bs.map((b) => b.latency));
  return {
    ...rest,
    ...(latency ? { latency } : {}),
    seconds,
    bitsPerSecond: seconds > 0 ? bs.reduce((a, b) => a + b.bitsPerSecond * b.seconds, 0) / seconds : 0,
    packetsSent: sent,
    packetsReceived: received,
    lostPercent: sent > 0 ? (100 * Math.max(0, sent - received)) / sent : first.lostPercent,
    ...(bs.every((b) => b.intervals) ? { intervals: bs.flatMap((b) => b.intervals ?? []) } : {}),
    source: `${first.source} (${bs.length} runs)`,
    packetsSource: first.packetsSource ? `${first.packetsSource} (${bs.length} runs)` : "",
  };
}

/**
 * Repeats' latency: the mean over every observation (exact); a percentile cannot be pooled from
 * the repeats' own, so each is the repeats' median.
 */
function pooledLatency(ls: ReadonlyArray<Latency | undefined>): Latency | undefined {
  if (ls.some((l) => !l)) return undefined;
  const all = ls as Latency[];
  const n = all.reduce((a, l) => a + l.observations, 0);
  const median = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  };
  const avgUs =
    n > 0 ? all.reduce((a, l) => a + l.avgUs * l.observations, 0) / n : median(all.map((l) => l.avgUs));
  // One round trip's spread over every observation: within each repeat and between their means.
  const sdUs =
    n > 1 && all.every((l) => l.sdUs !== undefined)
      ? Math.sqrt(all.reduce((a, l) => a + l.observations * (l.sdUs! ** 2 + (l.avgUs - avgUs) ** 2), 0) / n)
      : undefined;
  const { sdUs: _firstSd, ...first } = all[0]!;
  return {
    ...first,
    avgUs,
    ...(sdUs !== undefined ? { sdUs } : {}),
    p50Us: median(all.map((l) => l.p50Us)),
    p99Us: median(all.map((l) => l.p99Us)),
    p999Us: median(all.map((l) => l.p999Us)),
    observations: n,
  };
}
