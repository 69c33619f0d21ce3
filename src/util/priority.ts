import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The niceness this process started with, once lowered; commands it launches get it back. */
let original: number | undefined;
/** Whether this process's threads run under SCHED_BATCH (see lowerPriority). */
let batched = false;

/** util-linux chrt on one thread (or every thread with -a): Node has no sched_setscheduler. */
function chrt(policy: "--batch" | "--other", tid: number, allThreads = false): boolean {
  const args = [policy, ...(allThreads ? ["--all-tasks"] : []), "--pid", "0", String(tid)];
  return spawnSync("chrt", args, { stdio: "ignore", timeout: 5_000 }).status === 0;
}

/**
 * Lowers the priority of every thread of this process (Linux niceness is per thread; libuv's
 * pool may already exist) and so of every child spawned afterwards, bpftrace included, so that
 * on a saturated core the scheduler favours the benchmark (the observer-effect bench measured no
 * difference beyond its noise). Kernel-side probes run in the traced tasks' context, unaffected.
 */
export function lowerPriority(nice: number, batch = false): void {
  original ??= getPriority();
  const target = Math.max(original, nice);
  for (const tid of readdirSync("/proc/self/task")) setPriority(Number(tid), target);
  // SCHED_BATCH: a waking batch task never preempts the running one (the kernel's fair class
  // leaves batch and idle tasks' preemption to the tick), so a collector waking on a core the
  // benchmark saturates waits for the slice to end instead of cutting in: a UDP receiver is not
  // descheduled mid-burst with its socket buffer filling. Its CPU share is unchanged (nice still
  // decides it). Threads and children made afterwards inherit it; without chrt, nothing changes.
  if (batch && !batched) batched = chrt("--batch", process.pid, true);
}

/** Whether lowerPriority put this process under SCHED_BATCH. */
export const isBatched = (): boolean => batched;

/** argv that runs a launched command at the priority the daemon started with, not its own. */
export function atOriginalPriority(argv: readonly string[]): string[] {
  if (original === undefined) return [...argv];
  const delta = original - getPriority();
  // "--": a program whose name starts with "-" is not read as one of nice's options.
  const niced = delta === 0 ? [...argv] : ["nice", "-n", String(delta), "--", ...argv];
  return batched ? ["chrt", "--other", "0", ...niced] : niced;
}

/**
 * Runs fn (a synchronous spawn) with this thread back at the original priority: a child inherits
 * the niceness of the thread that forks it, so it starts, threads and all, where it would have
 * without us, and a command that does not exist still fails as itself (no `nice` in front).
 */
export function withOriginalPriority<T>(fn: () => T): T {
  if (original === undefined) return fn();
  const lowered = getPriority(0);
  // The policy too: a benchmark under SCHED_BATCH would be measured under a scheduler it never
  // asked for. JavaScript runs on the main thread, whose id is the pid.
  const unbatched = batched && chrt("--other", process.pid);
  try {
    try {
      setPriority(0, original);
    } catch {
      // raising priority needs CAP_SYS_NICE: without it the child keeps our niceness
    }
    return fn();
  } finally {
    setPriority(0, lowered);
    if (unbatched) chrt("--batch", process.pid);
  }
}
