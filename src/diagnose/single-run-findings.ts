import type { Finding } from "./finding.js";
import type { RunFigures } from "./run-figures.js";

/**
 * What one run shows on its own, without a baseline: for a multi-host run read host by host.
 * These are notes (kind "note"): only a comparison with a baseline can name a cause.
 */
const MECHANISM = {
  SINGLE_CORE_SATURATION: "the kernel steers a flow to one CPU; when it is full, idle cores do not help",
  DROPS: "every dropped packet was paid for on the path and never delivered",
  MTU_MISMATCH: "a frame larger than the next hop's MTU is fragmented or dropped; VXLAN adds 50 bytes",
  OFFLOAD_DISABLED: "without offloads the kernel checksums, segments or merges each packet in software",
} as const;

export function coreSaturation(s: RunFigures): Finding | undefined {
  const hot = s.saturation.filter((x) => x.kernelPercent >= 85 && x.othersBusyPercent <= 60);
  if (hot.length === 0 || hot.length < s.saturation.length / 3) return undefined;
  const rps = s.environment?.netns.flatMap((n) => n.devices.flatMap((d) => Object.values(d.rps))) ?? [];
  const rpsOff = rps.length > 0 && rps.every((m) => /^[0,]+$/.test(m));
  return {
    code: "SINGLE_CORE_SATURATION",
    kind: "note",
    mechanism: MECHANISM["SINGLE_CORE_SATURATION"],
    confidence: "low",
    title: `one core is saturated with kernel work (${Math.max(...hot.map((h) => h.kernelPercent)).toFixed(0)}% sys+softirq+irq) while the others are mostly idle: the kernel spreads work per flow, not per packet${rpsOff ? "; RPS is off on every device" : ""}`,
    impact: hot.length / s.saturation.length,
    evidence: [
      {
        what: "intervals with one core ≥85% kernel time and the rest ≤60% busy",
        subject: `${hot.length} of ${s.saturation.length}`,
        source: "/proc/stat per core",
      },
      {
        what: "RPS masks",
        subject: rps.length ? (rpsOff ? "all 0 (off)" : "set on some devices") : "not recorded",
        source: "environment snapshot (sysfs rps_cpus)",
      },
      {
        what: "what would help",
        subject: "more parallel flows (-P), RPS/RFS on the receiving devices",
        source: "kernel steers packets by flow hash",
      },
    ],
  };
}

export function drops(s: RunFigures): Finding | undefined {
  const total = s.deviceDrops.reduce((a, d) => a + d.drops, 0) + s.udpReceiveErrors;
  if (total < 1) return undefined;
  return {
    code: "DROPS",
    kind: "note",
    mechanism: MECHANISM["DROPS"],
    confidence: "low",
    title: `${total.toFixed(0)} packets were dropped on the path (${
      s.deviceDrops
        .slice(0, 3)
        .map((d) => `${d.netns}/${d.device}`)
        .join(", ") || "socket buffers"
    })`,
    impact: s.packets ? Math.min(1, total / s.packets) : 0.1,
    evidence: [
      ...s.deviceDrops.slice(0, 6).map((d) => ({
        what: `${d.netns}/${d.device} drops`,
        subject: d.drops.toFixed(0),
        source: "/proc/<pid>/net/dev in that namespace",
      })),
      ...(s.udpReceiveErrors
        ? [
            {
              what: "UDP datagrams dropped at their socket (of them: full receive buffers)",
              subject: `${s.udpReceiveErrors} (${s.udpRcvbufErrors})`,
              source: "/proc/net/snmp Udp.InErrors (Udp.RcvbufErrors)",
            },
          ]
        : []),
    ],
  };
}

/** Offloads off, MTUs that force fragmentation: read from the subject's environment snapshot. */
/** Features on by default for every device kind we build; GRO is off by default on veth. */
const DEFAULT_ON = ["tx-checksumming", "rx-checksumming", "generic-segmentation-offload"];

export function configurationCauses(s: RunFigures, b?: RunFigures): Finding[] {
  const env = s.environment;
  if (!env) return [];
  // A feature counts as "turned off" when it is off here but on for a device of the same kind in
  // the baseline, or when it is one the kernel enables by default.
  const onInBaseline = new Set<string>();
  for (const ns of b?.environment?.netns ?? [])
    for (const d of ns.devices)
      for (const [f, o] of Object.entries(d.offloads)) if (o.on) onInBaseline.add(`${d.link.kind}:${f}`);
  const out: Finding[] = [];
  const offloadOff: Array<{ dev: string; feature: string }> = [];
  for (const ns of env.netns) {
    const nsName = ns.names[0] ?? String(ns.inode);
    for (const d of ns.devices) {
      if (d.link.kind === "loopback") continue;
      for (const f of ["generic-receive-offload", ...DEFAULT_ON]) {
        const o = d.offloads[f];
        if (o && !o.on && !o.fixed && (DEFAULT_ON.includes(f) || onInBaseline.has(`${d.link.kind}:${f}`))) {
          offloadOff.push({ dev: `${nsName}/${d.link.name}`, feature: f });
        }
      }
    }
    const vx = ns.devices.filter((d) => d.link.kind === "vxlan");
    for (const v of vx) {
      const underlay = ns.devices.find((d) => d.link.name === v.link.vxlan?.underlay);
      const bridged = ns.devices.filter(
        (d) => v.link.master !== undefined && d.link.master === v.link.master && d !== v,
      );
      const tooBig = bridged.filter((d) => d.link.mtu > v.link.mtu);
      if (underlay && v.link.mtu > underlay.link.mtu - 50) {
        out.push({
          code: "MTU_MISMATCH",
          kind: "note",
          mechanism: MECHANISM["MTU_MISMATCH"],
          confidence: "low",
          title: `${nsName}/${v.link.name} has MTU ${v.link.mtu} but its underlay ${underlay.link.name} has ${underlay.link.mtu}: VXLAN adds 50 bytes, so full-size packets are fragmented or dropped`,
          impact: 0.5,
          evidence: [
            {
              what: `${v.link.name} MTU vs underlay`,
              subject: `${v.link.mtu} vs ${underlay.link.mtu}`,
              source: "environment snapshot (ip -d link)",
            },
          ],
        });
      }
      for (const d of tooBig) {
        out.push({
          code: "MTU_MISMATCH",
          kind: "note",
          mechanism: MECHANISM["MTU_MISMATCH"],
          confidence: "low",
          title: `${nsName}/${d.link.name} (MTU ${d.link.mtu}) is bridged with ${v.link.name} (MTU ${v.link.mtu}): frames above ${v.link.mtu} cannot be encapsulated`,
          impact: 0.4,
          evidence: [
            {
              what: `${d.link.name} MTU vs ${v.link.name}`,
              subject: `${d.link.mtu} vs ${v.link.mtu}`,
              source: "environment snapshot (ip -d link)",
            },
          ],
        });
      }
    }
  }
  if (offloadOff.length) {
    out.push({
      code: "OFFLOAD_DISABLED",
      kind: "note",
      mechanism: MECHANISM["OFFLOAD_DISABLED"],
      confidence: "low",
      title: `offloads are off: ${offloadOff
        .slice(0, 4)
        .map((o) => `${o.feature} on ${o.dev}`)
        .join(
          ", ",
        )}${offloadOff.length > 4 ? "…" : ""}; the kernel then segments, checksums or merges in software per packet`,
      impact: 0.3,
      evidence: offloadOff.map((o) => ({
        what: `${o.dev} ${o.feature}`,
        subject: "off",
        source: "environment snapshot (ethtool -k)",
      })),
    });
  }
  return out;
}
