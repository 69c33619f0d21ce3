import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { pct } from "../finding.js";
import { explainedLead, explainedShare, type Rule } from "./rule.js";

/**
 * The host running other guests on this machine's vCPUs: steal time (/proc/stat) as a share of
 * all CPUs' time over the window, in one run beyond the other. A vCPU's stolen time is time
 * neither the benchmark nor the kernel's network path ran, and nothing in the guest changed: the
 * difference is the host's, not the overlay's. In the baseline it explains a faster subject. The
 * bar is the rate noise floor (MIN_RATE_EFFECT of all CPUs), as for a competing process. Hosts
 * that do not account steal (Firecracker, like the development VM) read 0 on both sides.
 */
export const hostContention: Rule = {
  code: "HOST_CONTENTION",
  twoSided: true,
  evaluate(ctx) {
    const { b, s } = ctx;
    const extra = Math.abs(s.stealShare - b.stealShare);
    if (extra < MIN_RATE_EFFECT) return undefined;
    const inSubject = s.stealShare > b.stealShare;
    const explains = inSubject ? explainedShare(extra, ctx) : explainedLead(extra, ctx);
    return {
      code: this.code,
      fromHost: true,
      ...(inSubject ? {} : { slowed: "baseline" as const }),
      title: `the host took ${pct(extra)} more of all CPUs' time from the ${inSubject ? "subject" : "baseline"} (steal: ${pct(b.stealShare)} in the baseline, ${pct(s.stealShare)} in the subject)`,
      mechanism:
        "a hypervisor that runs other guests on this machine's vCPUs takes that time from everything in it, the benchmark and the kernel's network path alike; no configuration in the guest changed",
      confidence: confidenceOf(extra / 0.02),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "steal: share of all CPUs' time",
          baseline: pct(b.stealShare),
          subject: pct(s.stealShare),
          source: "/proc/stat steal per CPU over the window",
        },
      ],
    };
  },
};
