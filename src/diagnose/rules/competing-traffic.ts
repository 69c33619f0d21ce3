import { pct } from "../finding.js";
import { MIN_RATE_EFFECT } from "../noise.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule } from "./rule.js";

/** The path's busiest device carried this much more than the benchmark's own bytes. */
const OTHER_TRAFFIC = 0.3;

/**
 * Other traffic on the benchmark's path: the busiest device carried materially more bits than the
 * benchmark reports, and more so than in the baseline. Needs the benchmark's own report (a rate
 * read from the devices cannot be compared with itself).
 */
export const competingTraffic: Rule = {
  code: "COMPETING_TRAFFIC",
  evaluate(ctx) {
    const { b, s } = ctx;
    const extra = (f: RunFigures): number | undefined =>
      f.bitsPerSecond > 0 && !f.rateSource.startsWith("device counters")
        ? f.pathBitsPerSecond / f.bitsPerSecond - 1
        : undefined;
    const es = extra(s);
    const eb = extra(b);
    if (es === undefined || eb === undefined) return undefined;
    if (es < OTHER_TRAFFIC || es - eb < OTHER_TRAFFIC - MIN_RATE_EFFECT) return undefined;
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
          what: "busiest device Mbit/s vs benchmark Mbit/s",
          baseline: `${(b.pathBitsPerSecond / 1e6).toFixed(1)} vs ${(b.bitsPerSecond / 1e6).toFixed(1)}`,
          subject: `${(s.pathBitsPerSecond / 1e6).toFixed(1)} vs ${(s.bitsPerSecond / 1e6).toFixed(1)}`,
          source: `device counters (${s.pathDevice}); ${s.rateSource}`,
        },
      ],
    };
  },
};
