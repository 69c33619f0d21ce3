import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The niceness this process started with, once lowered; commands it launches get it back. */
let original: number | undefined;

/**
 * Lowers the priority of every thread of this process (Linux niceness is per thread; libuv's
 * pool may already exist) and so of every child spawned afterwards, bpftrace included. A woken
 * profiler then waits for the benchmark's time slice to end instead of preempting it on a
 * saturated core. The kernel-side probes are unaffected: they run in the traced tasks' context.
 */
export function lowerPriority(nice: number): void {
  original ??= getPriority();
  const target = Math.max(original, nice);
  for (const tid of readdirSync("/proc/self/task")) setPriority(Number(tid), target);
}

/** argv that runs a launched command at the priority the daemon started with, not its own. */
export function atOriginalPriority(argv: readonly string[]): string[] {
  if (original === undefined) return [...argv];
  const delta = original - getPriority();
  return delta === 0 ? [...argv] : ["nice", "-n", String(delta), ...argv];
}
