import { confidenceOf, MIN_RATE_EFFECT, proportionChange } from "../noise.js";
import { num, pct } from "../finding.js";
import type { CpuQuotaFigure, RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/** CPU-seconds per second of the run that a limit stopped the benchmark's tasks for. */
const stoppedShare = (f: RunFigures, q: CpuQuotaFigure): number =>
  f.seconds > 0 ? q.throttledSeconds / f.seconds : 0;

/**
 * The share of the work its tasks wanted to do that the limit held back: a throttled task was
 * runnable (it would have run), so of the time it wanted, it got what it ran and lost what it
 * was stopped. The rate a CPU-bound benchmark reaches falls by that share.
 */
const heldBack = (q: CpuQuotaFigure | undefined): number =>
  q && q.throttledSeconds > 0 ? q.throttledSeconds / (q.throttledSeconds + q.cpuSeconds) : 0;

/** The benchmark's most throttled limited cgroup in a run, and its share; none without a limit. */
function mostStopped(f: RunFigures): { q: CpuQuotaFigure; share: number } | undefined {
  const top = f.cpuQuotas[0];
  return top ? { q: top, share: stoppedShare(f, top) } : undefined;
}

/**
 * A CPU limit (CFS quota: `docker run --cpus`, a pod's CPU limit, systemd's CPUQuota=) on a cgroup
 * holding the benchmark stopped it for a material share of the subject's run, and either the
 * baseline had no such limit, a larger one, or was stopped at most half as long. The kernel's own
 * counters are the evidence: a throttled task waits for the next period however idle the CPUs are,
 * so no CPU figure shows it. Identical runs under the same limit are throttled alike: not named.
 */
export const cpuQuota: Rule = {
  code: "CPU_QUOTA_THROTTLING",
  evaluate(ctx) {
    const { b, s } = ctx;
    const subj = mostStopped(s);
    if (!subj || subj.share < MIN_RATE_EFFECT || subj.q.throttledPeriods <= 0) return undefined;
    const base = mostStopped(b);
    const baseShare = base?.share ?? 0;
    const tighter = base === undefined || subj.q.quotaCpus < base.q.quotaCpus;
    if (!tighter && baseShare > subj.share / 2) return undefined;
    if (subj.share - baseShare < MIN_RATE_EFFECT) return undefined;
    const periods = proportionChange(
      { events: base?.q.throttledPeriods ?? 0, trials: Math.max(1, base?.q.periods ?? 0) },
      { events: subj.q.throttledPeriods, trials: subj.q.periods },
      MIN_RATE_EFFECT,
    );
    const explains = explainedShare(heldBack(subj.q) - heldBack(base?.q), ctx);
    return {
      code: this.code,
      title: `a CPU limit of ${num(subj.q.quotaCpus)} CPUs on ${subj.q.cgroup} (holding ${subj.q.comms.join(", ")}) stopped it for ${pct(subj.share)} of a CPU over the run, in ${pct(subj.q.throttledPeriods / Math.max(1, subj.q.periods))} of its periods`,
      mechanism:
        "a cgroup that uses up its CPU quota in a period is stopped until the next one (CFS bandwidth control), however idle the CPUs are: the benchmark's sender or receiver then runs at most quota ÷ period of a CPU",
      confidence: periods.material ? confidenceOf(periods.z) : "low",
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "CPU limit on the benchmark's cgroup (CPUs)",
          baseline: base ? `${num(base.q.quotaCpus)} (${base.q.cgroup})` : "none",
          subject: `${num(subj.q.quotaCpus)} (${subj.q.cgroup})`,
          source: "cpu.max (cgroup v2) or cpu.cfs_quota_us ÷ cpu.cfs_period_us (v1)",
        },
        {
          what: "throttled periods / periods",
          baseline: base ? `${base.q.throttledPeriods} / ${base.q.periods}` : "0 / 0",
          subject: `${subj.q.throttledPeriods} / ${subj.q.periods}`,
          source: "cpu.stat nr_throttled, nr_periods",
        },
        {
          what: "CPU time its processes ran / were stopped (s)",
          baseline: base ? `${num(base.q.cpuSeconds)} / ${num(base.q.throttledSeconds)}` : "-",
          subject: `${num(subj.q.cpuSeconds)} / ${num(subj.q.throttledSeconds)}`,
          source: "/proc/<pid>/stat (run.processes); cpu.stat",
        },
        {
          what: "time stopped per second of the run (CPU-seconds)",
          baseline: num(baseShare, 3),
          subject: num(subj.share, 3),
          source: "cpu.stat throttled_usec (v2) or throttled_time (v1)",
        },
      ],
    };
  },
};
