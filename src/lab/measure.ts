import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { parsePerCpuTable, tableDelta, type PerCpuTable } from "../collectors/per-cpu-table.js";
import type { ProbeEngine, ProbeRequest } from "../probes/engine.js";
import type { ProbeReading } from "../probes/probe-run.js";
import type { ProbeLease } from "../probes/run-pool.js";
import { componentLogger } from "../util/log.js";
import { runIperf, type IperfOptions, type IperfResult } from "./iperf.js";
import type { Lab } from "./topology.js";

const log = componentLogger("measure");

export interface Measurement {
  topology: string;
  benchmark: IperfResult;
  /** Readings that closed inside the benchmark's window, and each probe's final one. */
  readings: ProbeReading[];
  /** /proc/softirqs increase over the whole probed window: the independent check. */
  procSoftirqs: PerCpuTable;
  windowSeconds: number;
}

/**
 * How long to wait for a probe's interval before going on without it: under emulation (the kernel
 * matrix's QEMU guests) a bpftrace may not print one for tens of seconds, and its counts still
 * arrive in its exit dump, which the checks then judge.
 */
const READING_WAIT_MS = 20_000;

/**
 * Resolves when the run has emitted a reading closed at or after `sinceMs`, or after
 * READING_WAIT_MS. bpftrace prints an interval from user space: a bpftrace starved of CPU (six of
 * them and a flood on two cores) prints late, and one stopped before it caught up drops the
 * intervals it still owed — its counts then arrive only in the exit dump, as one reading for the
 * whole window.
 */
async function readingAfter(run: ProbeLease, seen: ProbeReading[], sinceMs: number): Promise<void> {
  const has = (): boolean => seen.some((r) => r.probe === run.name && r.at >= sinceMs);
  const deadline = AbortSignal.timeout(READING_WAIT_MS);
  while (!has() && !deadline.aborted) {
    try {
      await once(run, "reading", { signal: deadline });
    } catch {
      log.warn({ probe: run.name, waitedMs: READING_WAIT_MS }, "no interval printed; going on without it");
    }
  }
}

/**
 * Runs one benchmark across a lab with probes attached around exactly the benchmark's window.
 * Every probe first proves its output flows (one interval printed) before the window opens, and
 * prints one interval closed after the window before it is stopped: each then has at least one
 * reading inside the window and its final one, whatever the load did to bpftrace's timing.
 */
export async function measure(
  engine: ProbeEngine,
  lab: Lab,
  probes: ProbeRequest[],
  bench: IperfOptions,
): Promise<Measurement> {
  const runs = engine.prepare(probes, { kind: "host" });
  const all: ProbeReading[] = [];
  for (const r of runs) r.on("reading", (x: ProbeReading) => all.push(x));
  const started: typeof runs = [];
  try {
    await Promise.all(
      runs.map(async (r) => {
        await r.start();
        started.push(r);
      }),
    );
    const attached = Date.now();
    await Promise.all(started.map((r) => readingAfter(r, all, attached)));
    const warmUp = new Set(all);
    const before = parsePerCpuTable(await readFile("/proc/softirqs", "utf8"));
    const t0 = performance.now();
    const benchmark = await runIperf(lab, bench);
    const ended = Date.now();
    await Promise.all(started.map((r) => readingAfter(r, all, ended)));
    await Promise.all(started.map((r) => r.stop()));
    const windowSeconds = (performance.now() - t0) / 1000;
    const after = parsePerCpuTable(await readFile("/proc/softirqs", "utf8"));
    return {
      topology: lab.topology,
      benchmark,
      readings: all.filter((r) => !warmUp.has(r)),
      procSoftirqs: tableDelta(before, after),
      windowSeconds,
    };
  } finally {
    await Promise.all(started.map((r) => r.stop()));
  }
}
