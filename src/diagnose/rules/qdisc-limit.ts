import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { num } from "../finding.js";
import type { QdiscFigure, RunFigures } from "../run-figures.js";
import type { Rule } from "./rule.js";

const qdiscKey = (q: QdiscFigure): string => `${q.netns} ${q.device} ${q.kind}`;

/** A qdisc of the subject's that held packets back, and the same qdisc in the baseline if it had one. */
export interface HeldBack {
  q: QdiscFigure;
  before?: QdiscFigure;
}

/**
 * The subject's qdiscs that held packets back or dropped them (overlimits, drops) where the
 * baseline had no such qdisc or per packet materially less of it, the busiest first.
 */
export function heldBackQdiscs(b: RunFigures, s: RunFigures): HeldBack[] {
  const base = new Map(b.qdiscs.map((q) => [qdiscKey(q), q]));
  // Per packet the subject's qdisc must hold back materially more than the baseline's.
  const per = (x: QdiscFigure): number => (x.overlimits + x.drops) / Math.max(1, x.packets);
  return s.qdiscs
    .filter((q) => q.overlimits + q.drops > 0)
    .map((q) => ({ q, before: base.get(qdiscKey(q)) }))
    .filter(({ q, before }) => !before || per(q) > per(before) * (1 + MIN_RATE_EFFECT) + 1e-3)
    .sort((x, y) => y.q.overlimits + y.q.drops - (x.q.overlimits + x.q.drops));
}

/** A figure of the held-back qdiscs summed in each run: the subject's, and the baseline's on the same qdiscs. */
function heldBackSum(
  b: RunFigures,
  s: RunFigures,
  of: (q: QdiscFigure) => number,
): { base: number; subj: number } {
  return heldBackQdiscs(b, s).reduce(
    (a, { q, before }) => ({ base: a.base + (before ? of(before) : 0), subj: a.subj + of(q) }),
    { base: 0, subj: 0 },
  );
}

/** Packets dropped by the qdiscs that held the subject's packets back (heldBackQdiscs), in each run. */
export const heldBackDrops = (b: RunFigures, s: RunFigures): { base: number; subj: number } =>
  heldBackSum(b, s, (q) => q.drops);

/** A full frame on an Ethernet underlay: how many TCP segments a dropped packet of so many bytes held. */
const FRAME_BYTES = 1500;

/**
 * TCP segments in the packets the held-back qdiscs dropped, in each run: a dropped packet holds as
 * many segments as the qdisc's packets did on average (GSO packets hold many).
 */
export const heldBackSegments = (b: RunFigures, s: RunFigures): { base: number; subj: number } =>
  heldBackSum(
    b,
    s,
    (q) => q.drops * Math.max(1, q.bytes && q.packets ? q.bytes / q.packets / FRAME_BYTES : 1),
  );

/**
 * What a qdisc sent, bit/s, over the benchmark's run time (its traffic is what the qdisc carried;
 * the session's window is a little longer), headers and encapsulation included — the unit of its
 * rate; where its bytes were not recorded, the benchmark's rate.
 */
const sentBits = (q: QdiscFigure, s: RunFigures): number =>
  q.bytes && s.seconds > 0 ? (q.bytes * 8) / s.seconds : s.bitsPerSecond;

/** A shaper that sent at its rate (within a fifth of it): the rate, not the CPUs, set the throughput. */
const atItsRate = (q: QdiscFigure, s: RunFigures): boolean => {
  const rate = q.rateBitsPerSecond;
  return rate !== undefined && sentBits(q, s) >= rate * 0.8 && sentBits(q, s) <= rate * 1.2;
};

/** The shaper among the qdiscs that held the subject's packets back that sent at its rate, if any. */
export function bindingShaper(b: RunFigures, s: RunFigures): QdiscFigure | undefined {
  return heldBackQdiscs(b, s).find(({ q }) => atItsRate(q, s))?.q;
}

/**
 * A queueing discipline that limits or drops: overlimits (a shaper held packets back) or drops in
 * the subject, on a qdisc the baseline did not have or that stayed quiet there. A shaper whose
 * rate lies between the baseline's throughput and the subject's explains the fall down to it.
 */
export const qdiscLimit: Rule = {
  code: "QDISC_LIMIT",
  evaluate({ b, s, gap }) {
    const active = heldBackQdiscs(b, s);
    const q = active[0]?.q;
    if (!q) return undefined;
    const txOf = (f: RunFigures): number => f.softirqsPerPacketByVector["NET_TX"] ?? 0;
    const deferredTx = txOf(s) - txOf(b);
    const rate = q.rateBitsPerSecond;
    // The qdisc's own throughput is in its rate's unit (headers and encapsulation included: a
    // VXLAN frame of a 64 B datagram is 156 B on the underlay); the benchmark's counts its payload.
    // Their ratio carries the baseline's payload rate into the same unit. Runs without the qdisc's
    // bytes compare the benchmark's rate with the qdisc's as they are.
    const sent = sentBits(q, s);
    const perPayloadBit = q.bytes && s.bitsPerSecond > 0 ? sent / s.bitsPerSecond : 1;
    const baseline = b.bitsPerSecond * perPayloadBit;
    const capped = atItsRate(q, s);
    // A shaper caps the throughput at its rate (a small burst keeps TCP below it): of the fall
    // from a baseline above the rate, the part down to the rate is the shaper's, whatever else
    // pulled the subject further.
    const shaped =
      rate !== undefined && gap > 0 && sent <= rate * 1.2 && baseline > rate && baseline > sent
        ? Math.min(1, (baseline - rate) / (baseline - sent))
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
        ...active.slice(0, 3).map(({ q: x, before }) => ({
          what: `${x.netns}/${x.device} ${x.kind} ${x.handle} overlimits / drops / packets`,
          baseline: before ? `${before.overlimits} / ${before.drops} / ${before.packets}` : "no such qdisc",
          subject: `${x.overlimits} / ${x.drops} / ${x.packets}`,
          source: "tc -s qdisc at session start and stop",
        })),
        ...(q.rateBitsPerSecond
          ? [
              {
                what: "qdisc rate vs subject throughput (Mbit/s)",
                subject: `${num(q.rateBitsPerSecond / 1e6, 1)} vs ${num(s.bitsPerSecond / 1e6, 1)}${q.bytes ? ` (the qdisc sent ${num(sent / 1e6, 1)}, headers included)` : ""}`,
                source: "tc options and counters; the benchmark's report",
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
