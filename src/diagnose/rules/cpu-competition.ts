import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { pct } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { explainedLead, explainedShare, type Rule } from "./rule.js";

/**
 * The kernel's threads that do the path's own work: never a competitor. Shells and wrappers are
 * not among them: a wrapper that only waits never reaches the bar, and `sh -c 'while :; do :;
 * done'` is how a competitor is often started (two such loops beside a sockperf under-load, 77% of
 * all CPUs, went unnamed while `sh` was listed here, 2026-12-07).
 */
const KERNEL_WORK = /^(ksoftirqd\/|kworker\/|swapper|migration\/|rcu_)/;
/** overlayscope's processes, by name, in runs recorded before they were told apart by pid. */
const OWN_BY_NAME = /^(node|bpftrace|overlayscope)$/;

interface Rival {
  comm: string;
  share: number;
  other: number;
}

/**
 * Processes that took CPU time in `run` beyond what they took in `other`, by name: not the
 * benchmark, not the kernel's network work, not overlayscope (the daemon, its children, the
 * client that launched the benchmark: by pid where the run records the daemon's).
 */
function rivals(run: RunFigures, other: RunFigures): Rival[] {
  const byComm = (f: RunFigures): Map<string, number> => {
    const m = new Map<string, number>();
    for (const p of f.processes) {
      const own = f.ownPids.size ? f.ownPids.has(p.pid) : OWN_BY_NAME.test(p.comm);
      if (
        own ||
        KERNEL_WORK.test(p.comm) ||
        run.benchmarkComms.has(p.comm) ||
        other.benchmarkComms.has(p.comm)
      )
        continue;
      m.set(p.comm, (m.get(p.comm) ?? 0) + p.cpuShare);
    }
    return m;
  };
  const before = byComm(other);
  return [...byComm(run)]
    .map(([comm, share]) => ({ comm, share, other: before.get(comm) ?? 0 }))
    .filter((r) => r.share - r.other >= MIN_RATE_EFFECT)
    .sort((x, y) => y.share - y.other - (x.share - x.other));
}

/**
 * Another process competing for the CPUs: its share of all CPUs' time over the window in one run
 * against the same command's share in the other. In the subject it explains a slower subject; in
 * the baseline, a baseline that was slowed (the subject then reads faster, or an A/A pair differs).
 * The bar is the rate noise floor (MIN_RATE_EFFECT of all CPUs): less cannot explain a material gap.
 */
export const cpuCompetition: Rule = {
  code: "CPU_COMPETITION",
  twoSided: true,
  evaluate(ctx) {
    const { b, s } = ctx;
    const inSubject = rivals(s, b);
    const inBaseline = inSubject.length ? [] : rivals(b, s);
    const list = inSubject.length ? inSubject : inBaseline;
    const top = list[0];
    if (!top) return undefined;
    const side = inSubject.length ? "subject" : "baseline";
    const runOf = inSubject.length ? s : b;
    const extra = list.reduce((a, r) => a + r.share - r.other, 0);
    const samples = runOf.processShares.find((p) => p.comm === top.comm);
    // A slowed baseline explains the subject's lead (a negative gap); a busy subject, its loss.
    const explains = inSubject.length ? explainedShare(extra, ctx) : explainedLead(extra, ctx);
    const sides = (r: Rival): [number, number] =>
      inSubject.length ? [r.other, r.share] : [r.share, r.other];
    return {
      code: this.code,
      ...(inSubject.length ? {} : { slowed: "baseline" as const }),
      title: `${list.map((r) => r.comm).join(", ")} competed for the CPUs in the ${side}: ${top.comm} used ${pct(top.share)} of all CPU time there (${pct(top.other)} in the ${side === "subject" ? "baseline" : "subject"})`,
      mechanism:
        "the network path runs in softirq and in the benchmark's threads on the same cores; CPU time taken by another process is time the path does not get",
      confidence: confidenceOf((extra / 0.02) * 1),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        ...list.slice(0, 4).map((r) => ({
          what: `${r.comm}: share of all CPUs' time`,
          baseline: pct(sides(r)[0]),
          subject: pct(sides(r)[1]),
          source: "/proc/<pid>/stat per interval (run.processes)",
        })),
        ...(samples
          ? [
              {
                what: `${top.comm}: share of the ${side}'s busy stack samples`,
                subject: pct(samples.share),
                source: "stacks probe",
              },
            ]
          : []),
      ],
    };
  },
};
