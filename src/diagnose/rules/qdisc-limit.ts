import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { num } from "../finding.js";
import type { QdiscFigure, RunFigures } from "../run-figures.js";
import type { Rule } from "./rule.js";

const qdiscKey = (q: QdiscFigure): string => `${q.netns} ${q.device} ${q.kind}`;

/**
 * The subject's qdiscs that held packets back or dropped them (overlimits, drops) where the
 * baseline had no such qdisc or per packet materially less of it, the busiest first.
 */
export function heldBackQdiscs(b: RunFigures, s: RunFigures): QdiscFigure[] {
  const base = new Map(b.qdiscs.map((q) => [qdiscKey(q), q]));
  // Per packet the subject's qdisc must hold back materially more than the baseline's.
  const per = (x: QdiscFigure): number => (x.overlimits + x.drops) / Math.max(1, x.packets);
  return s.qdiscs
    .filter((q) => q.overlimits + q.drops > 0)
    .filter((q) => {
      const p = base.get(qdiscKey(q));
      return !p || per(q) > per(p) * (1 + MIN_RATE_EFFECT) + 1e-3;
    })
    .sort((x, y) => y.overlimits + y.drops - (x.overlimits + x.drops));
}

/**
 * A queueing discipline that limits or drops: overlimits (a shaper held packets back) or drops in
 * the subject, on a qdisc the baseline did not have or that stayed quiet there. A shaper whose
 * rate lies between the baseline's throughput and the subject's explains the fall down to it.
 */
export const qdiscLimit: Rule = {
  code: "QDISC_LIMIT",
  evaluate({ b, s, gap }) {
    const base = new Map(b.qdiscs.map((q) => [qdiscKey(q), q]));
    const active = heldBackQdiscs(b, s);
    const q = active[0];
    if (!q) return undefined;
    const txOf = (f: RunFigures): number => f.softirqsPerPacketByVector["NET_TX"] ?? 0;
    const deferredTx = txOf(s) - txOf(b);
    const rate = q.rateBitsPerSecond;
    const capped = rate !== undefined && s.bitsPerSecond >= rate * 0.8 && s.bitsPerSecond <= rate * 1.2;
    // A shaper caps the throughput at its rate (a small burst keeps TCP below it): of the fall
    // from a baseline above the rate, the part down to the rate is the shaper's, whatever else
    // pulled the subject further.
    const shaped =
      rate !== undefined &&
      gap > 0 &&
      s.bitsPerSecond <= rate * 1.2 &&
      b.bitsPerSecond > rate &&
      b.bitsPerSecond > s.bitsPerSecond
        ? Math.min(1, (b.bitsPerSecond - rate) / (b.bitsPerSecond - s.bitsPerSecond))
        : undefined;
    return {
      code: this.code,
      title: `the ${q.kind} qdisc on ${q.netns}/${q.device}${q.rateBitsPerSecond ? ` (rate ${num(q.rateBitsPerSecond / 1e6, 1)} Mbit/s)` : ""} held back or dropped packets: ${q.overlimits} overlimits, ${q.drops} drops`,
      mechanism: capped
        ? "a shaper sends no faster than its rate: the subject's throughput sits at the qdisc's rate"
        : "a queueing discipline that delays (overlimits) or drops packets cuts throughput, and TCP backs off on its drops",
      confidence: shaped !== undefined ? "high" : confidenceOf(Math.sqrt(q.overlimits + q.drops)),
      ...(shaped !== undefined ? { explains: shaped } : {}),
      evidence: [
        ...active.slice(0, 3).map((x) => ({
          what: `${x.netns}/${x.device} ${x.kind} ${x.handle} overlimits / drops / packets`,
          baseline: base.has(qdiscKey(x))
            ? `${base.get(qdiscKey(x))!.overlimits} / ${base.get(qdiscKey(x))!.drops} / ${base.get(qdiscKey(x))!.packets}`
            : "no such qdisc",
          subject: `${x.overlimits} / ${x.drops} / ${x.packets}`,
          source: "tc -s qdisc at session start and stop",
        })),
        ...(q.rateBitsPerSecond
          ? [
              {
                what: "qdisc rate vs subject throughput (Mbit/s)",
                subject: `${num(q.rateBitsPerSecond / 1e6, 1)} vs ${num(s.bitsPerSecond / 1e6, 1)}`,
                source: "tc options; the benchmark's report",
              },
            ]
          : []),
        // A shaper that holds packets back sends them later from its watchdog, in a NET_TX softirq
        // of their own: the trace of the deferral (MORE_SOFTIRQ_WORK_PER_PACKET leaves it here).
        ...(deferredTx > 0
          ? [
              {
                what: "NET_TX softirqs per packet",
                baseline: num(txOf(b), 3),
                subject: num(txOf(s), 3),
                source: "/proc/softirqs ÷ packets",
              },
            ]
          : []),
      ],
    };
  },
};
