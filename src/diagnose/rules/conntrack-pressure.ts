import type { Rule } from "./rule.js";

/** A table this full starts evicting (early_drop) and refusing (insert_failed) entries. */
const NEAR_FULL = 0.9;

/** Connection tracking under pressure: inserts failing or entries dropped, which the baseline did not see. */
export const conntrackPressure: Rule = {
  code: "CONNTRACK_PRESSURE",
  evaluate({ b, s }) {
    const bad = (f: typeof s): number =>
      ["insert_failed", "drop", "early_drop"].reduce((a, k) => a + (f.conntrack.get(k) ?? 0), 0);
    const full =
      s.conntrackMax !== undefined &&
      s.conntrackMax > 0 &&
      s.conntrackEntriesMax >= s.conntrackMax * NEAR_FULL;
    if (
      !(bad(s) > 0 && bad(b) === 0) &&
      !(full && !(b.conntrackMax && b.conntrackEntriesMax >= b.conntrackMax * NEAR_FULL))
    )
      return undefined;
    return {
      code: this.code,
      title: `connection tracking is under pressure: ${bad(s)} failed inserts and drops${full ? `, table at ${s.conntrackEntriesMax} of ${s.conntrackMax}` : ""}`,
      mechanism: "a full conntrack table drops new flows' packets; failed inserts drop packets outright",
      confidence: "medium",
      evidence: ["insert_failed", "drop", "early_drop"].map((k) => ({
        what: `conntrack ${k}`,
        baseline: String(b.conntrack.get(k) ?? 0),
        subject: String(s.conntrack.get(k) ?? 0),
        source: "/proc/<pid>/net/stat/nf_conntrack",
      })),
    };
  },
};
