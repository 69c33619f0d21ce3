import {
  confidenceOf,
  meanChange,
  MIN_RATE_EFFECT,
  FROM_NOTHING,
  NO_CHANGE,
  RUN_TO_RUN_NOISE,
  relativeChange,
  type RelativeChange,
} from "./noise.js";
import { num, pct, type Finding } from "./finding.js";
import type { Latency } from "../benchmarks/benchmark-result.js";
import type { RunFigures } from "./run-figures.js";

export type Verdict = "no-material-difference" | "slower" | "faster";

/**
 * Per packet only where the benchmark counted its packets (UDP datagrams): TCP's segments on the
 * devices change with segmentation offloads, so TCP is compared in bits and CPU per KB.
 */
export function perPacket(
  b: Pick<RunFigures, "countsPackets" | "packetsPerSecond">,
  s: Pick<RunFigures, "countsPackets" | "packetsPerSecond">,
): boolean {
  return b.countsPackets && s.countsPackets && b.packetsPerSecond > 0 && s.packetsPerSecond > 0;
}

/** CPU per packet (per KB when packets are not the benchmark's own count), subject against baseline. */
export function costChange(b: RunFigures, s: RunFigures, byPackets: boolean): RelativeChange {
  const level = (f: RunFigures): number | undefined => (byPackets ? f.cpuUsPerPacket : f.cpuUsPerKB);
  const lb = level(b);
  const ls = level(s);
  if (lb === undefined || ls === undefined) return NO_CHANGE;
  return relativeChange(
    {
      level: lb,
      series: byPackets ? b.cpuPerPacketSeries : b.cpuPerKBSeries,
      repeats: byPackets ? b.repeats.cpuUsPerPacket : b.repeats.cpuUsPerKB,
    },
    {
      level: ls,
      series: byPackets ? s.cpuPerPacketSeries : s.cpuPerKBSeries,
      repeats: byPackets ? s.repeats.cpuUsPerPacket : s.repeats.cpuUsPerKB,
    },
  );
}

/**
 * The benchmark's mean round trip, subject against baseline, where both sides reported one with
 * its spread (sockperf ping-pong and under-load). Under-load offers a fixed rate of messages, so
 * its rate cannot fall when the path slows (two busy loops beside it here: the same 10 000
 * messages/s, the mean round trip 89 → 534 µs, 2026-12-07): only the round trip shows it.
 */
export function latencyChange(
  b: Pick<RunFigures, "latency" | "repeats">,
  s: Pick<RunFigures, "latency" | "repeats">,
): RelativeChange {
  const side = (f: Pick<RunFigures, "latency" | "repeats">) => {
    const l = f.latency;
    if (!l || l.sdUs === undefined || l.observations < 2 || l.avgUs <= 0) return undefined;
    return { mean: l.avgUs, se: l.sdUs / Math.sqrt(l.observations), repeats: f.repeats.latencyUs };
  };
  const lb = side(b);
  const ls = side(s);
  return lb && ls ? meanChange(lb, ls) : NO_CHANGE;
}

/** "35.2% longer mean round trip (50.0 → 67.6 µs)"; "a mean round trip 6.0 times as long (…)" from twice on. */
function roundTripWords(change: number, b: Latency, s: Latency): string {
  const what =
    change >= 1
      ? `a mean round trip ${num(1 + change, 1)} times as long`
      : `${pct(Math.abs(change))} ${change > 0 ? "longer" : "shorter"} mean round trip`;
  return `${what} (${num(b.avgUs, 1)} → ${num(s.avgUs, 1)} µs)`;
}

/** The round trips of both runs, as evidence, where both reported them. */
function latencyEvidence(b: RunFigures, s: RunFigures, change: RelativeChange): Finding["evidence"] {
  const lb = b.latency;
  const ls = s.latency;
  if (!lb || !ls) return [];
  const source = `${ls.tool}'s report (${lb.observations} and ${ls.observations} round trips)`;
  return [
    { what: "mean round trip, µs", baseline: num(lb.avgUs, 1), subject: num(ls.avgUs, 1), source },
    { what: "p99 round trip, µs", baseline: num(lb.p99Us, 1), subject: num(ls.p99Us, 1), source },
    {
      what: "round-trip change in standard errors: of the runs' own round trips, of identical runs",
      subject: `${change.zIntervals.toFixed(1)}, ${change.zRun.toFixed(1)}`,
      source: `one round trip's spread ÷ √round trips; identical runs ±${Math.round(RUN_TO_RUN_NOISE * 100)}% each unless repeats measure it`,
    },
  ];
}

/** The rate a comparison compares: packets per second where both runs counted them, else bits. */
function rateLevel(f: RunFigures, byPackets: boolean): number {
  return byPackets ? f.packetsPerSecond : f.bitsPerSecond;
}

/** The compared rate and the bit rate of both runs, as evidence. */
function levelEvidence(b: RunFigures, s: RunFigures, byPackets: boolean): Finding["evidence"] {
  const level = (f: RunFigures): number => rateLevel(f, byPackets);
  return [
    {
      what: byPackets ? "packets per second" : "throughput",
      baseline: num(level(b), 0),
      subject: num(level(s), 0),
      source: s.packetsSource,
    },
    {
      what: "Mbit/s",
      baseline: num(b.bitsPerSecond / 1e6, 1),
      subject: num(s.bitsPerSecond / 1e6, 1),
      source: s.rateSource,
    },
  ];
}

const RUN_TO_RUN_SOURCE = `the runs' own intervals; identical runs ±${Math.round(RUN_TO_RUN_NOISE * 100)}% each unless repeats measure it`;

export interface Symptom {
  verdict: Verdict;
  gap: number;
  costRise: number;
  /** The gap is in the benchmark's round trips (the rate did not decide it). */
  roundTrips?: true;
  /**
   * The difference stands without a mechanism: both sides are repeats, so how far identical runs
   * differ was measured rather than assumed, and the difference is beyond it (bothSidesRepeated).
   */
  standsAlone: boolean;
  /** The material difference in words ("12% lower packets per second"), for a verdict withdrawn. */
  summary: string;
  finding?: Finding;
}

/**
 * Whether a difference with no mechanism behind it may stand at all: only when both sides are
 * repeats. One run a side cannot measure how far identical runs differ, and on a shared host no
 * assumed figure holds: RUN_TO_RUN_NOISE (±10%) was measured on a calm VM, while an A/A pair of
 * plain `overlayscope run`s on a CI machine of the same kind differed by 37% (UDP 64 B through the
 * overlay: 97 k vs 61 k packets/s, CPU per packet 18 vs 25 µs, no cause in the evidence) and the
 * observer-effect bench's unobserved control pairs there ranged 59–151%. A slower draw of the host
 * brings no mechanism with it; a slower configuration does, or repeats show it.
 */
function bothSidesRepeated(b: Pick<RunFigures, "repeats">, s: Pick<RunFigures, "repeats">): boolean {
  return b.repeats.runs >= 2 && s.repeats.runs >= 2;
}

/**
 * The symptom: packet rate (bit rate where packets are not counted), the mean round trip where
 * the benchmark measured one, and CPU per packet, subject against baseline: a candidate beyond
 * the runs' own noise and MIN_RATE_EFFECT, which stands on its own when both sides are repeats
 * and it is beyond how far they differ (else compareSides asks for a mechanism).
 */
export function symptom(b: RunFigures, s: RunFigures): Symptom {
  const byPackets = perPacket(b, s);
  const level = (f: RunFigures): number => rateLevel(f, byPackets);
  const repeats = (f: RunFigures): number[] =>
    byPackets ? f.repeats.packetsPerSecond : f.repeats.bitsPerSecond;
  // A baseline that delivered nothing is no missing figure when the subject delivered some: the
  // same pair exchanged reads "100% lower" (an MTU above the bridge's dropped every datagram, fixed
  // in the subject: until 2026-12-07 "no material difference"). Here and not in testedChange: a
  // rate of zero is a measured zero (the benchmark counted its deliveries), while a zero level it
  // tests elsewhere (a softirq vector never counted) is no measurement to be infinitely far from.
  const rate =
    level(b) <= 0 && level(s) > 0
      ? FROM_NOTHING
      : relativeChange(
          { level: level(b), series: byPackets ? b.rateSeries : b.bitsSeries, repeats: repeats(b) },
          { level: level(s), series: byPackets ? s.rateSeries : s.bitsSeries, repeats: repeats(s) },
        );
  const cost = costChange(b, s, byPackets);
  const latency = latencyChange(b, s);
  // A candidate difference: beyond the runs' own interval jitter. Whether it needs a mechanism to
  // stand (it is within what identical runs differ by) is compareSides' question. Where the
  // benchmark measured round trips, they are its answer: a round trip r longer is a rate of round
  // trips r/(1+r) lower, the gap the cause rules explain.
  const gap = latency.beyondIntervals
    ? latency.change / (1 + latency.change)
    : rate.beyondIntervals
      ? -rate.change
      : 0;
  const costRise = cost.beyondIntervals ? cost.change : 0;
  // The round trip or the rate decides the direction, the cost only where neither moved: a run that
  // carried more at a higher CPU cost per packet is faster, at a cost. A busy loop beside a
  // sockperf ping-pong kept the CPUs out of idle and the round trips ran 2.7 times as often, at
  // 33% more CPU per packet (the loop's time counts in it): that pair read "slower" (2026-12-06).
  const direction = gap !== 0 ? gap : costRise;
  const verdict: Verdict = direction > 0 ? "slower" : direction < 0 ? "faster" : "no-material-difference";
  if (verdict === "no-material-difference")
    return { verdict, gap: 0, costRise: 0, standsAlone: false, summary: "" };
  const what = byPackets ? "packets per second" : "throughput";
  const parts = [
    latency.beyondIntervals ? roundTripWords(latency.change, b.latency!, s.latency!) : "",
    rate.beyondIntervals
      ? rate === FROM_NOTHING
        ? `${what} from nothing (the baseline delivered nothing)`
        : `${pct(Math.abs(rate.change))} ${rate.change < 0 ? "lower" : "higher"} ${what}`
      : latency.beyondIntervals
        ? ""
        : `the same ${what} (within noise)`,
    cost.beyondIntervals
      ? `${pct(Math.abs(cost.change))} ${cost.change > 0 ? "more" : "less"} CPU per ${byPackets ? "packet" : "KB"}`
      : "",
  ].filter(Boolean);
  return {
    verdict,
    gap,
    costRise,
    ...(latency.beyondIntervals ? { roundTrips: true as const } : {}),
    standsAlone:
      (rate.beyondRunToRun || cost.beyondRunToRun || latency.beyondRunToRun) && bothSidesRepeated(b, s),
    summary: parts.join(", "),
    finding: {
      code: verdict === "slower" ? "SLOWER" : "FASTER",
      kind: "symptom",
      title: `${s.label} vs ${b.label}: ${parts.join(", ")}`,
      mechanism: "what the benchmark and the kernel's own counters measured; the causes below explain it",
      confidence: confidenceOf(Math.max(rate.zRun, cost.zRun, latency.zRun)),
      impact: 2,
      evidence: [
        ...latencyEvidence(b, s, latency),
        ...levelEvidence(b, s, byPackets),
        {
          what: "CPU µs per packet (all cores)",
          baseline: num(b.cpuUsPerPacket),
          subject: num(s.cpuUsPerPacket),
          source: "/proc/stat busy time less steal over the window ÷ packets",
        },
        {
          what: "rate change in standard errors: of the intervals, of identical runs",
          subject: `${rate.zIntervals.toFixed(1)}, ${rate.zRun.toFixed(1)}`,
          source: RUN_TO_RUN_SOURCE,
        },
        {
          what: "cost change in standard errors: of the intervals, of identical runs",
          subject: `${cost.zIntervals.toFixed(1)}, ${cost.zRun.toFixed(1)}`,
          source: RUN_TO_RUN_SOURCE,
        },
      ],
    },
  };
}

/**
 * The symptom when one side's benchmark failed (benchmark-exit.ts) and the runs' intervals could
 * not tell a difference (a benchmark that failed at once leaves no full interval): the failed
 * side's whole-run rate, when it lies MIN_RATE_EFFECT or more below the other's, is the
 * difference — a failed benchmark is not a draw of the host, so it needs no repeats to stand.
 */
export function failedRunSymptom(
  b: RunFigures,
  s: RunFigures,
  side: "baseline" | "subject",
): Symptom | undefined {
  const byPackets = perPacket(b, s);
  const level = (f: RunFigures): number => rateLevel(f, byPackets);
  const [slow, fast] = side === "subject" ? [level(s), level(b)] : [level(b), level(s)];
  if (fast <= 0 || slow > fast * (1 - MIN_RATE_EFFECT)) return undefined;
  const what = byPackets ? "packets per second" : "throughput";
  const change = level(s) / Math.max(level(b), 1e-9) - 1;
  const verdict: Verdict = side === "subject" ? "slower" : "faster";
  const summary = `${pct(Math.abs(change))} ${change < 0 ? "lower" : "higher"} ${what}, the ${side}'s benchmark having failed`;
  return {
    verdict,
    gap: -change,
    costRise: 0,
    standsAlone: true,
    summary,
    finding: {
      code: verdict === "slower" ? "SLOWER" : "FASTER",
      kind: "symptom",
      title: `${s.label} vs ${b.label}: ${summary}`,
      mechanism: "what the benchmark and the kernel's own counters measured; the causes below explain it",
      confidence: "high",
      impact: 2,
      evidence: levelEvidence(b, s, byPackets),
    },
  };
}

/** Hardware counters: a figure where both runs have them, otherwise the reason — a note, never a cause. */
export function hardwareNote(b: RunFigures, s: RunFigures): Finding {
  const reason = !s.hardware.supported ? s.hardware.reason : !b.hardware.supported ? b.hardware.reason : "";
  const per = (f: RunFigures, e: string): string =>
    f.packets && f.hardware.totals[e] !== undefined ? (f.hardware.totals[e] / f.packets).toFixed(1) : "n/a";
  return {
    code: "CACHE_AND_MEMORY",
    kind: "note",
    title: reason
      ? `cache misses and memory traffic per packet: not measurable here (${reason})`
      : `cache misses per packet: ${per(s, "cache-misses")} vs ${per(b, "cache-misses")}`,
    mechanism: "more work per packet touches more cache lines and memory",
    confidence: "low",
    impact: 0,
    evidence: ["cycles", "instructions", "cache-misses", "LLC-load-misses"].map((e) => ({
      what: `${e} per packet`,
      baseline: per(b, e),
      subject: per(s, e),
      source: reason ? `not measurable: ${reason}` : "perf stat",
    })),
  };
}
