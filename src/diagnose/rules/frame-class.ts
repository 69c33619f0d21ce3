import { confidenceOf, MIN_SHARE_DELTA, poissonRateChange, proportionChange } from "../noise.js";
import { pct } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { classifyFrame } from "../../profile/frame-classes.js";
import { otherTraffic } from "./competing-traffic.js";
import { bindingShaper } from "./qdisc-limit.js";
import { sampledDepthEvidence } from "./deeper-path.js";
import { explainedShare, type Rule, type RuleContext } from "./rule.js";

/** The top functions of a class whose share grew, for the evidence. */
function classFunctions(
  b: RunFigures,
  s: RunFigures,
  classes: readonly string[],
): Array<{ fn: string; base: number; share: number }> {
  return [...s.functionShares]
    .filter(([fn]) => classes.includes(classifyFrame(fn) ?? ""))
    .map(([fn, share]) => ({ fn, share, base: b.functionShares.get(fn) ?? 0 }))
    .filter((x) => x.share > x.base)
    .sort((x, y) => y.share - y.base - (x.share - x.base))
    .slice(0, 5);
}

/**
 * More of the busy CPU time inside one kind of kernel work than in the baseline, with the
 * difference tested on the sample counts (two proportions) and at least MIN_SHARE_DELTA.
 */
function classRule(
  code: string,
  classes: readonly string[],
  describe: (
    ctx: RuleContext,
    c: { p1: number; p2: number },
  ) => {
    title: string;
    mechanism: string;
    extra?: Array<{ what: string; baseline?: string; subject: string; source: string }>;
  },
  /** Other evidence of the same work when the share alone is not beyond its noise. */
  otherwise?: (ctx: RuleContext, c: { delta: number; p1: number; p2: number; events: number }) => boolean,
  /** What the mechanism needs besides the share (else a larger share has another cause). */
  requires?: (ctx: RuleContext) => boolean,
): Rule {
  return {
    code,
    evaluate(ctx) {
      const { b, s } = ctx;
      if (b.busySamples === 0 || s.busySamples === 0) return undefined;
      if (requires && !requires(ctx)) return undefined;
      // A sample counts once even when it holds frames of several of the classes.
      const key = classes.join("+");
      const side = (f: RunFigures) => ({
        events: f.classSamples.get(key) ?? 0,
        trials: f.busySamples,
        intervals: f.classSeries.get(key),
      });
      const c = proportionChange(side(b), side(s), MIN_SHARE_DELTA);
      const other = !c.material && otherwise?.(ctx, { ...c, events: side(s).events });
      if ((!c.material && !other) || c.delta <= 0) return undefined;
      const d = describe(ctx, c);
      const explains = explainedShare(c.delta, ctx);
      return {
        code,
        title: d.title,
        mechanism: d.mechanism,
        confidence: other ? "medium" : confidenceOf(c.z),
        ...(explains !== undefined ? { explains } : {}),
        evidence: [
          {
            what: `busy samples in ${classes.join("/")} work`,
            baseline: `${pct(c.p1)} of ${b.busySamples}`,
            subject: `${pct(c.p2)} of ${s.busySamples}`,
            source: "stacks probe, frames classed by src/profile/frame-classes.ts",
          },
          ...classFunctions(b, s, classes).map((x) => ({
            what: x.fn,
            baseline: pct(x.base),
            subject: pct(x.share),
            source: "share of busy stack samples containing it",
          })),
          ...(d.extra ?? []),
        ],
      };
    },
  };
}

const ENCAPSULATION_CLASSES = ["encapsulation", "bridge"] as const;

/**
 * A tunnel the subject's packets crossed and the baseline's did not: every packet was encapsulated
 * (the devices' own counters say so), and the stack samples caught that work, if too rarely for its
 * share alone to stand out (TCP at the default 19 Hz: a dozen samples in six seconds).
 */
const gainedTunnel = ({ b, s }: RuleContext, c: { events: number }): boolean =>
  tunnelAdded(b, s) && c.events > 0;

/** The baseline's packets crossed no tunnel device; at least half the subject's did. */
const tunnelAdded = (b: RunFigures, s: RunFigures): boolean => b.tunnelShare < 0.05 && s.tunnelShare >= 0.5;

/**
 * Half a tunnel crossing per packet more than the baseline: at least half the path's packets
 * crossed a tunnel device the baseline's did not (one device, or one more end of it, recorded).
 */
const MORE_CROSSINGS = 0.5;

/** Encapsulation and bridge CPU time per packet through the run's tunnel devices (ns), and its samples. */
function encapsulationPerTunnelPacket(f: RunFigures): { ns: number; samples: number } | undefined {
  const samples = f.classSamples.get(ENCAPSULATION_CLASSES.join("+")) ?? 0;
  if (f.tunnelPackets <= 0 || f.stackHz <= 0) return undefined;
  return { ns: (samples / f.stackHz / f.tunnelPackets) * 1e9, samples };
}

/**
 * Encapsulation work that is the path's own: its packets cross more tunnel devices than the
 * baseline's, or each packet through the tunnel costs more of it (samples ÷ hz per tunnel packet,
 * a material poissonRateChange). Otherwise a larger share of busy samples in encapsulation is
 * other traffic through the same tunnel, or less of some other work, and other rules name that:
 * a second UDP flow through the same overlay (scenario suite) moved the share from 21% to 24% in
 * one kept pair, with 11.4 and 10.3 samples per million tunnel packets, and once far enough for
 * the share test alone to name encapsulation. Paths without tunnel traffic on either side
 * (bridge work alone) keep the share test.
 */
const pathEncapsulation = (ctx: RuleContext): boolean => {
  const { b, s } = ctx;
  if (tunnelAdded(b, s) || s.tunnelShare - b.tunnelShare >= MORE_CROSSINGS) return true;
  // With other traffic through the same devices and cores, each packet costs more of everything
  // (a shared CPU, colder caches): a second flow doubled the bridge work per tunnel packet in CI
  // (412 → 831 ns) on an unchanged path. COMPETING_TRAFFIC names that; the cost is not the path's.
  if (otherTraffic(b, s)) return false;
  // A shaper that sent at its rate set the subject's throughput, not the CPU each packet cost; and
  // what it dropped leaves the far end of the path idle while the near end still encapsulates every
  // packet, so the work per tunnel packet rises with nothing changed on the path (a tbf under a UDP
  // flood: 655 → 2609 ns in CI, ENCAPSULATION_WORK named beside QDISC_LIMIT). QDISC_LIMIT names it.
  if (bindingShaper(b, s)) return false;
  // IPsec encrypts a VXLAN datagram inside the tunnel's own transmit (vxlan_xmit → … → esp_output),
  // so its samples hold encapsulation frames too: more of them per tunnel packet is the cipher's
  // work when the encryption rule names it.
  if (encryption.evaluate(ctx)) return false;
  const pb = encapsulationPerTunnelPacket(b);
  const ps = encapsulationPerTunnelPacket(s);
  if (!pb || !ps) return true;
  const c = poissonRateChange(
    { events: pb.samples, exposure: b.tunnelPackets * b.stackHz },
    { events: ps.samples, exposure: s.tunnelPackets * s.stackHz },
  );
  if (!c.material || c.ratio <= 1) return false;
  return ctx.gap !== 0 || ctx.costRise !== 0 || accountedFor(b, s);
};

/**
 * Nothing moved (rate, round trip and CPU per packet alike): more samples in encapsulation frames
 * on the same path are more work only if the runs' own CPU accounting (/proc/stat, not the
 * samples) grew by at least half of it per packet; otherwise the samples moved, not the work. An
 * A/A sockperf under-load pair in the project's CI put 0 and then 56 of ~127 busy samples in
 * bridge frames (49 µs per packet more, had it been work: two thirds of a round trip) at the same
 * busy time, rate and round trip. Why the samples moved was not established; a vCPU the hypervisor
 * deschedules takes its pending timer tick where it resumes, which is one way.
 */
function accountedFor(b: RunFigures, s: RunFigures): boolean {
  const sampledUs = (f: RunFigures): number =>
    f.packets > 0 ? ((encapsulationPerTunnelPacket(f)?.samples ?? 0) / f.stackHz / f.packets) * 1e6 : 0;
  const extra = sampledUs(s) - sampledUs(b);
  const rise = (s.cpuUsPerPacket ?? 0) - (b.cpuUsPerPacket ?? 0);
  return rise >= extra / 2;
}

export const encapsulation = classRule(
  "ENCAPSULATION_WORK",
  ENCAPSULATION_CLASSES,
  ({ b, s }, c) => ({
    title:
      tunnelAdded(b, s) && c.p1 < 0.01
        ? `the subject's path adds encapsulation and bridge work, in ${pct(c.p2)} of busy samples (the baseline has none)`
        : `encapsulation and bridge work grew from ${pct(c.p1)} to ${pct(c.p2)} of busy samples`,
    mechanism:
      "each packet is encapsulated (VXLAN: outer Ethernet, IP, UDP headers, a second route lookup) and crosses a bridge and more devices, each handled in softirq again",
    extra:
      s.tunnelDevices.length > 0 || b.tunnelDevices.length > 0
        ? [
            {
              what: `packets through tunnel devices per path packet (${s.tunnelDevices.slice(0, 3).join(", ") || "none"})`,
              baseline: b.tunnelShare.toFixed(2),
              subject: s.tunnelShare.toFixed(2),
              source: "device counters of the tunnel devices in the environment snapshot",
            },
            ...perTunnelPacketEvidence(b, s),
            ...sampledDepthEvidence(b, s),
          ]
        : sampledDepthEvidence(b, s),
  }),
  gainedTunnel,
  pathEncapsulation,
);

function perTunnelPacketEvidence(b: RunFigures, s: RunFigures) {
  const pb = encapsulationPerTunnelPacket(b);
  const ps = encapsulationPerTunnelPacket(s);
  if (!pb || !ps) return [];
  return [
    {
      what: "encapsulation and bridge CPU per tunnel packet",
      baseline: `${pb.ns.toFixed(0)} ns`,
      subject: `${ps.ns.toFixed(0)} ns`,
      source: "those samples ÷ the sampling rate ÷ the tunnel devices' packets",
    },
  ];
}

/** The run recorded its netfilter ruleset (nft was there when the environment snapshot was taken). */
const rulesetKnown = (f: RunFigures): boolean =>
  f.environment?.netns.some((n) => n.netfilter !== undefined) ?? false;

/**
 * More netfilter work per packet comes from more rules to walk (conntrack too is turned on by
 * rules). When both runs recorded their rulesets and the subject's is no larger, a larger share of
 * samples in netfilter frames has another cause: more packets through the same hooks (a competing
 * flow: measured 5.6% → 16.1% with no rule on either side), or a path with more hooks (a bridge),
 * which the encapsulation and call-depth rules name.
 */
const moreRules = ({ b, s }: RuleContext): boolean =>
  !(rulesetKnown(b) && rulesetKnown(s)) || s.netfilterRules > b.netfilterRules;

export const netfilter = classRule(
  "NETFILTER_COST",
  ["netfilter", "conntrack"],
  ({ b, s }, c) => ({
    title: `netfilter work grew from ${pct(c.p1)} to ${pct(c.p2)} of busy samples; the subject's ruleset has ${s.netfilterRules} rules (baseline ${b.netfilterRules})`,
    mechanism:
      "every packet walks the rules of each netfilter hook it crosses, one by one: cost per packet grows with the ruleset",
    extra: [
      {
        what: "netfilter rules (all namespaces)",
        baseline: String(b.netfilterRules),
        subject: String(s.netfilterRules),
        source: "nft -j list ruleset and iptables-legacy-save in the environment snapshot",
      },
    ],
  }),
  undefined,
  moreRules,
);

/** What a run's namespaces encrypt with: IPsec SAs and their algorithms, WireGuard devices. */
interface EncryptionSetup {
  sas: number;
  algorithms: string[];
  wireguard: number;
}

/** Undefined when the run did not read IPsec (recorded before it was, or `ip` could not). */
function encryptionSetup(f: RunFigures): EncryptionSetup | undefined {
  const netns = f.environment?.netns ?? [];
  if (!netns.some((n) => n.ipsec)) return undefined;
  return {
    sas: netns.reduce((a, n) => a + (n.ipsec?.states ?? 0), 0),
    algorithms: [...new Set(netns.flatMap((n) => n.ipsec?.algorithms ?? []))].sort(),
    wireguard: netns.reduce((a, n) => a + n.devices.filter((d) => d.link.rawKind === "wireguard").length, 0),
  };
}

const setupText = (e: EncryptionSetup | undefined): string => {
  if (!e) return "not recorded";
  const parts = [
    e.sas > 0 ? `${e.sas} IPsec SAs${e.algorithms.length ? ` (${e.algorithms.join(", ")})` : ""}` : "",
    e.wireguard > 0 ? `${e.wireguard} WireGuard devices` : "",
  ].filter(Boolean);
  return parts.join(", ") || "no IPsec SA or WireGuard device";
};

/**
 * More encryption work comes from more of the path encrypted, or another cipher. When both runs
 * recorded their IPsec and the subject encrypts no more and no differently, a larger share of
 * samples in cipher code has another cause (more encrypted traffic: COMPETING_TRAFFIC's).
 */
const moreEncryption = ({ b, s }: RuleContext): boolean => {
  const eb = encryptionSetup(b);
  const es = encryptionSetup(s);
  return (
    !eb ||
    !es ||
    es.sas > eb.sas ||
    es.wireguard > eb.wireguard ||
    es.algorithms.join() !== eb.algorithms.join()
  );
};

/**
 * Encryption on the path: an encrypted overlay (Docker's `--opt encrypted`: ESP in transport mode
 * on the VXLAN datagrams; WireGuard in Calico, Cilium, Flannel) encrypts and authenticates every
 * packet on the way out and checks and decrypts it on the way in, in the softirq that carries it.
 */
export const encryption = classRule(
  "ENCRYPTION_WORK",
  ["encryption"],
  ({ b, s }, c) => {
    const [before, after] = [setupText(encryptionSetup(b)), setupText(encryptionSetup(s))];
    return {
      title: `encryption work grew from ${pct(c.p1)} to ${pct(c.p2)} of busy samples; the subject encrypts with ${after} (baseline ${before})`,
      mechanism:
        "every packet an IPsec policy or a WireGuard device covers is encrypted and authenticated on the way out and verified and decrypted on the way in, in softirq, on top of its encapsulation: the cost grows with its bytes and the cipher (generic code where the CPU has no AES instructions)",
      extra: [
        {
          what: "IPsec SAs, WireGuard devices (all namespaces)",
          baseline: before,
          subject: after,
          source: "ip -o xfrm state and ip -d link in the environment snapshot",
        },
      ],
    };
  },
  undefined,
  moreEncryption,
);
