import type { HostSample } from "./host-sample.js";

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every architecture we run on. */
export const USER_HZ = 100;

export interface DeviceRate {
  netns: number;
  device: string;
  rxPps: number;
  txPps: number;
  rxBps: number;
  txBps: number;
  drops: number;
}

export interface DerivedFigures {
  devices: DeviceRate[];
  /** NET_RX + NET_TX softirqs per packet over `packets`. */
  softirqsPerPacket: number | undefined;
  /** All CPUs' busy time (user+sys+irq+softirq+steal) per packet and per KB: service demand. */
  cpuUsPerPacket: number | undefined;
  cpuUsPerKB: number | undefined;
  busiestCore: { cpu: number; busyPercent: number; dominant: string } | undefined;
  /** Hardware figures where counters exist; otherwise the reason. */
  cacheMissesPerPacket: number | string;
  memoryBytesPerNetworkByte: number | string;
}

export interface TrafficBasis {
  /** Packets and bytes that the work is "per": e.g. the benchmark's, or one device's. */
  packets: number;
  bytes: number;
}

/**
 * Figures for one sample (or a merged window). The basis is explicit because "per packet" means
 * different things on a sender and a forwarder; by default the busiest device in the sample.
 */
export function deriveFigures(s: HostSample, basis?: TrafficBasis): DerivedFigures {
  const secs = s.seconds > 0 ? s.seconds : 1;
  const devices: DeviceRate[] = s.netns.flatMap((ns) =>
    ns.devices.map((d) => ({
      netns: ns.inode,
      device: d.name,
      rxPps: d.rxPackets / secs,
      txPps: d.txPackets / secs,
      rxBps: (d.rxBytes * 8) / secs,
      txBps: (d.txBytes * 8) / secs,
      drops: d.rxDropped + d.txDropped,
    })),
  );
  const top = [...s.netns.flatMap((ns) => ns.devices)]
    .filter((d) => d.name !== "lo")
    .sort((a, b) => b.rxPackets - a.rxPackets)[0];
  const b = basis ?? (top ? { packets: top.rxPackets, bytes: top.rxBytes } : { packets: 0, bytes: 0 });
  const netSoftirqs = ["NET_RX", "NET_TX"]
    .map((v) => s.softirqs.rows.find((r) => r.key === v))
    .reduce((sum, r) => sum + [...(r?.counts.values() ?? [])].reduce((x, y) => x + y, 0), 0);
  const busyUs = [...s.busyJiffies.values()].reduce((x, y) => x + y, 0) * (1e6 / USER_HZ);
  let busiest: DerivedFigures["busiestCore"];
  for (const [cpu, p] of s.cpu) {
    const busyPct = 100 - p.idle - p.iowait;
    if (!busiest || busyPct > busiest.busyPercent) {
      const parts = { usr: p.usr + p.nice, sys: p.sys, irq: p.irq, softirq: p.soft, steal: p.steal };
      const dominant = Object.entries(parts).sort((x, y) => y[1] - x[1])[0]![0];
      busiest = { cpu, busyPercent: busyPct, dominant };
    }
  }
  let cacheMisses: number | string = "not measurable here: no hardware counters";
  let memPerByte: number | string = "not measurable here: no memory-bandwidth counters";
  if (s.hw) {
    let misses = 0;
    let reason: string | undefined;
    for (const m of s.hw.perCpu.values()) {
      const r = m.get("cache-misses");
      if (r?.status === "ok") misses += r.value;
      else if (r) reason = r.reason;
    }
    cacheMisses =
      reason !== undefined
        ? `not measurable here: ${reason}`
        : b.packets > 0
          ? misses / b.packets
          : "no packets in the window";
    memPerByte =
      "unsupported" in s.hw.memory
        ? `not measurable here: ${s.hw.memory.unsupported}`
        : b.bytes > 0
          ? (s.hw.memory.readBytes + s.hw.memory.writeBytes) / b.bytes
          : "no traffic in the window";
  }
  return {
    devices,
    softirqsPerPacket: b.packets > 0 ? netSoftirqs / b.packets : undefined,
    cpuUsPerPacket: b.packets > 0 ? busyUs / b.packets : undefined,
    cpuUsPerKB: b.bytes > 0 ? busyUs / (b.bytes / 1024) : undefined,
    busiestCore: busiest,
    cacheMissesPerPacket: cacheMisses,
    memoryBytesPerNetworkByte: memPerByte,
  };
}
