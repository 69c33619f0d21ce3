import type { DeviceEnv } from "../../collectors/env-snapshot.js";
import {
  confidenceOf,
  fractionRatioChange,
  LOSS_RUN_TO_RUN_LOG_SD,
  poissonRateChange,
  proportionChange,
} from "../noise.js";
import { datagramsSent, packetsPerDatagram } from "./competing-traffic.js";
import { retransmissionChange } from "./retransmissions.js";
import { costChange, perPacket } from "../verdict.js";
import { num, type Evidence } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import { nsKey } from "../netns-key.js";
import { explainedShare, type Rule, type RuleContext } from "./rule.js";
import { softirqsPerPacketChange } from "./softirq-work.js";

/** Devices by namespace key and device name, so the two runs' environments can be compared. */
function devices(f: RunFigures): Map<string, DeviceEnv> {
  const m = new Map<string, DeviceEnv>();
  for (const n of f.environment?.netns ?? [])
    for (const d of n.devices) m.set(`${nsKey(f, n)}/${d.link.name}`, d);
  return m;
}

/**
 * The keys (as devices() makes them) of the devices that carried traffic in either run: a setting
 * changed on a device no packet of the benchmark crossed changed nothing the benchmark met (an MTU
 * on a device that carries none because of it carried some in the other run).
 */
function carriedInEither(...runs: RunFigures[]): Set<string> {
  const keys = new Set<string>();
  for (const f of runs)
    for (const n of f.environment?.netns ?? [])
      for (const d of n.devices)
        if (f.carriers.has(`${n.inode}/${d.link.name}`)) keys.add(`${nsKey(f, n)}/${d.link.name}`);
  return keys;
}

/** CPU per packet (per KB for TCP) changed beyond noise, in either direction: the effect a config change must show. */
function costEffect({ b, s }: RuleContext): { change: number; z: number } | undefined {
  const c = costChange(b, s, perPacket(b, s));
  return c.material ? c : undefined;
}

/**
 * Fragmentation, PMTU trouble or loss the subject shows and the baseline does not. Fragments and
 * unreachables are the MTU's own trace (identical runs have none), compared as proportions;
 * retransmissions and lost datagrams also follow any loss at an overflowing queue, and move by a
 * factor between identical runs, so they are tested as their own rules test them (log scale, the
 * loss spread).
 */
function mtuEffect(
  b: RunFigures,
  s: RunFigures,
): { what: string; base: number; subj: number; z: number } | undefined {
  const per = (f: RunFigures, k: string): { events: number; trials: number } => ({
    events: f.snmp.get(k) ?? 0,
    trials: Math.max(1, f.packets, f.snmp.get("Ip.OutRequests") ?? 0),
  });
  for (const k of ["Ip.FragFails", "Ip.ReasmFails", "Icmp.OutDestUnreachs", "Icmp.InDestUnreachs"]) {
    const c = proportionChange(per(b, k), per(s, k), 1e-3);
    if (c.material && c.delta > 0)
      return { what: k, base: b.snmp.get(k) ?? 0, subj: s.snmp.get(k) ?? 0, z: c.z };
  }
  // More fragments to each datagram: every fragment is a packet with its own headers, route lookup
  // and, through a tunnel, its own encapsulation. Identical runs cut the same datagrams alike.
  const cut = (f: RunFigures): { events: number; exposure: number } => ({
    events: f.snmp.get("Ip.FragCreates") ?? 0,
    exposure: datagramsSent(f),
  });
  const pieces = poissonRateChange(cut(b), cut(s));
  if (pieces.material && pieces.ratio > 1)
    return {
      what: "fragments per datagram sent (Ip.FragCreates)",
      base: Number(packetsPerDatagram(b).toFixed(2)),
      subj: Number(packetsPerDatagram(s).toFixed(2)),
      z: pieces.z,
    };
  const retrans = retransmissionChange(b, s);
  if (retrans?.c.material && retrans.c.delta > 0)
    return { what: "Tcp.RetransSegs", base: retrans.rb.events, subj: retrans.rs.events, z: retrans.c.z };
  // A bridge does not fragment: a frame above the next port's MTU is dropped without a counter
  // of its own, so the benchmark's loss is the effect.
  const lost = (f: RunFigures): { events: number; trials: number } => {
    const sent = datagramsSent(f);
    return { events: Math.max(0, sent - f.packets), trials: Math.max(1, sent) };
  };
  const c = fractionRatioChange(lost(b), lost(s), 0.01, LOSS_RUN_TO_RUN_LOG_SD);
  if (c.material && c.delta > 0)
    return { what: "datagrams lost", base: lost(b).events, subj: lost(s).events, z: c.z };
  return undefined;
}

/**
 * An MTU that differs from the baseline's on a device the path crosses, with an effect the
 * baseline does not show: fragments created or failed, destination-unreachable (fragmentation
 * needed), or retransmissions. A configuration the baseline shares is not a difference.
 */
export const mtuMismatch: Rule = {
  code: "MTU_MISMATCH",
  evaluate({ b, s }) {
    const before = devices(b);
    const carried = carriedInEither(b, s);
    const changed = [...devices(s)]
      .filter(([k, d]) => carried.has(k) && before.has(k) && before.get(k)!.link.mtu !== d.link.mtu)
      .map(([k, d]) => ({ k, before: before.get(k)!.link.mtu, after: d.link.mtu }));
    // Inside the subject: a VXLAN device whose underlay cannot carry its frames plus 50 bytes, or a
    // bridge member larger than the VXLAN device on the same bridge.
    for (const n of s.environment?.netns ?? [])
      for (const v of n.devices.filter((d) => d.link.kind === "vxlan")) {
        for (const d of n.devices)
          if (
            d !== v &&
            d.link.master !== undefined &&
            d.link.master === v.link.master &&
            d.link.mtu > v.link.mtu
          ) {
            const k = `${nsKey(s, n)}/${d.link.name}`;
            if (carried.has(k) && !changed.some((c) => c.k === k) && before.get(k)?.link.mtu !== d.link.mtu)
              changed.push({ k, before: before.get(k)?.link.mtu ?? 0, after: d.link.mtu });
          }
      }
    const effect = mtuEffect(b, s);
    if (changed.length === 0 || !effect) return undefined;
    return {
      code: this.code,
      title: `MTU changed on ${changed.map((c) => `${c.k} (${c.before} → ${c.after})`).join(", ")}, and the subject shows ${effect.what} ${effect.subj} vs ${effect.base}`,
      mechanism:
        "a frame larger than the next hop's MTU is fragmented (each fragment a packet of its own: headers, a route lookup, through a tunnel its own encapsulation) or, on a bridge or with DF set, dropped; VXLAN adds 50 bytes to every frame",
      confidence: confidenceOf(effect.z),
      evidence: [
        ...changed.map((c): Evidence => ({
          what: `${c.k} MTU`,
          baseline: String(c.before || "absent"),
          subject: String(c.after),
          source: "environment snapshot (ip -d link)",
        })),
        {
          what: effect.what,
          baseline: String(effect.base),
          subject: String(effect.subj),
          source: "/proc/net/snmp",
        },
      ],
    };
  },
};

/**
 * An offload that differs from the baseline on the same device (turned off, or on), with CPU per
 * packet (per KB for TCP) changed beyond noise — in either direction, since an offload turned on
 * explains a faster subject as much as one turned off explains a slower one.
 */
export const offloadChanged: Rule = {
  code: "OFFLOAD_CHANGED",
  evaluate(ctx) {
    const before = devices(ctx.b);
    // Only a device that carried the benchmark in one of the runs: an offload toggled on an idle
    // device changes no packet of the benchmark.
    const carried = carriedInEither(ctx.b, ctx.s);
    const changed: Evidence[] = [];
    for (const [k, d] of devices(ctx.s)) {
      const p = before.get(k);
      if (!p || !carried.has(k)) continue;
      for (const [f, o] of Object.entries(d.offloads)) {
        const was = p.offloads[f];
        if (was && was.on !== o.on)
          changed.push({
            what: `${k} ${f}`,
            baseline: was.on ? "on" : "off",
            subject: o.on ? "on" : "off",
            source: "environment snapshot (ethtool -k)",
          });
      }
    }
    // The effect: CPU per packet/KB beyond noise, or else the material rate gap itself (an offload
    // that stops segmentation in hardware halves a TCP flow before its cost per KB settles).
    const cost = costEffect(ctx);
    const effect = cost ?? (ctx.gap > 0 ? { change: ctx.gap / (1 - ctx.gap), z: 3 } : undefined);
    if (changed.length === 0 || !effect) return undefined;
    const unit = perPacket(ctx.b, ctx.s) ? "packet" : "KB";
    const costOf = (f: typeof ctx.b): number | undefined =>
      unit === "packet" ? f.cpuUsPerPacket : f.cpuUsPerKB;
    return {
      code: this.code,
      title: `offloads changed (${changed
        .slice(0, 3)
        .map((e) => `${e.what} ${e.baseline} → ${e.subject}`)
        .join(", ")}) and ${
        cost
          ? `CPU per ${unit} ${cost.change > 0 ? "rose" : "fell"} by ${Math.abs(cost.change * 100).toFixed(0)}%`
          : `throughput fell by ${(ctx.gap * 100).toFixed(0)}%`
      }`,
      mechanism:
        "without checksum, segmentation or receive offload the kernel checksums, segments or handles each packet in software; with them it handles fewer, larger ones",
      confidence: confidenceOf(effect.z),
      ...(effect.change > 0
        ? { explains: explainedShare(effect.change / (1 + effect.change), ctx) ?? 0 }
        : {}),
      evidence: [
        ...changed,
        {
          what: `CPU µs per ${unit}`,
          baseline: (costOf(ctx.b) ?? 0).toFixed(2),
          subject: (costOf(ctx.s) ?? 0).toFixed(2),
          source: `/proc/stat busy time less steal ÷ ${unit === "packet" ? "packets" : "KB"}`,
        },
      ],
    };
  },
};

/** An RPS CPU mask with no CPU in it ("0", "00000000,00000000"): RPS off on that queue. */
const rpsOff = (mask: string): boolean => /^[0,]*$/.test(mask);

/**
 * RPS masks that differ from the baseline's, with an effect RPS has: NET_RX work spread differently
 * over the CPUs, or NET_RX runs per packet changed the way the masks changed — a steered packet is
 * received once more, in a NET_RX softirq the target CPU runs after an inter-processor interrupt,
 * so turning RPS on adds softirqs per packet and turning it off removes them.
 */
export const rpsChanged: Rule = {
  code: "RPS_CHANGED",
  evaluate({ b, s }) {
    const before = devices(b);
    const carried = carriedInEither(b, s);
    const changed: Evidence[] = [];
    let turnedOn = 0;
    let turnedOff = 0;
    for (const [k, d] of devices(s)) {
      const p = before.get(k);
      if (!p || !carried.has(k)) continue;
      for (const [q, m] of Object.entries(d.rps)) {
        const was = p.rps[q];
        if (was === undefined || was === m) continue;
        if (rpsOff(was) && !rpsOff(m)) turnedOn++;
        if (!rpsOff(was) && rpsOff(m)) turnedOff++;
        changed.push({
          what: `${k} ${q} rps_cpus`,
          baseline: was,
          subject: m,
          source: "environment snapshot (sysfs)",
        });
      }
    }
    if (changed.length === 0) return undefined;
    const top = (f: RunFigures): number => {
      const v = Object.values(f.netRxByCpu);
      const total = v.reduce((a, x) => a + x, 0);
      return total > 0 ? Math.max(...v) / total : 0;
    };
    const tb = top(b);
    const ts = top(s);
    const moved = proportionChange(
      { events: tb * 1000, trials: 1000 },
      { events: ts * 1000, trials: 1000 },
      0.1,
    ).material;
    const softirqChange = softirqsPerPacketChange(b, s);
    // Only a change in the direction the masks imply: RPS turned on adds a NET_RX run per steered
    // packet, turned off removes one; masks that only moved between CPUs imply no direction.
    const expected = turnedOn > turnedOff ? 1 : turnedOff > turnedOn ? -1 : 0;
    const receivedAgain =
      softirqChange !== undefined &&
      softirqChange.material &&
      expected !== 0 &&
      Math.sign(softirqChange.change) === expected;
    if (!moved && !receivedAgain) return undefined;
    return {
      code: this.code,
      title: `RPS changed (${changed
        .slice(0, 2)
        .map((e) => `${e.what} ${e.baseline} → ${e.subject}`)
        .join(", ")}): ${
        moved
          ? `the busiest CPU's share of NET_RX softirqs went from ${(tb * 100).toFixed(0)}% to ${(ts * 100).toFixed(0)}%`
          : `network softirqs per packet went from ${num(b.softirqsPerPacket, 3)} to ${num(s.softirqsPerPacket, 3)}`
      }`,
      mechanism:
        "RPS hands received packets to other CPUs by flow hash: it spreads softirq work, at the cost of an inter-processor interrupt per batch and a second NET_RX run per steered packet",
      confidence: receivedAgain ? confidenceOf(softirqChange.z) : "medium",
      evidence: [
        ...changed.slice(0, 4),
        {
          what: "busiest CPU's share of NET_RX softirqs",
          baseline: `${(tb * 100).toFixed(0)}%`,
          subject: `${(ts * 100).toFixed(0)}%`,
          source: "/proc/softirqs per CPU",
        },
        {
          what: "NET_RX+NET_TX softirqs per packet",
          baseline: num(b.softirqsPerPacket, 3),
          subject: num(s.softirqsPerPacket, 3),
          source: `/proc/softirqs ÷ packets (${s.packetsSource})`,
        },
      ],
    };
  },
};
