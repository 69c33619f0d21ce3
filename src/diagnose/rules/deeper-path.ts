import { confidenceOf, Z_MATERIAL } from "../noise.js";
import type { DepthFigure } from "../run-figures.js";
import type { Rule } from "./rule.js";

/** Two more frames on average: less is within what inlining and sampling position move. */
const MIN_DEPTH_DELTA = 2;

/** The kernel path below the send or receive entry is deeper, in the default stack samples. */
export const deeperPath: Rule = {
  code: "DEEPER_CALL_PATH",
  evaluate({ b, s }) {
    const test = (x?: DepthFigure, y?: DepthFigure): { delta: number; z: number } | undefined => {
      if (!x || !y || x.samples < 5 || y.samples < 5) return undefined;
      const delta = y.mean - x.mean;
      const se = Math.sqrt(x.se ** 2 + y.se ** 2);
      return { delta, z: se > 0 ? delta / se : 0 };
    };
    const send = test(b.stackDepth.send, s.stackDepth.send);
    const recv = test(b.stackDepth.receive, s.stackDepth.receive);
    const ok = (t?: { delta: number; z: number }): boolean =>
      !!t && t.delta >= MIN_DEPTH_DELTA && t.z >= Z_MATERIAL;
    if (!ok(send) && !ok(recv)) return undefined;
    const fmt = (d?: DepthFigure): string =>
      d ? `${d.mean.toFixed(1)} frames (${d.samples} samples)` : "no samples";
    return {
      code: this.code,
      title: `the kernel path is deeper: ${ok(send) ? `${send!.delta.toFixed(1)} more frames below the send entry` : ""}${ok(send) && ok(recv) ? ", " : ""}${ok(recv) ? `${recv!.delta.toFixed(1)} more below the receive entry` : ""}`,
      mechanism: "every extra layer (tunnel transmit, a second device queue, a bridge) adds calls per packet",
      confidence: confidenceOf(Math.max(send?.z ?? 0, recv?.z ?? 0)),
      evidence: [
        {
          what: "mean frames below udp_sendmsg/tcp_sendmsg",
          baseline: fmt(b.stackDepth.send),
          subject: fmt(s.stackDepth.send),
          source: "default stack samples",
        },
        {
          what: "mean frames below __netif_receive_skb/net_rx_action",
          baseline: fmt(b.stackDepth.receive),
          subject: fmt(s.stackDepth.receive),
          source: "default stack samples",
        },
        ...(b.depth && s.depth
          ? [
              {
                what: "mean frames udp_sendmsg → device transmit",
                baseline: b.depth.mean.toFixed(1),
                subject: s.depth.mean.toFixed(1),
                source: "udp_sendmsg probe",
              },
            ]
          : []),
      ],
    };
  },
};
