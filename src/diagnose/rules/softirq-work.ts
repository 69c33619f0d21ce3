import { confidenceOf, relativeChange, type RelativeChange, type Side } from "../noise.js";
import { num } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { heldBackQdiscs } from "./qdisc-limit.js";
import { explainedShare, type Rule } from "./rule.js";

/**
 * One side's network softirqs per packet (NET_RX+NET_TX), or only those of the given vectors: the
 * level from the run's totals, the series and repeats of the whole scaled by those vectors' share
 * (their relative noise taken to be the whole's).
 */
function softirqSide(f: RunFigures, vectors?: readonly string[]): Side | undefined {
  if (f.softirqsPerPacket === undefined) return undefined;
  const level = vectors
    ? vectors.reduce((a, v) => a + (f.softirqsPerPacketByVector[v] ?? 0), 0)
    : f.softirqsPerPacket;
  const share = f.softirqsPerPacket > 0 ? level / f.softirqsPerPacket : 0;
  const scaled = (xs: readonly number[]): number[] => xs.map((x) => x * share);
  return {
    level,
    series: scaled(f.softirqsPerPacketSeries),
    repeats: scaled(f.repeats.softirqsPerPacket),
  };
}

/** Network softirqs per packet (or those of the given vectors), subject against baseline, with each side's intervals and repeats. */
export function softirqsPerPacketChange(
  b: RunFigures,
  s: RunFigures,
  vectors?: readonly string[],
): RelativeChange | undefined {
  const base = softirqSide(b, vectors);
  const subj = softirqSide(s, vectors);
  return base && subj ? relativeChange(base, subj) : undefined;
}

/** More network softirqs per packet than the baseline, beyond the runs' interval and run-to-run noise. */
export const softirqWork: Rule = {
  code: "MORE_SOFTIRQ_WORK_PER_PACKET",
  evaluate(ctx) {
    const { b, s } = ctx;
    // A qdisc that held the subject's packets back sends them later from its watchdog, each batch
    // in a NET_TX softirq of its own (a tbf on a container's veth: 0 → 0.97 NET_TX per packet, NET_RX
    // unchanged): that is the shaper's mechanism, which QDISC_LIMIT names with this figure. Then only
    // NET_RX — a device crossed, received again — is evidence of a longer path.
    const shaped = heldBackQdiscs(b, s).length > 0;
    const c = softirqsPerPacketChange(b, s, shaped ? ["NET_RX"] : undefined);
    if (c === undefined) return undefined;
    // Softirqs per packet move between identical runs as CPU per packet does (NAPI batches by how
    // the flow lands on the CPUs): measured, an A/A TCP pair differed "materially" by its
    // intervals alone. Only a rise beyond run-to-run noise is evidence of more work per packet.
    if (!c.beyondRunToRun || c.change <= 0) return undefined;
    const explains = explainedShare(1 - 1 / (1 + c.change), ctx);
    const what = shaped ? "NET_RX" : "network";
    const level = (f: RunFigures): number | undefined =>
      shaped ? f.softirqsPerPacketByVector["NET_RX"] : f.softirqsPerPacket;
    return {
      code: this.code,
      title: `each packet costs more ${what} softirqs: ${num(level(s), 3)} vs ${num(level(b), 3)} (+${(c.change * 100).toFixed(0)}%)`,
      mechanism: "every device a packet crosses (veth, bridge, VXLAN, wire) is processed in softirq again",
      confidence: confidenceOf(c.z),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "NET_RX+NET_TX softirqs per packet",
          baseline: num(b.softirqsPerPacket, 3),
          subject: num(s.softirqsPerPacket, 3),
          source: `/proc/softirqs ÷ packets (${s.packetsSource})`,
        },
        ...(shaped
          ? [
              {
                what: "NET_RX softirqs per packet (NET_TX left to the qdisc that held packets back)",
                baseline: num(level(b), 3),
                subject: num(level(s), 3),
                source: "/proc/softirqs ÷ packets",
              },
            ]
          : []),
        {
          what: "softirq time per packet (ns)",
          baseline: num(b.softirqNsPerPacket, 0),
          subject: num(s.softirqNsPerPacket, 0),
          source: "softirq probe, when it ran",
        },
      ],
    };
  },
};
