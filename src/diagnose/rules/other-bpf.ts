import { confidenceOf, MIN_RATE_EFFECT } from "../noise.js";
import { num, pct } from "../finding.js";
import { explainedLead, explainedShare, type Rule } from "./rule.js";

/**
 * BPF programs that are not overlayscope's — a tracer someone left running, a security or
 * observability agent, an eBPF dataplane's hooks — taking more of all CPUs' time in one run than
 * in the other (kernel BPF statistics at the window's two edges, run time measured and dispatch
 * calibrated, as for our own probes). A program on a per-packet event runs in the context that
 * handles the packet, for every packet, so its time comes out of the flow's: a bpftrace
 * `@[kstack] = count()` on net:netif_receive_skb beside an overlay UDP flood took it from 71 k to
 * 37 k packets/s here (2026-12-06) with nothing else named. The bar is the rate noise floor
 * (MIN_RATE_EFFECT of all CPUs), as for PROBE_COST and a competing process; programs that run on
 * both sides alike cancel out.
 */
export const otherBpfPrograms: Rule = {
  code: "OTHER_BPF_PROGRAMS",
  twoSided: true,
  evaluate(ctx) {
    const { b, s } = ctx;
    if (!b.otherBpf || !s.otherBpf) return undefined;
    const extra = s.otherBpf.share - b.otherBpf.share;
    if (Math.abs(extra) < MIN_RATE_EFFECT) return undefined;
    const inSubject = extra > 0;
    const [run, other] = inSubject ? [s.otherBpf, b.otherBpf] : [b.otherBpf, s.otherBpf];
    const side = inSubject ? "subject" : "baseline";
    const top = run.programs.filter((p) => p.share > 0.001).slice(0, 4);
    const shareIn = (f: typeof run, label: string): number =>
      f.programs.find((p) => p.label === label)?.share ?? 0;
    const explains = inSubject ? explainedShare(extra, ctx) : explainedLead(-extra, ctx);
    return {
      code: this.code,
      ...(inSubject ? {} : { slowed: "baseline" as const }),
      title: `BPF programs not overlayscope's took ${pct(Math.abs(extra))} more of all CPUs' time in the ${side}: ${top.map((p) => `${p.label} ${pct(p.share)}`).join(", ")}`,
      mechanism:
        "a BPF program attached to a per-packet event (a tracer, a security or observability agent, an eBPF dataplane's hooks) runs for every packet in the context that handles it: its time is taken from the flow",
      confidence: confidenceOf(Math.abs(extra) / 0.02),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "BPF programs not overlayscope's: share of all CPUs' time",
          baseline: pct(b.otherBpf.share, 2),
          subject: pct(s.otherBpf.share, 2),
          source: `kernel BPF statistics at the window's edges (${s.otherBpf.source}), with the per-event cost of reaching each program`,
        },
        ...top.map((p) => ({
          what: `${p.label}: share of all CPUs' time; runs per packet`,
          baseline: inSubject
            ? `${pct(shareIn(other, p.label), 2)}`
            : `${pct(p.share, 2)}; ${runsPerPacket(p.runsPerSecond, b.packetsPerSecond)}`,
          subject: inSubject
            ? `${pct(p.share, 2)}; ${runsPerPacket(p.runsPerSecond, s.packetsPerSecond)}`
            : `${pct(shareIn(other, p.label), 2)}`,
          source: "kernel BPF statistics (run_time_ns, run_cnt)",
        })),
      ],
    };
  },
};

const runsPerPacket = (runsPerSecond: number, packetsPerSecond: number): string =>
  packetsPerSecond > 0 ? num(runsPerSecond / packetsPerSecond, 2) : "n/a";
