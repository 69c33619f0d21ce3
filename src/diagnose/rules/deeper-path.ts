import { confidenceOf, Z_MATERIAL } from "../noise.js";
import type { DepthFigure, RunFigures } from "../run-figures.js";
import type { Rule } from "./rule.js";

/** Two more frames on average: less is within what inlining and route mixes move. */
const MIN_DEPTH_DELTA = 2;

const frames = (d?: DepthFigure): string =>
  d ? `${d.mean.toFixed(1)} frames (${d.samples} samples)` : "no samples";

/**
 * The default stacks' depth below the send and receive entries, as evidence beside a finding
 * about the path. Never a finding of its own: a sampled stack's depth is where in the path the CPU
 * happened to be, so it moves whenever time moves along the same path (the receiver waking its
 * reader more or less often moved it 8.7 → 13.4 frames with a second flow on an unchanged path).
 */
export function sampledDepthEvidence(b: RunFigures, s: RunFigures) {
  return [
    {
      what: "mean frames below udp_sendmsg/tcp_sendmsg in sampled stacks",
      baseline: frames(b.stackDepth.send),
      subject: frames(s.stackDepth.send),
      source: "default stack samples (where the CPU was, not how deep the path goes)",
    },
    {
      what: "mean frames below __netif_receive_skb/net_rx_action in sampled stacks",
      baseline: frames(b.stackDepth.receive),
      subject: frames(s.stackDepth.receive),
      source: "default stack samples (where the CPU was, not how deep the path goes)",
    },
  ];
}

/**
 * The send path is deeper: more frames between udp_sendmsg and each device transmit, counted by
 * the udp_sendmsg probe at every sampled transmit. That depth is the path's own — a packet on one
 * route always reaches its device at the same depth — so it changes only when the route does
 * (a tunnel device, a bridge, another hop). Without the probe in both runs there is no such
 * measurement and the rule stays silent: the encapsulation, bridge and netfilter rules name the
 * layers themselves from the default stacks.
 */
export const deeperPath: Rule = {
  code: "DEEPER_CALL_PATH",
  evaluate({ b, s }) {
    const x = b.depth;
    const y = s.depth;
    if (!x || !y || x.samples < 5 || y.samples < 5) return undefined;
    const delta = y.mean - x.mean;
    const se = Math.sqrt(x.se ** 2 + y.se ** 2);
    const z = se > 0 ? delta / se : Number.POSITIVE_INFINITY;
    if (delta < MIN_DEPTH_DELTA || z < Z_MATERIAL) return undefined;
    return {
      code: this.code,
      title: `the send path is deeper: ${y.mean.toFixed(1)} frames on average between udp_sendmsg and a device transmit (max ${y.max}) vs ${x.mean.toFixed(1)} (max ${x.max})`,
      mechanism: "every extra layer (tunnel transmit, a second device queue, a bridge) adds calls per packet",
      confidence: confidenceOf(z),
      evidence: [
        {
          what: "mean frames udp_sendmsg → device transmit",
          baseline: `${x.mean.toFixed(1)} (${x.samples} transmits)`,
          subject: `${y.mean.toFixed(1)} (${y.samples} transmits)`,
          source: "udp_sendmsg probe, at each sampled device transmit",
        },
        ...sampledDepthEvidence(b, s),
      ],
    };
  },
};
