import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { num } from "../finding.js";
import type { QdiscFigure } from "../run-figures.js";
import type { Rule } from "./rule.js";

/**
 * A queueing discipline that limits or drops: overlimits (a shaper held packets back) or drops in
 * the subject, on a qdisc the baseline did not have or that stayed quiet there. A shaper whose
 * rate lies between the baseline's throughput and the subject's explains the fall down to it.
 */
export const qdiscLimit: Rule = {
  code: "QDISC_LIMIT",
  evaluate({ b, s, gap }) {
    const key = (q: QdiscFigure): string => `${q.netns} ${q.device} ${q.kind}`;
    const base = new Map(b.qdiscs.map((q) => [key(q), q]));
    const active = s.qdiscs
      .filter((q) => q.overlimits + q.drops > 0)
      .filter((q) => {
        const p = base.get(key(q));
        // Per packet the subject's qdisc must hold back materially more than the baseline's.
        const per = (x: QdiscFigure): number => (x.overlimits + x.drops) / Math.max(1, x.packets);
        return !p || per(q) > per(p) * (1 + MIN_RATE_EFFECT) + 1e-3;
      })
      .sort((x, y) => y.overlimits + y.drops - (x.overlimits + x.drops));
    const q = active[0];
    if (!q) return undefined;
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
          baseline: base.has(key(x))
            ? `${base.get(key(x))!.overlimits} / ${base.get(key(x))!.drops} / ${base.get(key(x))!.packets}`
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
      ],
    };
  },
};
