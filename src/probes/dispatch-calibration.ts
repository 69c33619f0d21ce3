import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { release } from "node:os";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { acquireBpfStats, costBetween, readProcessProgStats } from "../bpftrace/bpf-stats.js";
import { BpftraceRunner } from "../bpftrace/runner.js";
import { OverlayscopeError } from "../util/errors.js";
import { setTracepointDispatchNs } from "./self-cost.js";

const run = promisify(execFile);

export const CALIBRATION_FILE = "/run/overlayscope/dispatch-calibration.json";

const CalibrationSchema = z.object({
  kernel: z.string(),
  bootId: z.string(),
  at: z.string(),
  method: z.string(),
  /** Tracepoint events during the probed runs, per run. */
  eventsPerRun: z.number(),
  offMs: z.array(z.number()),
  onMs: z.array(z.number()),
  /** Wall time added per event (run + dispatch), and BPF stats' run time per event. */
  totalNsPerEvent: z.number(),
  runNsPerEvent: z.number(),
  dispatchNsPerEvent: z.number(),
});
export type DispatchCalibration = z.infer<typeof CalibrationSchema>;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bootId(): Promise<string> {
  return (await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => "")).trim();
}

/** One flood ping over loopback: a serial request/reply loop, two net_dev_queue hits per ping. */
async function timedPing(count: number): Promise<number> {
  const t0 = performance.now();
  // Pinned to one CPU: the whole request/reply loop then runs there, and migrations add no noise.
  await run("taskset", ["-c", "0", "ping", "-f", "-q", "-c", String(count), "127.0.0.1"], {
    timeout: 60_000,
  });
  return performance.now() - t0;
}

/**
 * Measures what one tracepoint event costs on *this* kernel, which BPF stats cannot see: the
 * dispatch into the program. A loopback flood ping is timed without and then with a `count()`
 * program on net:net_dev_queue; the added wall time per event, minus the program's own run time
 * from BPF stats, is the dispatch cost. Bare-metal figures (15–96 ns) underestimate it badly in
 * VMs (about 160–180 ns measured on the development VM), which made every per-packet probe's
 * self-reported cost read 2–2.5× low.
 */
export async function calibrateTracepointDispatch(pings = 200_000, rounds = 4): Promise<DispatchCalibration> {
  await timedPing(10_000).catch((e: Error) => {
    throw new OverlayscopeError("FAILED_PRECONDITION", `calibration needs ping over loopback: ${e.message}`);
  });
  // Interleaved pairs (off, then on under a fresh probe): drift and a busy moment hit both sides
  // of a pair, and the median pair decides. One long off phase then one long on phase read
  // anywhere from 70 to 170 ns on the same VM.
  const offMs: number[] = [];
  const onMs: number[] = [];
  const perEvent: number[] = [];
  let events = 0;
  let runNs = 0;
  const release_ = await acquireBpfStats();
  try {
    for (let i = 0; i < rounds; i++) {
      const off = await timedPing(pings);
      const probe = new BpftraceRunner({
        label: "calibration",
        script: "tracepoint:net:net_dev_queue { @n = count(); }",
      });
      try {
        await probe.start();
        const before = await readProcessProgStats(probe.pid!);
        const on = await timedPing(pings);
        const costs = costBetween(before, await readProcessProgStats(probe.pid!));
        const n = costs.reduce((a, c) => a + c.events, 0);
        if (n < pings)
          throw new OverlayscopeError(
            "INTERNAL",
            `calibration saw ${n} events in a round, expected ${2 * pings}`,
          );
        events += n;
        runNs += costs.reduce((a, c) => a + c.runTimeNs, 0);
        offMs.push(off);
        onMs.push(on);
        perEvent.push(((on - off) * 1e6) / n);
      } finally {
        await probe.stop();
      }
    }
  } finally {
    await release_();
  }
  const eventsPerRun = events / rounds;
  const totalNsPerEvent = median(perEvent);
  const runNsPerEvent = runNs / events;
  return {
    kernel: release(),
    bootId: await bootId(),
    at: new Date().toISOString(),
    method: `ping -f -c ${pings} 127.0.0.1, ${rounds} interleaved pairs without and with count() on net:net_dev_queue; median pair`,
    eventsPerRun,
    offMs,
    onMs,
    totalNsPerEvent,
    runNsPerEvent,
    dispatchNsPerEvent: Math.max(0, totalNsPerEvent - runNsPerEvent),
  };
}

export async function saveCalibration(c: DispatchCalibration, file = CALIBRATION_FILE): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(c, null, 1)}\n`);
}

/**
 * Uses a calibration made on this kernel since the last boot (`overlayscope probes --calibrate`);
 * anything else (none, another boot or kernel, unreadable) keeps the static estimate.
 */
export async function loadCalibration(file = CALIBRATION_FILE): Promise<DispatchCalibration | undefined> {
  try {
    const c = CalibrationSchema.parse(JSON.parse(await readFile(file, "utf8")));
    if (c.kernel !== release() || c.bootId !== (await bootId())) return undefined;
    applyCalibration(c);
    return c;
  } catch {
    return undefined;
  }
}

/** Measures now, keeps the result for this boot, and uses it from here on. */
export async function recalibrate(): Promise<DispatchCalibration> {
  const c = await calibrateTracepointDispatch();
  await saveCalibration(c);
  applyCalibration(c);
  return c;
}

/** A calibration for this boot, measuring one first when there is none (≈ 5 s, before benchmarks). */
export async function ensureCalibration(progress: (t: string) => void): Promise<DispatchCalibration> {
  const cached = await loadCalibration();
  if (cached) return cached;
  progress("calibrating tracepoint dispatch cost on this kernel (once per boot, ~5 s)");
  return recalibrate();
}

export function applyCalibration(c: DispatchCalibration): void {
  setTracepointDispatchNs(c.dispatchNsPerEvent, "calibrated");
}
