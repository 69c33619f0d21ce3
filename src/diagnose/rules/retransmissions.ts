import { confidenceOf, fractionRatioChange, RETRANS_RUN_TO_RUN_LOG_SD } from "../noise.js";
import { pct } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { heldBackSegments } from "./qdisc-limit.js";
import type { Rule } from "./rule.js";

/** One segment in a thousand retransmitted is already enough to cap a TCP flow's window. */
const MIN_RETRANS_DELTA = 0.001;

/** Each side's retransmitted segments out of segments sent, and the change between them (log scale, run-to-run spread). */
export function retransmissionChange(b: RunFigures, s: RunFigures) {
  // Retransmissions come in bursts (one loss episode retransmits a window), and their fraction
  // moves by a factor between identical runs: both count in each run's error, as for packet loss
  // (measured from repeats when both sides have them).
  const r = (f: RunFigures) => ({
    events: f.snmp.get("Tcp.RetransSegs") ?? 0,
    trials: f.snmp.get("Tcp.OutSegs") ?? 0,
    intervals: f.retransSeries,
    levels: f.repeats.retransFraction,
  });
  const rb = r(b);
  const rs = r(s);
  if (rs.trials === 0) return undefined;
  // TCP resends what a qdisc that held the subject's packets back dropped — some segments more
  // than once, and a shaper's queueing delay adds spurious timeouts: with at least one dropped
  // segment there per two resends beyond the baseline's rate, the rise is the qdisc's mechanism,
  // which QDISC_LIMIT names with its drops (a tbf at 50 Mbit/s on the underlay dropped 611 frames,
  // TCP resent 852 segments, and retransmissions were a second cause).
  const extra = rs.events - (rb.trials > 0 ? (rb.events / rb.trials) * rs.trials : 0);
  const dropped = heldBackSegments(b, s);
  if (extra > 0 && dropped.subj - dropped.base >= extra / 2) return undefined;
  return { rb, rs, c: fractionRatioChange(rb, rs, MIN_RETRANS_DELTA, RETRANS_RUN_TO_RUN_LOG_SD) };
}

/**
 * TCP retransmitted more of its segments than in the baseline: a lost segment halves the
 * congestion window, so a small loss rate costs much of the throughput (rate ∝ 1/√loss).
 */
export const retransmissions: Rule = {
  code: "TCP_RETRANSMISSIONS",
  evaluate({ b, s }) {
    const change = retransmissionChange(b, s);
    if (!change) return undefined;
    const { rb, rs, c } = change;
    if (!c.material || c.delta <= 0) return undefined;
    return {
      code: this.code,
      title: `TCP retransmitted ${pct(c.p2, 2)} of its segments (${rs.events}), the baseline ${pct(c.p1, 2)} (${rb.events})`,
      mechanism:
        "each loss halves TCP's congestion window and waits for recovery: throughput falls with the square root of the loss rate",
      confidence: confidenceOf(c.z),
      evidence: [
        {
          what: "retransmitted / sent segments",
          baseline: `${rb.events} / ${rb.trials}`,
          subject: `${rs.events} / ${rs.trials}`,
          source: "/proc/net/snmp Tcp.RetransSegs, Tcp.OutSegs",
        },
        {
          what: "TcpExt.TCPLostRetransmit",
          baseline: String(b.snmp.get("TcpExt.TCPLostRetransmit") ?? 0),
          subject: String(s.snmp.get("TcpExt.TCPLostRetransmit") ?? 0),
          source: "/proc/net/netstat",
        },
      ],
    };
  },
};
