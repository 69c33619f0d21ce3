import { num, pct } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/**
 * CPUs this busy had no time left to give: the confinement bound. Below it the confined CPUs
 * still idled, so the benchmark was not held to them.
 */
const FULL_BUSY_PERCENT = 90;

/** CPUs the benchmark's processes could use: the confined ones', or every CPU of the host. */
const usableCpus = (f: RunFigures): number => f.cpuConfinement?.cpus.length ?? f.cpus;

const cpuList = (cpus: readonly number[]): string => cpus.join(",");

/**
 * The subject's benchmark processes were confined to fewer CPUs than the baseline's (taskset, a
 * cpuset such as docker --cpuset-cpus) and those CPUs were full while others had time to spare: a
 * sender and receiver sharing a CPU, with the softirq work that runs where they send, get no more
 * than it. The kernel's record of the confinement (Cpus_allowed_list) and the per-CPU busy time
 * are the evidence. Identical runs confined alike are not named.
 */
export const cpuAffinity: Rule = {
  code: "CPU_AFFINITY",
  evaluate(ctx) {
    const { b, s, gap } = ctx;
    const c = s.cpuConfinement;
    if (!c || gap <= 0 || c.cpus.length >= usableCpus(b)) return undefined;
    if (c.busyPercent < FULL_BUSY_PERCENT) return undefined;
    if (c.othersBusyPercent === undefined || c.othersBusyPercent >= FULL_BUSY_PERCENT) return undefined;
    // At the baseline's CPU per packet, k CPUs carry at most k ÷ (the CPUs the baseline kept busy)
    // of its rate: the gap that capacity alone implies.
    const baselineBusyCpus = b.seconds > 0 ? b.busySeconds / b.seconds : 0;
    const capacityGap = baselineBusyCpus > c.cpus.length ? 1 - c.cpus.length / baselineBusyCpus : 0;
    const explains = explainedShare(capacityGap, ctx);
    const who = [...new Set(c.processes.map((p) => p.comm))].join(", ");
    return {
      code: this.code,
      title: `the subject's ${who} could run on CPU ${cpuList(c.cpus)} only (${c.cpus.length} of ${s.cpus}; the baseline's on ${b.cpuConfinement ? cpuList(b.cpuConfinement.cpus) : `all ${b.cpus}`}), ${pct(c.busyPercent / 100)} busy while the other CPUs were ${pct(c.othersBusyPercent / 100)} busy`,
      mechanism:
        "a process confined to some CPUs (taskset, a cpuset) runs only there, and so does the softirq work it raises when it sends: once those CPUs are full, idle ones do not help",
      confidence: explains !== undefined ? "medium" : "low",
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "CPUs the benchmark's processes may run on",
          baseline: b.cpuConfinement ? cpuList(b.cpuConfinement.cpus) : `all ${b.cpus}`,
          subject: `${cpuList(c.cpus)} (${c.processes.map((p) => `${p.comm}[${p.pid}]`).join(", ")})`,
          source: "/proc/<pid>/status Cpus_allowed_list (run.processes[].allowedCpus)",
        },
        {
          what: "busy share of those CPUs / of the others (%)",
          subject: `${num(c.busyPercent, 1)} / ${num(c.othersBusyPercent, 1)}`,
          source: "/proc/stat per core",
        },
        {
          what: "CPUs kept busy (CPU-seconds per second)",
          baseline: num(baselineBusyCpus, 2),
          subject: num(s.seconds > 0 ? s.busySeconds / s.seconds : 0, 2),
          source: "/proc/stat busy time less steal over the window",
        },
      ],
    };
  },
};
