import type { CpuConfinement } from "../cpu-confinement.js";
import { num, pct, type Evidence } from "../finding.js";
import { confidenceOf } from "../noise.js";
import type { RunFigures } from "../run-figures.js";
import { costChange, perPacket } from "../verdict.js";
import { explainedLead, explainedShare, type Rule, type RuleContext } from "./rule.js";

/**
 * CPUs this busy had no time left to give: the confinement bound. Below it the confined CPUs
 * still idled, so the benchmark was not held to them.
 */
const FULL_BUSY_PERCENT = 90;

/** CPUs the benchmark's processes could use: the confined ones', or every CPU of the host. */
const usableCpus = (f: RunFigures): number => f.cpuConfinement?.cpus.length ?? f.cpus;

const cpuList = (cpus: readonly number[]): string => cpus.join(",");

/**
 * Confinement that made the subject cheaper: its benchmark's processes on fewer CPUs, and CPU per
 * packet (per KB for TCP) lower beyond noise. Sender, receiver and the softirq work they raise on
 * one CPU share its caches and wake each other without an inter-processor interrupt: on the scenario
 * overlay (2026-12-06) client and server on CPU 0 cost 1.09 µs of CPU per KB against 1.58 spread
 * over both CPUs, and the TCP flow ran no slower. A cause of the subject's lead (the baseline's
 * spread is what held it back).
 */
function cheaperConfined(ctx: RuleContext, c: CpuConfinement): ReturnType<Rule["evaluate"]> {
  const { b, s } = ctx;
  const byPackets = perPacket(b, s);
  const cost = costChange(b, s, byPackets);
  if (!cost.material || cost.change >= 0) return undefined;
  const unit = byPackets ? "packet" : "KB";
  const level = (f: RunFigures): number | undefined => (byPackets ? f.cpuUsPerPacket : f.cpuUsPerKB);
  const explains = explainedLead(-cost.change, ctx);
  return {
    code: "CPU_AFFINITY",
    slowed: "baseline",
    title: `the subject's ${comms(c)} could run on CPU ${cpuList(c.cpus)} only (${c.cpus.length} of ${s.cpus}), and each ${unit} cost ${pct(-cost.change, 0)} less CPU than spread over ${b.cpuConfinement ? cpuList(b.cpuConfinement.cpus) : `all ${b.cpus}`}`,
    mechanism:
      "sender, receiver and the softirq work they raise on one CPU share its caches and wake each other without inter-processor interrupts: each byte costs less CPU, as long as that CPU has time to spare",
    confidence: confidenceOf(Math.abs(cost.z)),
    ...(explains !== undefined ? { explains } : {}),
    evidence: [
      confinedEvidence(b, c),
      {
        what: `CPU µs per ${unit}`,
        baseline: num(level(b)),
        subject: num(level(s)),
        source: "/proc/stat busy time less steal over the window",
      },
    ],
  };
}

const comms = (c: CpuConfinement): string => [...new Set(c.processes.map((p) => p.comm))].join(", ");

/** Where the benchmark's processes could run, both sides. */
const confinedEvidence = (b: RunFigures, c: CpuConfinement): Evidence => ({
  what: "CPUs the benchmark's processes may run on",
  baseline: b.cpuConfinement ? cpuList(b.cpuConfinement.cpus) : `all ${b.cpus}`,
  subject: `${cpuList(c.cpus)} (${c.processes.map((p) => `${p.comm}[${p.pid}]`).join(", ")})`,
  source: "/proc/<pid>/status Cpus_allowed_list (run.processes[].allowedCpus)",
});

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
    if (!c || c.cpus.length >= usableCpus(b)) return undefined;
    if (gap <= 0) return cheaperConfined(ctx, c);
    if (c.busyPercent < FULL_BUSY_PERCENT) return undefined;
    if (c.othersBusyPercent === undefined || c.othersBusyPercent >= FULL_BUSY_PERCENT) return undefined;
    // At the baseline's CPU per packet, k CPUs carry at most k ÷ (the CPUs the baseline kept busy)
    // of its rate: the gap that capacity alone implies.
    const baselineBusyCpus = b.seconds > 0 ? b.busySeconds / b.seconds : 0;
    const capacityGap = baselineBusyCpus > c.cpus.length ? 1 - c.cpus.length / baselineBusyCpus : 0;
    const explains = explainedShare(capacityGap, ctx);
    const who = comms(c);
    return {
      code: this.code,
      title: `the subject's ${who} could run on CPU ${cpuList(c.cpus)} only (${c.cpus.length} of ${s.cpus}; the baseline's on ${b.cpuConfinement ? cpuList(b.cpuConfinement.cpus) : `all ${b.cpus}`}), ${pct(c.busyPercent / 100)} busy while the other CPUs were ${pct(c.othersBusyPercent / 100)} busy`,
      mechanism:
        "a process confined to some CPUs (taskset, a cpuset) runs only there, and so does the softirq work it raises when it sends: once those CPUs are full, idle ones do not help",
      confidence: explains !== undefined ? "medium" : "low",
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        confinedEvidence(b, c),
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
