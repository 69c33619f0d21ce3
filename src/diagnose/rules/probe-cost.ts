import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { num, pct } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { explainedLead, explainedShare, type Rule } from "./rule.js";

/**
 * overlayscope's own probes: their BPF programs' time in the kernel (run time from the kernel's
 * BPF statistics, dispatch calibrated) as a share of all CPUs' time, in one run beyond the other.
 * A probe on a per-packet or per-interrupt event runs on the packet's own path, in the context
 * that handles it, so its time is taken from the flow it measures. A user who records the subject
 * with more probes than the baseline (netdev, softirq to dig deeper) compares two recordings, not
 * two configurations: 64% of a CPU went to netdev and softirq programs in such a subject here
 * (2026-12-06), which ran 61% below its default-recorded twin. The bar is the rate noise floor
 * (MIN_RATE_EFFECT of all CPUs), as for a competing process; the default session's sampler costs
 * ~0.2% of a CPU and never reaches it.
 */
export const probeCost: Rule = {
  code: "PROBE_COST",
  twoSided: true,
  evaluate(ctx) {
    const { b, s } = ctx;
    const extra = s.probeCpuShare - b.probeCpuShare;
    if (Math.abs(extra) < MIN_RATE_EFFECT) return undefined;
    const inSubject = extra > 0;
    const [run, other] = inSubject ? [s, b] : [b, s];
    const [side, otherSide] = inSubject ? ["subject", "baseline"] : ["baseline", "subject"];
    const added = run.recordedProbes.filter((p) => !other.recordedProbes.includes(p));
    const explains = inSubject ? explainedShare(extra, ctx) : explainedLead(-extra, ctx);
    const costly = run.probeCpu.filter((p) => p.share > 0.001).slice(0, 4);
    const shareOf = (f: RunFigures, probe: string): number =>
      f.probeCpu.find((p) => p.probe === probe)?.share ?? 0;
    const perPacket = (f: RunFigures, probe: string): string => {
      const events = f.probeCpu.find((p) => p.probe === probe)?.eventsPerSecond ?? 0;
      return f.packetsPerSecond > 0 ? num(events / f.packetsPerSecond, 2) : "n/a";
    };
    return {
      code: this.code,
      ...(inSubject ? {} : { slowed: "baseline" as const }),
      title: `overlayscope's own probes took ${pct(Math.abs(extra))} more of all CPUs' time in the ${side} (${costly.map((p) => `${p.probe} ${pct(p.share)}`).join(", ")}): ${added.length ? `the ${side} was recorded with ${added.join(", ")}, the ${otherSide} without — a difference of the recording, not of the configuration` : `the same probes fired more often there (more events per packet on its path): that part of the difference is overlayscope's own`}`,
      mechanism:
        "a probe on a per-packet or per-interrupt event runs its program on the packet's own path, in the context that handles it, for every event: its time is taken from the flow it measures. Record both sides with the same probes, and per-packet probes in a run of their own (lab bench's probed phase)",
      confidence: confidenceOf(Math.abs(extra) / 0.02),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "probes recorded",
          baseline: b.recordedProbes.join(", ") || "none",
          subject: s.recordedProbes.join(", ") || "none",
          source: "the run's probe list",
        },
        ...costly.map((p) => ({
          what: `${p.probe} (${p.variant}): share of all CPUs' time; events per packet`,
          baseline: `${pct(shareOf(b, p.probe), 2)}; ${perPacket(b, p.probe)}`,
          subject: `${pct(shareOf(s, p.probe), 2)}; ${perPacket(s, p.probe)}`,
          source: "BPF run-time statistics per interval (run time measured, dispatch calibrated)",
        })),
      ],
    };
  },
};
