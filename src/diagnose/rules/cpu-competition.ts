import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { pct } from "../finding.js";
import { explainedShare, type Rule } from "./rule.js";

/** Processes that are the kernel's or ours, never a competitor: they do the path's own work. */
const OWN = /^(ksoftirqd\/|kworker\/|swapper|migration\/|rcu_|node$|bpftrace$|overlayscope|ip$|sh$|sleep$)/;

/**
 * Another process competing for the CPUs: its share of all CPUs' time over the window in the
 * subject, against the same command's share in the baseline. The bar is the rate noise floor
 * (MIN_RATE_EFFECT of all CPUs): less than that cannot explain a material gap.
 */
export const cpuCompetition: Rule = {
  code: "CPU_COMPETITION",
  evaluate(ctx) {
    const { b, s } = ctx;
    const byComm = (procs: typeof s.processes): Map<string, number> => {
      const m = new Map<string, number>();
      for (const p of procs) m.set(p.comm, (m.get(p.comm) ?? 0) + p.cpuShare);
      return m;
    };
    const base = byComm(b.processes);
    const rivals = [...byComm(s.processes)]
      .filter(([comm]) => !OWN.test(comm) && !s.benchmarkComms.has(comm) && !b.benchmarkComms.has(comm))
      .map(([comm, share]) => ({ comm, share, before: base.get(comm) ?? 0 }))
      .filter((r) => r.share - r.before >= MIN_RATE_EFFECT)
      .sort((x, y) => y.share - y.before - (x.share - x.before));
    const top = rivals[0];
    if (!top) return undefined;
    const extra = rivals.reduce((a, r) => a + r.share - r.before, 0);
    const samples = s.processShares.find((p) => p.comm === top.comm);
    const explains = explainedShare(extra, ctx);
    return {
      code: this.code,
      title: `${rivals.map((r) => r.comm).join(", ")} competed for the CPUs: ${top.comm} used ${pct(top.share)} of all CPU time in the subject (${pct(top.before)} in the baseline)`,
      mechanism:
        "the network path runs in softirq and in the benchmark's threads on the same cores; CPU time taken by another process is time the path does not get",
      confidence: confidenceOf((extra / 0.02) * 1),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        ...rivals.slice(0, 4).map((r) => ({
          what: `${r.comm}: share of all CPUs' time`,
          baseline: pct(r.before),
          subject: pct(r.share),
          source: "/proc/<pid>/stat per interval (run.processes)",
        })),
        ...(samples
          ? [
              {
                what: `${top.comm}: share of busy stack samples`,
                subject: pct(samples.share),
                source: "stacks probe",
              },
            ]
          : []),
      ],
    };
  },
};
