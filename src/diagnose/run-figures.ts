import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import type { RunFile } from "../run/run-file.js";
import { functionShares as sharesOf } from "../profile/function-shares.js";

/** The numbers a diagnosis compares, each computed once from a run file with its source named. */
export interface RunFigures {
  label: string;
  packets: number;
  bytes: number;
  packetsPerSecond: number;
  bitsPerSecond: number;
  /** All CPUs' busy time (100 − idle − iowait) over the snapshots. */
  busySeconds: number;
  cpuUsPerPacket: number | undefined;
  cpuUsPerKB: number | undefined;
  netSoftirqs: number;
  softirqsPerPacket: number | undefined;
  softirqsPerPacketByVector: Record<string, number>;
  /** Network softirq handler time per packet, from the softirq probe (ns). */
  softirqNsPerPacket: number | undefined;
  /** Function → share of busy stack samples containing it (inclusive). */
  functionShares: Map<string, number>;
  busySamples: number;
  depth: { mean: number; max: number; samples: number } | undefined;
  /** Per snapshot: the busiest core's sys+softirq+irq and the mean of the others. */
  saturation: Array<{ cpu: number; kernelPercent: number; othersBusyPercent: number }>;
  deviceDrops: Array<{ device: string; netns: string; drops: number }>;
  udpRcvbufErrors: number;
  environment?: EnvSnapshot;
  hardware: { supported: boolean; reason: string };
  /** Where the packet count came from: the benchmark's report or the path's device counters. */
  packetsSource: string;
  /** The top processes by CPU over the window. */
  processes: RunFile["processes"];
  /** What changed in the environment between session start and stop. */
  environmentChanges: NonNullable<RunFile["environment"]>["changes"];
}

export function runFigures(run: RunFile): RunFigures {
  const b = run.benchmark;
  const packets = b?.packetsReceived ?? 0;
  const bytes = b ? (b.bitsPerSecond * b.seconds) / 8 : 0;
  let busySeconds = 0;
  let netSoftirqs = 0;
  const byVector: Record<string, number> = {};
  const saturation: RunFigures["saturation"] = [];
  const drops = new Map<string, { device: string; netns: string; drops: number }>();
  let rcvbuf = 0;
  let softirqNs = 0;
  for (const s of run.snapshots) {
    if (s.final) continue;
    for (const c of s.cpus) busySeconds += ((100 - c.idle - c.iowait) / 100) * s.seconds;
    for (const x of s.softirqs) {
      if (x.vector !== "NET_RX" && x.vector !== "NET_TX") continue;
      netSoftirqs += x.perSecond * s.seconds;
      softirqNs += x.probeTimeNsPerSecond * s.seconds;
      byVector[x.vector] = (byVector[x.vector] ?? 0) + x.perSecond * s.seconds;
    }
    const kernel = s.cpus.map((c) => ({
      cpu: c.cpu,
      k: c.sys + c.softirq + c.irq,
      busy: 100 - c.idle - c.iowait,
    }));
    const top = [...kernel].sort((a, b2) => b2.k - a.k)[0];
    if (top) {
      const others = kernel.filter((k) => k.cpu !== top.cpu);
      saturation.push({
        cpu: top.cpu,
        kernelPercent: top.k,
        othersBusyPercent: others.length ? others.reduce((a, o) => a + o.busy, 0) / others.length : 0,
      });
    }
    for (const d of s.devices) {
      if (d.dropsPerSecond <= 0) continue;
      const k = `${d.netns}/${d.device}`;
      const prev = drops.get(k) ?? { device: d.device, netns: d.netnsName || String(d.netns), drops: 0 };
      prev.drops += d.dropsPerSecond * s.seconds;
      drops.set(k, prev);
    }
    for (const c of s.counters)
      if (c.probe === "snmp" && c.metric === "RcvbufErrors" && c.attributes.protocol === "Udp")
        rcvbuf += c.value;
  }
  const { shares: functionShares, busySamples } = sharesOf(run.profile.stacks);
  let dn = 0;
  let dsum = 0;
  let dmax = 0;
  for (const s of run.snapshots) {
    for (const d of s.callDepth) {
      dn += d.samples;
      dsum += d.depth * d.samples;
      dmax = Math.max(dmax, d.depth);
    }
  }
  const fig: RunFigures = {
    label: run.label || run.target,
    packets,
    bytes,
    packetsPerSecond: b ? packets / b.seconds : 0,
    bitsPerSecond: b?.bitsPerSecond ?? 0,
    busySeconds,
    cpuUsPerPacket: packets ? (busySeconds * 1e6) / packets : undefined,
    cpuUsPerKB: bytes ? (busySeconds * 1e6) / (bytes / 1024) : undefined,
    netSoftirqs,
    softirqsPerPacket: packets ? netSoftirqs / packets : undefined,
    softirqNsPerPacket: packets && softirqNs > 0 ? softirqNs / packets : undefined,
    softirqsPerPacketByVector: Object.fromEntries(
      Object.entries(byVector).map(([k, v]) => [k, packets ? v / packets : 0]),
    ),
    functionShares,
    busySamples,
    depth: dn ? { mean: dsum / dn, max: dmax, samples: dn } : undefined,
    saturation,
    deviceDrops: [...drops.values()].sort((a, c) => c.drops - a.drops),
    udpRcvbufErrors: rcvbuf,
    hardware: { supported: run.hardware.supported, reason: run.hardware.reason },
    packetsSource: b?.packetsSource || "no packet count in this run",
    processes: run.processes,
    environmentChanges: run.environment?.changes ?? [],
  };
  if (run.environment) fig.environment = run.environment.start;
  return fig;
}
