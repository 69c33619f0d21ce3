import { pct } from "../finding.js";
import { MIN_RATE_EFFECT } from "../noise.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/** The path's busiest device carried this much more than the benchmark's own bytes. */
const OTHER_TRAFFIC = 0.3;

const countsSent = (f: RunFigures): boolean => f.countsPackets && f.sentPacketsPerSecond > 0;

/** The datagrams the benchmark sent over the run (its own count). */
export const datagramsSent = (f: RunFigures): number => f.sentPacketsPerSecond * f.seconds;

/**
 * The packets each datagram the benchmark sent became: a datagram larger than the MTU leaves as
 * fragments (Ip.FragCreates for the Ip.FragOKs datagrams cut, in every namespace of the run), each
 * a packet on every device after it. 8000 B datagrams at an MTU of 1450 are six packets each.
 */
export function packetsPerDatagram(f: RunFigures): number {
  const sent = datagramsSent(f);
  if (sent <= 0) return 1;
  const cut = f.snmp.get("Ip.FragOKs") ?? 0;
  const fragments = f.snmp.get("Ip.FragCreates") ?? 0;
  return Math.max(1, (sent - cut + fragments) / sent);
}

/** The benchmark's own packets per second on the path: its datagrams, each as the packets it became. */
const ownPacketsPerSecond = (f: RunFigures): number => f.sentPacketsPerSecond * packetsPerDatagram(f);

const ratioText = (f: RunFigures, byPackets: boolean): string =>
  byPackets
    ? `${f.pathPacketsPerSecond.toFixed(0)} vs ${ownPacketsPerSecond(f).toFixed(0)} packets/s`
    : `${(f.pathBitsPerSecond / 1e6).toFixed(1)} vs ${(f.bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;

/**
 * How much more the path's busiest device carried than the benchmark's own, subject and baseline,
 * when the subject's path carried other traffic (undefined otherwise).
 */
export function otherTraffic(
  b: RunFigures,
  s: RunFigures,
): { es: number; eb: number; byPackets: boolean } | undefined {
  // UDP: the path's packets against the datagrams the benchmark sent (headers and encapsulation
  // do not change a packet count; losses downstream do not either), each datagram counted as the
  // fragments it became: with a container's MTU lowered from 1450 to 1000, 8000 B datagrams left
  // as nine packets instead of six, and the underlay "carried 789% more than the benchmark's own"
  // against the baseline's 493% — named as competing traffic on 2026-12-07. TCP: bits against goodput,
  // which headers, encapsulation, ACKs and resends raise by a few percent on both sides alike
  // (measured on the scenario overlay: the underlay carried 1.00x the goodput of one flow, 1.98x
  // with a second flow beside it), so the subject must exceed the baseline's ratio too.
  const byPackets = countsSent(b) && countsSent(s);
  const extra = (f: RunFigures): number | undefined => {
    if (byPackets) return f.pathPacketsPerSecond / ownPacketsPerSecond(f) - 1;
    if (f.rateSource.startsWith("device counters") || f.bitsPerSecond <= 0 || f.pathBitsPerSecond <= 0)
      return undefined;
    return f.pathBitsPerSecond / f.bitsPerSecond - 1;
  };
  const es = extra(s);
  const eb = extra(b);
  if (es === undefined || eb === undefined) return undefined;
  if (es < OTHER_TRAFFIC || es - eb < OTHER_TRAFFIC - MIN_RATE_EFFECT) return undefined;
  return { es, eb, byPackets };
}

/**
 * Other traffic on the benchmark's path: the busiest device carried materially more than the
 * benchmark's own (UDP: packets against the datagrams it sent; TCP: bits against its goodput), and
 * more so than in the baseline. Needs the benchmark's own report (a rate read from the devices
 * cannot be compared with itself).
 */
export const competingTraffic: Rule = {
  code: "COMPETING_TRAFFIC",
  evaluate(ctx) {
    const { b, s } = ctx;
    const other = otherTraffic(b, s);
    if (!other) return undefined;
    const { es, eb, byPackets } = other;
    const share = es / (1 + es);
    const explains = explainedShare(share, ctx);
    return {
      code: this.code,
      title: `other traffic shared the path: ${s.pathDevice} carried ${pct(es, 0)} more than the benchmark's own throughput (baseline ${pct(eb, 0)})`,
      mechanism:
        "flows on the same devices and cores share their capacity: the benchmark gets what the others leave",
      confidence: "medium",
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: byPackets
            ? "busiest device vs the benchmark's datagrams sent, as the packets they became (packets/s)"
            : "busiest device vs the benchmark's goodput (Mbit/s)",
          baseline: ratioText(b, byPackets),
          subject: ratioText(s, byPackets),
          source: `device counters (${s.pathDevice}); ${s.rateSource}`,
        },
      ],
    };
  },
};
