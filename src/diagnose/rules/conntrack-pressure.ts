import { failedSide } from "../benchmark-exit.js";
import type { RunFigures } from "../run-figures.js";
import { explainedShare, type Rule, type RuleContext } from "./rule.js";

/** A table this full starts evicting (early_drop) and refusing (insert_failed) entries. */
const NEAR_FULL = 0.9;

const PRESSURE_STATS = ["insert_failed", "drop", "early_drop"] as const;

const pressure = (f: RunFigures): number => PRESSURE_STATS.reduce((a, k) => a + (f.conntrack.get(k) ?? 0), 0);

/**
 * Packets connection tracking dropped: its `drop` statistic counts every packet it refused (no
 * entry could be allocated in a full table, or an insert failed, which counts in insert_failed as
 * well); early_drop evicts another flow's entry and lets the packet on.
 */
export const conntrackDrops = (f: RunFigures): number => f.conntrack.get("drop") ?? 0;

const full = (f: RunFigures): boolean =>
  f.conntrackMax !== undefined && f.conntrackMax > 0 && f.conntrackEntriesMax >= f.conntrackMax * NEAR_FULL;

/** Under pressure in the subject and not in the baseline: failed inserts and drops, or a table near full. */
const underPressure = ({ b, s }: Pick<RuleContext, "b" | "s">): boolean =>
  (pressure(s) > 0 && pressure(b) === 0) || (full(s) && !full(b));

/**
 * The subject's benchmark failed where the baseline's did not, and connection tracking dropped
 * packets in the subject and none in the baseline: a connection whose packets the table refuses is
 * never made (iperf3 against a table of 3 entries: "unable to connect to server", 22 packets
 * dropped), so the failure is the table's.
 */
export const conntrackFailedBenchmark = (b: RunFigures, s: RunFigures): boolean =>
  failedSide(b, s) === "subject" && conntrackDrops(s) > 0 && conntrackDrops(b) === 0;

/**
 * The conntrack drops PACKET_LOSS leaves to this rule, baseline and subject: none unless this rule
 * is named.
 */
export function conntrackLoss(ctx: Pick<RuleContext, "b" | "s">): { base: number; subj: number } {
  return underPressure(ctx)
    ? { base: conntrackDrops(ctx.b), subj: conntrackDrops(ctx.s) }
    : { base: 0, subj: 0 };
}

/**
 * Connection tracking under pressure: inserts failing or entries dropped, which the baseline did not
 * see. What it explains: the whole difference when the subject's benchmark failed for it, else the
 * share of the path's packets it dropped beyond the baseline's.
 */
export const conntrackPressure: Rule = {
  code: "CONNTRACK_PRESSURE",
  evaluate(ctx) {
    const { b, s } = ctx;
    if (!underPressure(ctx)) return undefined;
    const failedIt = conntrackFailedBenchmark(b, s);
    const droppedShare = (f: RunFigures): number =>
      conntrackDrops(f) / Math.max(1, f.packets + conntrackDrops(f));
    const explains = failedIt ? 1 : explainedShare(droppedShare(s) - droppedShare(b), ctx);
    return {
      code: this.code,
      title: `connection tracking is under pressure: ${pressure(s)} failed inserts and drops${full(s) ? `, table at ${s.conntrackEntriesMax} of ${s.conntrackMax}` : ""}${failedIt ? `; it dropped ${conntrackDrops(s)} packets where the subject's benchmark failed` : ""}`,
      mechanism:
        "a full conntrack table drops new flows' packets (a connection whose packets it refuses is never made); failed inserts drop packets outright",
      confidence: failedIt ? "high" : "medium",
      ...(failedIt ? { failure: true as const } : {}),
      ...(explains !== undefined ? { explains } : {}),
      evidence: PRESSURE_STATS.map((k) => ({
        what: `conntrack ${k}`,
        baseline: String(b.conntrack.get(k) ?? 0),
        subject: String(s.conntrack.get(k) ?? 0),
        source: "/proc/<pid>/net/stat/nf_conntrack",
      })),
    };
  },
};
