import { pct } from "../finding.js";
import { MIN_RATE_EFFECT } from "../noise.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/** The path's busiest device carried this much more than the benchmark's own bytes. */
const OTHER_TRAFFIC = 0.3;

/**
 * Other traffic on the benchmark's path: the busiest device carried materially more packets than
 * the benchmark sent (UDP), and more so than in the baseline. Needs the benchmark's own report (a rate
 * read from the devices cannot be compared with itself).
 */
const ratioText = (f: RunFigures): string =>
  f.sentPacketsPerSecond > 0
    ? `${f.pathPacketsPerSecond.toFixed(0)} vs ${f.sentPacketsPerSecond.toFixed(0)} packets/s`
    : `${(f.pathBitsPerSecond / 1e6).toFixed(1)} vs ${(f.bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;

/**
 * How much more the path's busiest device carried than the benchmark sent, subject and baseline,
 * when the subject's path carried other traffic (undefined otherwise, and for TCP).
 */
export function otherTraffic(b: RunFigures, s: RunFigures): { es: number; eb: number } | undefined {
  // UDP: the path's packets against the datagrams the benchmark sent (headers and encapsulation
  // do not change a packet count; losses downstream do not either).
  // TCP is left out: its bytes on a device differ from its goodput by ACKs, headers, segmentation
  // and resends in ways that overlap with another flow's share.
  const extra = (f: RunFigures): number | undefined =>
    !f.countsPackets || f.sentPacketsPerSecond <= 0
      ? undefined
      : f.pathPacketsPerSecond / f.sentPacketsPerSecond - 1;
  const es = extra(s);
  const eb = extra(b);
  if (es === undefined || eb === undefined) return undefined;
  if (es < OTHER_TRAFFIC || es - eb < OTHER_TRAFFIC - MIN_RATE_EFFECT) return undefined;
  return { es, eb };
}

export const competingTraffic: Rule = {
  code: "COMPETING_TRAFFIC",
  evaluate(ctx) {
    const { b, s } = ctx;
    const other = otherTraffic(b, s);
    if (!other) return undefined;
    const { es, eb } = other;
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
          what: "busiest device vs the benchmark's own (packets/s sent, or Mbit/s)",
          baseline: ratioText(b),
          subject: ratioText(s),
          source: `device counters (${s.pathDevice}); ${s.rateSource}`,
        },
      ],
    };
  },
};
