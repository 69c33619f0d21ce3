import { confidenceOf, proportionChange, type IntervalCounts } from "../noise.js";
import type { RunFigures } from "../run-figures.js";
import { bindingShaper } from "./qdisc-limit.js";
import type { Rule } from "./rule.js";

/** A core this busy with kernel work has nothing left; the others this idle could have helped. */
const SATURATED_KERNEL_PERCENT = 85;
const OTHERS_IDLE_PERCENT = 60;
/**
 * Saturated in most of the subject's intervals and in few of the baseline's: the shares of
 * intervals must differ by half of them, beyond the chance of two runs' few intervals (a 6 s
 * run has five or six), so two runs that both hover at the edge name nothing.
 */
const MIN_INTERVAL_SHARE_DELTA = 0.5;

/**
 * Intervals with one core full of kernel work while the others idled. A core the benchmark was
 * confined to does not count: its processes could run nowhere else, so their sends and the
 * softirqs those bring stayed there — CPU_AFFINITY's mechanism, not a flow hash's (measured with
 * `taskset -c 0` on both ends: CPU 0 97% busy, CPU 1 12%, and RPS was no remedy).
 */
function saturatedIntervals(f: RunFigures): {
  counts: { events: number; trials: number };
  byRepeat: IntervalCounts;
} {
  const confined = new Set(f.cpuConfinement?.cpus ?? []);
  const byRepeat = new Map<number, { events: number; trials: number }>();
  for (const x of f.saturation) {
    const r = byRepeat.get(x.repeat ?? 0) ?? { events: 0, trials: 0 };
    r.trials++;
    if (
      x.kernelPercent >= SATURATED_KERNEL_PERCENT &&
      x.othersBusyPercent <= OTHERS_IDLE_PERCENT &&
      !confined.has(x.cpu)
    )
      r.events++;
    byRepeat.set(x.repeat ?? 0, r);
  }
  const events = [...byRepeat.values()].reduce((a, r) => a + r.events, 0);
  return { counts: { events, trials: f.saturation.length }, byRepeat: [...byRepeat.values()] };
}

const shareOf = ({ events, trials }: { events: number; trials: number }): number =>
  trials ? events / trials : 0;

/** One core saturated with kernel work in most of the subject's intervals, not in the baseline's. */
export const coreSaturation: Rule = {
  code: "SINGLE_CORE_SATURATION",
  evaluate({ b, s }) {
    const xb = saturatedIntervals(b);
    const xs = saturatedIntervals(s);
    const sb = shareOf(xb.counts);
    const ss = shareOf(xs.counts);
    // Repeats' shares spread as whole runs do (clusteredRatioSe over them); one run is one cluster.
    const diff = proportionChange(
      { ...xb.counts, intervals: xb.byRepeat },
      { ...xs.counts, intervals: xs.byRepeat },
      MIN_INTERVAL_SHARE_DELTA,
    );
    if (ss < 0.5 || !diff.material || diff.delta <= 0) return undefined;
    // A shaper that sent at its rate set the subject's throughput; a core full of kernel work
    // beside it is the sender pushing into that queue (a UDP flood into a tbf at 20 Mbit/s kept
    // the sending core full while the tbf dropped 80%), not a hash that left other cores idle.
    if (bindingShaper(b, s)) return undefined;
    const rps = s.environment?.netns.flatMap((n) => n.devices.flatMap((d) => Object.values(d.rps))) ?? [];
    const rpsOff = rps.length > 0 && rps.every((m) => /^[0,]+$/.test(m));
    return {
      code: this.code,
      title: `one core is saturated with kernel work in ${(ss * 100).toFixed(0)}% of the subject's intervals (baseline ${(sb * 100).toFixed(0)}%)${rpsOff ? "; RPS is off on every device" : ""}`,
      mechanism:
        "the kernel steers a flow's packets to one CPU by its hash; when that CPU is full, idle cores do not help (RPS/RFS or more flows spread the work)",
      confidence: confidenceOf(diff.z),
      evidence: [
        {
          what: `intervals with one core ≥${SATURATED_KERNEL_PERCENT}% kernel time, the rest ≤${OTHERS_IDLE_PERCENT}% busy`,
          baseline: `${xb.counts.events} of ${xb.counts.trials}`,
          subject: `${xs.counts.events} of ${xs.counts.trials}`,
          source: "/proc/stat per core",
        },
        {
          what: "RPS masks",
          subject: rps.length ? (rpsOff ? "all 0 (off)" : "set on some devices") : "not recorded",
          source: "environment snapshot (sysfs rps_cpus)",
        },
      ],
    };
  },
};
