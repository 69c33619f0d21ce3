import { confidenceOf, relativeChange, type RelativeChange } from "../noise.js";
import { num } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/** Network softirqs per packet, subject against baseline, with each side's intervals and repeats. */
export function softirqsPerPacketChange(b: RunFigures, s: RunFigures): RelativeChange | undefined {
  if (b.softirqsPerPacket === undefined || s.softirqsPerPacket === undefined) return undefined;
  return relativeChange(
    { level: b.softirqsPerPacket, series: b.softirqsPerPacketSeries, repeats: b.repeats.softirqsPerPacket },
    { level: s.softirqsPerPacket, series: s.softirqsPerPacketSeries, repeats: s.repeats.softirqsPerPacket },
  );
}

/** More network softirqs per packet than the baseline, beyond the runs' interval and run-to-run noise. */
export const softirqWork: Rule = {
  code: "MORE_SOFTIRQ_WORK_PER_PACKET",
  evaluate(ctx) {
    const { b, s } = ctx;
    const c = softirqsPerPacketChange(b, s);
    if (c === undefined) return undefined;
    // Softirqs per packet move between identical runs as CPU per packet does (NAPI batches by how
    // the flow lands on the CPUs): measured, an A/A TCP pair differed "materially" by its
    // intervals alone. Only a rise beyond run-to-run noise is evidence of more work per packet.
    if (!c.beyondRunToRun || c.change <= 0) return undefined;
    const explains = explainedShare(1 - 1 / (1 + c.change), ctx);
    return {
      code: this.code,
      title: `each packet costs more network softirqs: ${num(s.softirqsPerPacket, 3)} vs ${num(b.softirqsPerPacket, 3)} (+${(c.change * 100).toFixed(0)}%)`,
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
