import { isOverlayFrame } from "../report/overlay-frames.js";
import type { RunFigures } from "./run-figures.js";

/** One named cause with its numbers and where they came from. Impact orders the report. */
export interface Finding {
  code: string;
  title: string;
  /** 0..1: the share of the gap or of the CPU this finding accounts for, roughly. */
  impact: number;
  evidence: Array<{ what: string; baseline?: string; subject: string; source: string }>;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? "n/a" : x.toFixed(digits));

export function throughputGap(b: RunFigures, s: RunFigures): Finding | undefined {
  if (!b.packetsPerSecond || !s.packetsPerSecond) return undefined;
  const gap = 1 - s.packetsPerSecond / b.packetsPerSecond;
  return {
    code: "THROUGHPUT_GAP",
    title: `${s.label} moves ${pct(Math.abs(gap))} ${gap >= 0 ? "fewer" : "more"} packets per second than ${b.label}; CPU per packet is ${fmt(s.cpuUsPerPacket)} µs vs ${fmt(b.cpuUsPerPacket)} µs`,
    impact: Math.max(0, gap),
    evidence: [
      {
        what: "packets/s received",
        baseline: b.packetsPerSecond.toFixed(0),
        subject: s.packetsPerSecond.toFixed(0),
        source: "iperf3's own report",
      },
      {
        what: "Mbit/s",
        baseline: (b.bitsPerSecond / 1e6).toFixed(1),
        subject: (s.bitsPerSecond / 1e6).toFixed(1),
        source: "iperf3's own report",
      },
      {
        what: "CPU µs per packet (all cores)",
        baseline: fmt(b.cpuUsPerPacket),
        subject: fmt(s.cpuUsPerPacket),
        source: "/proc/stat busy time over the window ÷ packets",
      },
      {
        what: "CPU µs per KB",
        baseline: fmt(b.cpuUsPerKB),
        subject: fmt(s.cpuUsPerKB),
        source: "/proc/stat busy time ÷ bytes",
      },
    ],
  };
}

export function addedFunctions(b: RunFigures, s: RunFigures): Finding | undefined {
  const added = [...s.functionShares]
    .map(([fn, share]) => ({ fn, share, base: b.functionShares.get(fn) ?? 0 }))
    .filter((x) => x.share - x.base >= 0.01)
    .sort((x, y) => y.share - y.base - (x.share - x.base));
  const overlay = added.filter((x) => isOverlayFrame(x.fn));
  if (overlay.length === 0) return undefined;
  // Encapsulation frames lead: they are the overlay's own work; bridge and netfilter follow.
  const encap = overlay.filter((x) =>
    /^(vxlan_|udp_tunnel|iptunnel_|ip_tunnel|gro_cells|geneve_)/.test(x.fn),
  );
  const top = [...encap.slice(0, 6), ...overlay.filter((x) => !encap.includes(x)).slice(0, 10)];
  return {
    code: "ADDED_KERNEL_FUNCTIONS",
    title: `the subject's kernel path adds ${overlay.length} overlay functions (${top
      .slice(0, 4)
      .map((x) => x.fn)
      .join(", ")}…), in ${pct(Math.max(...overlay.map((x) => x.share)))} of busy samples`,
    impact: Math.min(1, Math.max(...overlay.map((x) => x.share - x.base))),
    evidence: top.map((x) => ({
      what: x.fn,
      baseline: pct(x.base),
      subject: pct(x.share),
      source: `share of busy on-CPU stack samples (${b.busySamples} vs ${s.busySamples} samples, stacks probe)`,
    })),
  };
}

export function deeperPath(b: RunFigures, s: RunFigures): Finding | undefined {
  if (!b.depth || !s.depth || s.depth.mean <= b.depth.mean) return undefined;
  return {
    code: "DEEPER_CALL_PATH",
    title: `the send path is deeper: ${s.depth.mean.toFixed(1)} frames on average between udp_sendmsg and a device transmit (max ${s.depth.max}) vs ${b.depth.mean.toFixed(1)} (max ${b.depth.max})`,
    impact: Math.min(1, (s.depth.mean - b.depth.mean) / Math.max(1, s.depth.mean)),
    evidence: [
      {
        what: "mean frames below udp_sendmsg at transmit",
        baseline: b.depth.mean.toFixed(1),
        subject: s.depth.mean.toFixed(1),
        source: "udp_sendmsg probe: sampled stacks at net:net_dev_start_xmit",
      },
      {
        what: "max frames",
        baseline: String(b.depth.max),
        subject: String(s.depth.max),
        source: "udp_sendmsg probe",
      },
      {
        what: "stacks sampled",
        baseline: String(b.depth.samples),
        subject: String(s.depth.samples),
        source: "udp_sendmsg probe",
      },
    ],
  };
}

export function softirqsPerPacket(b: RunFigures, s: RunFigures): Finding | undefined {
  const moreCount =
    b.softirqsPerPacket !== undefined &&
    s.softirqsPerPacket !== undefined &&
    s.softirqsPerPacket > b.softirqsPerPacket * 1.05;
  const moreTime =
    b.softirqNsPerPacket !== undefined &&
    s.softirqNsPerPacket !== undefined &&
    s.softirqNsPerPacket > b.softirqNsPerPacket * 1.05;
  if (!moreCount && !moreTime) return undefined;
  const ratio = moreTime
    ? s.softirqNsPerPacket! / b.softirqNsPerPacket!
    : s.softirqsPerPacket! / b.softirqsPerPacket!;
  return {
    code: "MORE_SOFTIRQ_WORK_PER_PACKET",
    title: `each packet costs more network softirq work: ${fmt(s.softirqsPerPacket, 2)} softirqs and ${fmt(s.softirqNsPerPacket === undefined ? undefined : s.softirqNsPerPacket / 1000, 2)} µs of softirq time vs ${fmt(b.softirqsPerPacket, 2)} and ${fmt(b.softirqNsPerPacket === undefined ? undefined : b.softirqNsPerPacket / 1000, 2)} µs: every device an overlay packet crosses (veth, bridge, VXLAN, wire) is processed in softirq again`,
    impact: Math.min(1, 1 - 1 / ratio),
    evidence: [
      {
        what: "NET_RX+NET_TX softirqs per packet",
        baseline: fmt(b.softirqsPerPacket, 3),
        subject: fmt(s.softirqsPerPacket, 3),
        source: "/proc/softirqs over the window ÷ packets received (iperf3)",
      },
      {
        what: "network softirq time per packet (ns)",
        baseline: fmt(b.softirqNsPerPacket, 0),
        subject: fmt(s.softirqNsPerPacket, 0),
        source: "softirq probe (irq:softirq_entry/exit) ÷ packets received",
      },
      ...Object.keys({ ...b.softirqsPerPacketByVector, ...s.softirqsPerPacketByVector }).map((v) => ({
        what: `${v} per packet`,
        baseline: (b.softirqsPerPacketByVector[v] ?? 0).toFixed(3),
        subject: (s.softirqsPerPacketByVector[v] ?? 0).toFixed(3),
        source: "/proc/softirqs",
      })),
    ],
  };
}

export function coreSaturation(s: RunFigures): Finding | undefined {
  const hot = s.saturation.filter((x) => x.kernelPercent >= 85 && x.othersBusyPercent <= 60);
  if (hot.length === 0 || hot.length < s.saturation.length / 3) return undefined;
  const rps = s.environment?.netns.flatMap((n) => n.devices.flatMap((d) => Object.values(d.rps))) ?? [];
  const rpsOff = rps.length > 0 && rps.every((m) => /^[0,]+$/.test(m));
  return {
    code: "SINGLE_CORE_SATURATION",
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
  const total = s.deviceDrops.reduce((a, d) => a + d.drops, 0) + s.udpRcvbufErrors;
  if (total < 1) return undefined;
  return {
    code: "DROPS",
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
      ...(s.udpRcvbufErrors
        ? [
            {
              what: "UDP receive buffer errors",
              subject: String(s.udpRcvbufErrors),
              source: "/proc/net/snmp",
            },
          ]
        : []),
    ],
  };
}

export function memoryTraffic(b: RunFigures, s: RunFigures): Finding {
  const reason = !s.hardware.supported ? s.hardware.reason : !b.hardware.supported ? b.hardware.reason : "";
  return {
    code: "CACHE_AND_MEMORY",
    title: reason
      ? `cache misses and memory bandwidth per byte: not measurable here (${reason})`
      : "cache misses and memory bandwidth per byte: see the hardware counters in the runs",
    impact: 0,
    evidence: [
      {
        what: "hardware counters",
        baseline: b.hardware.supported ? "available" : "unsupported",
        subject: s.hardware.supported ? "available" : "unsupported",
        source: "perf stat / PMU inventory",
      },
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
