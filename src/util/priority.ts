import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The niceness this process started with, once lowered; commands it launches get it back. */
let original: number | undefined;

/**
 * Lowers the priority of every thread of this process (Linux niceness is per thread; libuv's
 * pool may already exist) and so of every child spawned afterwards, bpftrace included, so that
 * on a saturated core the scheduler favours the benchmark (the observer-effect bench measured no
 * difference beyond its noise). Kernel-side probes run in the traced tasks' context, unaffected.
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
  // "--": a program whose name starts with "-" is not read as one of nice's options.
  return delta === 0 ? [...argv] : ["nice", "-n", String(delta), "--", ...argv];
}

/**
 * Runs fn (a synchronous spawn) with this thread back at the original priority: a child inherits
 * the niceness of the thread that forks it, so it starts, threads and all, where it would have
 * without us, and a command that does not exist still fails as itself (no `nice` in front).
 */
export function withOriginalPriority<T>(fn: () => T): T {
  if (original === undefined) return fn();
  const lowered = getPriority(0);
  try {
    setPriority(0, original);
  } catch {
    return fn(); // raising priority needs CAP_SYS_NICE: without it the child stays where we are
  }
  try {
    return fn();
  } finally {
    setPriority(0, lowered);
  }
}
