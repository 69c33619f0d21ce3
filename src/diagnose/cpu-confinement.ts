import type { RunFile, RunSnapshot } from "../run/run-file.js";

/**
 * Percent of an interval a CPU was not idle: everything but idle and iowait (a CPU waiting on I/O
 * with nothing to run is idle too).
 */
export function busyPercent(c: Pick<RunSnapshot["cpus"][number], "idle" | "iowait">): number {
  return 100 - c.idle - c.iowait;
}

/**
 * Percent of an interval a CPU worked for this machine: busy less steal, the time the hypervisor
 * ran someone else on the vCPU. CPU per packet is the work a packet costs; a host that accounts
 * steal (KVM, Xen guests) would otherwise make a run on a busier host look costlier per packet,
 * with no mechanism in the guest. A CPU's availability (saturation, confinement) still counts
 * steal as taken: stolen time was not there for the benchmark either.
 */
export function workPercent(c: Pick<RunSnapshot["cpus"][number], "idle" | "iowait" | "steal">): number {
  return Math.max(0, busyPercent(c) - c.steal);
}

/**
 * The benchmark's processes confined to some of the CPUs (taskset, a cpuset such as docker
 * --cpuset-cpus), and how busy those CPUs were. A confined sender or receiver, with the softirq
 * work that runs on its CPU, gets at most those CPUs however idle the others are.
 */
export interface CpuConfinement {
  /** The CPUs the confined benchmark processes may run on, together. */
  cpus: number[];
  /** The confined processes. */
  processes: Array<{ comm: string; pid: number }>;
  /** Mean busy share (%) of those CPUs over the run's intervals. */
  busyPercent: number;
  /** Mean busy share (%) of the other CPUs; undefined when there are none. */
  othersBusyPercent: number | undefined;
}

/** Mean busy % of the CPUs in (or, with `inside` false, outside) a set over the intervals. */
function meanBusy(
  intervals: readonly RunSnapshot[],
  set: ReadonlySet<number>,
  inside: boolean,
): number | undefined {
  let sum = 0;
  let n = 0;
  for (const s of intervals)
    for (const c of s.cpus)
      if (set.has(c.cpu) === inside) {
        sum += busyPercent(c);
        n++;
      }
  return n ? sum / n : undefined;
}

/** Undefined when every benchmark process may run on every CPU (or none was reported). */
export function cpuConfinement(
  processes: RunFile["processes"],
  benchmarkComms: ReadonlySet<string>,
  intervals: readonly RunSnapshot[],
): CpuConfinement | undefined {
  const confined = processes.filter((p) => benchmarkComms.has(p.comm) && p.allowedCpus.length > 0);
  if (!confined.length) return undefined;
  const cpus = new Set(confined.flatMap((p) => p.allowedCpus));
  return {
    cpus: [...cpus].sort((a, b) => a - b),
    processes: confined.map((p) => ({ comm: p.comm, pid: p.pid })),
    busyPercent: meanBusy(intervals, cpus, true) ?? 0,
    othersBusyPercent: meanBusy(intervals, cpus, false),
  };
}
