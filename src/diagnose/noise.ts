/**
 * When a difference between two runs counts. Every rule asks these questions, so an A/A pair (the
 * same run twice) reports nothing: a difference must exceed the noise the runs themselves show
 * AND a minimum effect size.
 */

/**
 * Identical back-to-back runs on a shared or virtualised host differ by up to ±10% in rate
 * (measured on the development VM: A/A ratios 0.895–1.071 over 6 pairs of 4 s UDP runs), a
 * run-to-run variation that the intervals inside one run do not show. Smaller rate or cost
 * changes cannot be told from noise with one run per side.
 */
export const MIN_RATE_EFFECT = 0.1;

/**
 * Three standard errors: with a dozen rules each testing a few figures per diagnosis, two would
 * let about one A/A pair in twenty report something by chance; three, about one in three hundred.
 */
export const Z_MATERIAL = 3;

/**
 * How far the level of one run moves between identical runs, beyond what its own intervals show:
 * a run is one placement of the benchmark's threads and softirqs on the CPUs, one state of the
 * host's caches and neighbours, and it keeps them for its whole length. Measured on the
 * development VM (2026-12-02, eight identical 6 s iperf3 runs per path, interleaved): the runs'
 * levels had a relative standard deviation of 5% (UDP through the overlay), 8% (UDP host), 10%
 * (TCP overlay) and 11% (TCP host), while each run's intervals spread 4–5%; TCP's CPU per KB moved
 * up to 35% between two identical runs. One run per side cannot measure this, so a difference
 * within it needs a mechanism in the evidence to count (compareSides in src/diagnose/diagnose.ts).
 */
export const RUN_TO_RUN_NOISE = 0.1;

/** A share of busy samples must move by 5 points as well: smaller shifts are not a cause worth naming. */
export const MIN_SHARE_DELTA = 0.05;

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** Sample standard deviation (n − 1); infinite with fewer than two values. */
function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return Number.POSITIVE_INFINITY;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Standard error of the mean of a per-interval series (sample standard deviation / √n). */
export function standardError(xs: readonly number[]): number {
  return sampleSd(xs) / Math.sqrt(xs.length);
}

/** Standard deviation relative to the mean; infinite with fewer than two values or a zero mean. */
export function relativeSpread(xs: readonly number[]): number {
  const m = mean(xs);
  return m === 0 ? Number.POSITIVE_INFINITY : sampleSd(xs) / Math.abs(m);
}

/**
 * How far one side's level could move if the runs were repeated, relative to the level.
 *
 * Back-to-back runs differ by more than the standard error of their intervals says: the noise on
 * a shared host drifts over seconds, so intervals next to each other move together (measured here:
 * six identical 8 s UDP runs at 62–73 k packets/s, the intervals of one spanning 48–76 k, of
 * another 71–75 k). One run cannot show that run-to-run variation, so a run's level is taken to be
 * as uncertain as one of its own intervals (the spread, not the standard error). With repeats, the
 * spread of the repeats' own levels counts too (never less than the intervals': two repeats can
 * agree by chance), and the uncertainty of their mean falls with √repeats.
 */
export function levelNoise(side: { series: readonly number[]; repeats?: readonly number[] }): number {
  const k = Math.max(1, side.repeats?.length ?? 1);
  const within = relativeSpread(side.series);
  const between = k >= 2 ? relativeSpread(side.repeats!) : 0;
  return Math.max(within, between) / Math.sqrt(k);
}

export type Side = { level: number; series: readonly number[]; repeats?: readonly number[] };

export interface RelativeChange {
  change: number;
  /** Against levelNoise, against each run's interval standard error, against run-to-run noise. */
  z: number;
  zIntervals: number;
  zRun: number;
  material: boolean;
  beyondIntervals: boolean;
  beyondRunToRun: boolean;
}

export const NO_CHANGE: RelativeChange = {
  change: 0,
  z: 0,
  zIntervals: 0,
  zRun: 0,
  material: false,
  beyondIntervals: false,
  beyondRunToRun: false,
};

/**
 * From nothing to something: a baseline that carried nothing (every datagram lost, the benchmark
 * counting them) against a subject that carried some. As far apart as the same runs exchanged,
 * which testedChange finds infinitely far (a subject that carried nothing).
 */
export const FROM_NOTHING: RelativeChange = {
  change: Number.POSITIVE_INFINITY,
  z: Number.POSITIVE_INFINITY,
  zIntervals: Number.POSITIVE_INFINITY,
  zRun: Number.POSITIVE_INFINITY,
  material: true,
  beyondIntervals: true,
  beyondRunToRun: true,
};

/**
 * Relative change subject vs baseline of a quantity measured per interval, and three tests of it,
 * each beyond MIN_RATE_EFFECT and Z_MATERIAL errors:
 * - `material`: beyond the levels' noise (levelNoise) — what the cause rules ask;
 * - `beyondIntervals`: beyond the standard error of each run's intervals (repeats: levelNoise) —
 *   more than this run's own jitter, though perhaps not more than identical runs differ by;
 * - `beyondRunToRun`: beyond what identical runs differ by as well (a side of one run is taken to
 *   be RUN_TO_RUN_NOISE uncertain at least; repeats measure it).
 * The levels are the runs' own totals (more exact); the series and repeats give the noise.
 */
export function relativeChange(base: Side, subj: Side, minEffect = MIN_RATE_EFFECT): RelativeChange {
  const noise = (side: Side): SideNoise => {
    const level = levelNoise(side);
    const repeated = (side.repeats?.length ?? 0) >= 2;
    return {
      level,
      intervals: repeated ? level : relativeSpread(side.series) / Math.sqrt(side.series.length),
      run: repeated ? level : Math.max(level, RUN_TO_RUN_NOISE),
    };
  };
  return testedChange(base.level, subj.level, noise(base), noise(subj), minEffect);
}

/** A mean over many observations (a benchmark's round trips), its standard error, and each repeat's own mean. */
export type MeanSide = { mean: number; se: number; repeats?: readonly number[] };

/**
 * Relative change of a mean the benchmark measured over many observations (its round-trip
 * latency), subject vs baseline, under relativeChange's three tests. There are no intervals: a
 * run's own noise is its mean's standard error; with repeats, the spread of their means (never
 * less than the pooled mean's error). One run a side is again taken to be RUN_TO_RUN_NOISE
 * uncertain at least: a mean over thousands of round trips is exact for that run, not for the next.
 */
export function meanChange(base: MeanSide, subj: MeanSide, minEffect = MIN_RATE_EFFECT): RelativeChange {
  const noise = (side: MeanSide): SideNoise => {
    const k = side.repeats?.length ?? 0;
    const own = side.mean > 0 ? side.se / side.mean : Number.POSITIVE_INFINITY;
    const level = k >= 2 ? Math.max(own, relativeSpread(side.repeats!) / Math.sqrt(k)) : own;
    return { level, intervals: level, run: k >= 2 ? level : Math.max(level, RUN_TO_RUN_NOISE) };
  };
  return testedChange(base.mean, subj.mean, noise(base), noise(subj), minEffect);
}

/** One side's relative uncertainty under each of RelativeChange's three tests. */
interface SideNoise {
  level: number;
  intervals: number;
  run: number;
}

function testedChange(
  base: number,
  subj: number,
  nb: SideNoise,
  ns: SideNoise,
  minEffect: number,
): RelativeChange {
  if (base <= 0) return NO_CHANGE;
  const change = subj / base - 1;
  // Tested on the log of the ratio, whose error is the two sides' relative errors together: the
  // same pair gives the same z whichever run is the baseline. (Until 2026-12-07 the error scaled
  // with the subject's level, so a slower subject stood out by 1/ratio more than the same runs
  // exchanged: an MTU lowered under 8000 B datagrams read slower one way, and no difference the
  // other.) A subject that carried nothing (every datagram lost) is infinitely far.
  const distance = subj > 0 ? Math.abs(Math.log(subj / base)) : Number.POSITIVE_INFINITY;
  const zAgainst = (noise: (n: SideNoise) => number): number => {
    const se = Math.sqrt(noise(nb) ** 2 + noise(ns) ** 2);
    // Intervals that did not move at all (a paced flow: 200 Mbit/s in each) leave no error: any
    // change is beyond them (the minimum effect still decides whether it counts).
    if (se === 0) return change !== 0 ? Number.POSITIVE_INFINITY : 0;
    return Number.isFinite(se) ? distance / se : 0;
  };
  const z = zAgainst((n) => n.level);
  const zIntervals = zAgainst((n) => n.intervals);
  const zRun = zAgainst((n) => n.run);
  // At least minEffect seen from the faster run as well: 10% slower one way is 11.1% faster the
  // other, and either order must pass alike.
  const big = Math.abs(change) >= minEffect && (subj <= 0 || Math.abs(base / subj - 1) >= minEffect);
  return {
    change,
    z,
    zIntervals,
    zRun,
    material: big && z >= Z_MATERIAL,
    beyondIntervals: big && zIntervals >= Z_MATERIAL,
    beyondRunToRun: big && zIntervals >= Z_MATERIAL && zRun >= Z_MATERIAL,
  };
}

/**
 * Two proportions (events out of trials), e.g. a function's share of busy samples or lost packets
 * out of packets: the difference, its z (pooled standard error), and whether it is material.
 */
/** Counts per interval: events out of trials (class samples out of busy samples). */
export type IntervalCounts = ReadonlyArray<{ events: number; trials: number }>;

/**
 * Standard error of a ratio Σevents/Σtrials whose parts come in intervals, from how much the
 * intervals differ (the cluster-robust, "sandwich" estimate): stack samples arrive in bursts — a
 * CPU's receive work is sampled in some seconds and not in others — so they are not independent
 * draws, and the binomial error understates how far a run's share could move. Zero with fewer than
 * two intervals that have trials (then only the binomial error stands).
 */
export function clusteredRatioSe(parts: IntervalCounts): number {
  const used = parts.filter((p) => p.trials > 0);
  const k = used.length;
  const n = used.reduce((a, p) => a + p.trials, 0);
  if (k < 2 || n === 0) return 0;
  const r = used.reduce((a, p) => a + p.events, 0) / n;
  const ss = used.reduce((a, p) => a + (p.events - r * p.trials) ** 2, 0);
  return Math.sqrt((k / (k - 1)) * ss) / n;
}

/**
 * One side's standard error of a share at proportion p: the binomial one, or the spread of its
 * per-interval shares (clusteredRatioSe) when that is larger and the run recorded intervals.
 */
function shareSe(p: number, side: { trials: number; intervals?: IntervalCounts }): number {
  return Math.max(
    Math.sqrt((p * (1 - p)) / Math.max(1, side.trials)),
    side.intervals ? clusteredRatioSe(side.intervals) : 0,
  );
}

/**
 * Change of a proportion (class samples among busy samples), subject against baseline: material
 * beyond minDelta and Z_MATERIAL standard errors, each side's error the larger of the binomial one
 * and the spread of its per-interval shares (clusteredRatioSe) when the run recorded them.
 */
export function proportionChange(
  base: { events: number; trials: number; intervals?: IntervalCounts },
  subj: { events: number; trials: number; intervals?: IntervalCounts },
  minDelta: number,
): { delta: number; z: number; material: boolean; p1: number; p2: number } {
  const p1 = base.trials > 0 ? base.events / base.trials : 0;
  const p2 = subj.trials > 0 ? subj.events / subj.trials : 0;
  // The binomial error at the pooled share (the null hypothesis: both runs share one proportion).
  const pooled =
    base.trials + subj.trials > 0 ? (base.events + subj.events) / (base.trials + subj.trials) : 0;
  const se = Math.sqrt(shareSe(pooled, base) ** 2 + shareSe(pooled, subj) ** 2);
  const delta = p2 - p1;
  const z = se > 0 ? Math.abs(delta) / se : delta !== 0 ? Number.POSITIVE_INFINITY : 0;
  return {
    delta,
    z,
    material: Math.abs(delta) >= minDelta && z >= Z_MATERIAL && base.trials > 0 && subj.trials > 0,
    p1,
    p2,
  };
}

/**
 * Change of a rate of counted events per unit of exposure (stack samples per packet), subject
 * against baseline: material beyond MIN_RATE_EFFECT and Z_MATERIAL. The test conditions on the
 * total count: if both runs had one rate, the subject's share of the events would be binomial
 * with p = its share of the exposure (the standard comparison of two Poisson rates; it stays
 * sound when the baseline counted few events, where the ratio's own error does not).
 */
export function poissonRateChange(
  base: { events: number; exposure: number },
  subj: { events: number; exposure: number },
): { ratio: number; z: number; material: boolean } {
  const n = base.events + subj.events;
  if (base.exposure <= 0 || subj.exposure <= 0 || n === 0) return { ratio: 1, z: 0, material: false };
  const p0 = subj.exposure / (base.exposure + subj.exposure);
  const z = (subj.events - n * p0) / Math.sqrt(n * p0 * (1 - p0));
  const ratio =
    base.events > 0
      ? subj.events / subj.exposure / (base.events / base.exposure)
      : subj.events > 0
        ? Number.POSITIVE_INFINITY
        : 1;
  return { ratio, z, material: Math.abs(ratio - 1) >= MIN_RATE_EFFECT && Math.abs(z) >= Z_MATERIAL };
}

/**
 * How much a loss fraction moves between identical runs, as a standard deviation of its logarithm:
 * packets lost where a queue overflows are the balance of two rates, each a few per cent different
 * from run to run, so the fraction moves by a factor rather than by points. Measured on the
 * development VM (2026-12-02, eight identical 6 s UDP runs per path): host 1.3–6.9%, overlay
 * 0.2–1.0%, both a log standard deviation of about 0.5 (a factor of 1.65).
 */
export const LOSS_RUN_TO_RUN_LOG_SD = 0.5;

/**
 * The same for the fraction of TCP segments retransmitted: a segment is retransmitted because one
 * was lost where a queue overflowed (or its timer fired first), the same balance of rates as UDP
 * loss, so the same spread. A narrower one fitted to one machine failed on another: fourteen
 * identical overlay TCP runs on the development VM spread 0.38–0.62% (log sd 0.13), yet a CI
 * machine of the same kind recorded 0.16% and 0.38% in an A/A pair — a factor of 2.4.
 */
export const RETRANS_RUN_TO_RUN_LOG_SD = LOSS_RUN_TO_RUN_LOG_SD;

/**
 * P(|T| < t) for Student's t with `df` (integer) degrees of freedom, in closed form (Abramowitz and
 * Stegun 26.7.3–4): a finite series in cos θ, θ = atan(t/√df).
 */
function studentTCentral(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const sin = Math.sin(theta);
  if (df % 2 === 0) {
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return sin * sum;
  }
  if (df === 1) return (2 * theta) / Math.PI;
  let term = 1;
  let sum = 1;
  for (let k = 3; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return (2 / Math.PI) * (theta + sin * Math.cos(theta) * sum);
}

/** The two-sided tail probability of Z_MATERIAL standard errors under a normal distribution. */
const ALPHA_MATERIAL = 0.0026997960632601866;

/**
 * How many estimated standard errors make a difference material when the error itself was
 * estimated from `df` degrees of freedom (a few repeats): Student's t at the same two-sided
 * probability as Z_MATERIAL, so repeats that agree by chance do not make noise look like an effect
 * (df 4: 6.62; df 8: 4.28; → 3 as df grows).
 */
export function materialT(df: number): number {
  if (!(df >= 1)) return Number.POSITIVE_INFINITY;
  // Beyond a few hundred degrees of freedom t is the normal distribution (and the series is long).
  if (df > 1000) return Z_MATERIAL;
  const d = Math.floor(df);
  let lo = Z_MATERIAL;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (1 - studentTCentral(mid, d) > ALPHA_MATERIAL) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** One side of a loss comparison: pooled counts, per-interval counts and each repeat's fraction. */
export interface FractionSide {
  events: number;
  trials: number;
  intervals?: IntervalCounts;
  /** Each repeat's own fraction, when the side pools several runs of one configuration. */
  levels?: readonly number[];
}

/**
 * A fraction (lost packets out of packets) subject against baseline on a log scale: material beyond
 * minDelta points and a standard-error threshold. With one run a side, each side's error is its
 * own intervals' (clusteredRatioSe, at least the binomial) plus the assumed run-to-run spread
 * `runToRunLogSd`; with repeats on both sides the run-to-run spread is measured from them (the
 * pooled spread of their log fractions, never less than the intervals' error) and the threshold is
 * Student's t for the degrees of freedom the errors have (materialT, Welch–Satterthwaite).
 * Half an event is added to each side so a side without losses still has a level. `z` is the
 * difference in units of the threshold × Z_MATERIAL, so confidenceOf reads it as it reads others.
 */
export function fractionRatioChange(
  base: FractionSide,
  subj: FractionSide,
  minDelta: number,
  runToRunLogSd: number,
): { delta: number; z: number; material: boolean; p1: number; p2: number } {
  const level = (side: FractionSide): number => (side.events + 0.5) / (side.trials + 1);
  const n = (side: FractionSide): number => side.levels?.length ?? 0;
  const measured = n(base) >= 2 && n(subj) >= 2;
  const pooledDf = n(base) + n(subj) - 2;
  let runVar = runToRunLogSd ** 2;
  if (measured) {
    const logs = (side: FractionSide): number[] =>
      side.levels!.map((x) => Math.log(Math.max(x, 0.5 / Math.max(1, side.trials))));
    const ss = (xs: number[]): number => {
      const m = mean(xs);
      return xs.reduce((a, x) => a + (x - m) ** 2, 0);
    };
    runVar = (ss(logs(base)) + ss(logs(subj))) / pooledDf;
  }
  // Each side's variance of its log level, with the degrees of freedom behind it. Measured repeats
  // already carry each run's own burstiness in their spread, so the larger of that and the pooled
  // intervals' error stands (as levelNoise does for rates); an assumed spread adds to the intervals'.
  const sideVariance = (side: FractionSide): { v: number; df: number; fromRepeats: boolean } => {
    const p = level(side);
    const between = runVar / Math.max(1, n(side));
    const within = (shareSe(p, side) / p) ** 2;
    const intervals = (side.intervals ?? []).filter((x) => x.trials > 0).length;
    const withinDf = intervals >= 2 ? intervals - 1 : Number.POSITIVE_INFINITY;
    if (!measured) return { v: between + within, df: Number.POSITIVE_INFINITY, fromRepeats: false };
    return between >= within
      ? { v: between, df: pooledDf, fromRepeats: true }
      : { v: within, df: withinDf, fromRepeats: false };
  };
  const vb = sideVariance(base);
  const vs = sideVariance(subj);
  // Welch–Satterthwaite: the degrees of freedom of the variances' sum, the repeats' spread counted
  // once (both sides' share of it is one pooled estimate); Student's t for them (materialT), so an
  // error estimated from a few repeats needs more of it to count.
  const fromRepeats = [vb, vs].filter((x) => x.fromRepeats).reduce((a, x) => a + x.v, 0);
  const fromIntervals = [vb, vs].filter((x) => !x.fromRepeats);
  const df =
    (vb.v + vs.v) ** 2 /
    (fromRepeats ** 2 / pooledDf + fromIntervals.reduce((a, x) => a + x.v ** 2 / x.df, 0));
  const threshold = measured ? materialT(df) : Z_MATERIAL;
  const p1 = base.trials > 0 ? base.events / base.trials : 0;
  const p2 = subj.trials > 0 ? subj.events / subj.trials : 0;
  const t = Math.abs(Math.log(level(subj) / level(base))) / Math.sqrt(vb.v + vs.v);
  return {
    delta: p2 - p1,
    z: (t / threshold) * Z_MATERIAL,
    material: Math.abs(p2 - p1) >= minDelta && t >= threshold && base.trials > 0 && subj.trials > 0,
    p1,
    p2,
  };
}

export function confidenceOf(z: number): "high" | "medium" | "low" {
  return z >= 2 * Z_MATERIAL ? "high" : z >= Z_MATERIAL ? "medium" : "low";
}
