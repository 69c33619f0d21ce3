import type { HostSample } from "../collectors/host-sample.js";
import { deriveFigures } from "../collectors/derived.js";
import type { Snapshot } from "../generated/overlayscope/v1/Snapshot.js";
import type { Histogram } from "../generated/overlayscope/v1/Histogram.js";
import type { Counter } from "../generated/overlayscope/v1/Counter.js";
import type { ProbeCost } from "../generated/overlayscope/v1/ProbeCost.js";
import type { HistBucket } from "../bpftrace/messages.js";
import type { ProbeReading } from "../probes/probe-run.js";
import { functionShares } from "../profile/function-shares.js";

export interface SessionEventValue {
  code: string;
  message: string;
}

function buckets(b: readonly HistBucket[]): Histogram["buckets"] {
  return b.filter((x) => x.count > 0).map((x) => ({ min: x.min ?? -1, max: x.max ?? -1, count: x.count }));
}

/** Share of busy samples whose stack contains each function, highest first. */
export function topFunctions(
  readings: readonly ProbeReading[],
  top = 20,
): Array<{ function: string; share: number }> {
  const stacks = readings.flatMap((r) =>
    r.data.probe === "stacks" ? r.data.data.samples.map((x) => ({ ...x, samples: x.count })) : [],
  );
  return [...functionShares(stacks).shares]
    .map(([fn, share]) => ({ function: fn, share }))
    .sort((a, b) => b.share - a.share)
    .slice(0, top);
}

export function probeCosts(readings: readonly ProbeReading[]): ProbeCost[] {
  const latest = new Map<string, ProbeReading>();
  for (const r of readings) if (!r.final) latest.set(r.probe, r);
  return [...latest.values()].map((r) => ({
    probe: r.probe,
    variant: r.variant,
    eventsPerSecond: r.cost.eventsPerSec,
    runNsPerEvent: r.cost.runNsPerEvent,
    dispatchNsPerEvent: r.cost.dispatchNsPerEvent,
    cpuPercent: r.cost.cpuPercent,
  }));
}

/**
 * One interval as clients see it: the host sample's rates, plus whatever the probes reported since
 * the previous snapshot (their intervals are not aligned to ours; each reading is used once).
 */
export function buildSnapshot(
  sessionId: string,
  seq: number,
  host: HostSample | undefined,
  readings: readonly ProbeReading[],
  events: readonly SessionEventValue[],
  final: boolean,
): Snapshot {
  const seconds = host?.seconds ?? readings.reduce((m, r) => Math.max(m, r.seconds), 0);
  const per = (n: number): number => (seconds > 0 ? n / seconds : 0);
  const probeSoftirq = new Map<string, { count: number; timeNs: number }>();
  const histograms: Histogram[] = [];
  const counters: Counter[] = [];
  const depth = new Map<number, number>();
  for (const r of readings) {
    const d = r.data;
    switch (d.probe) {
      case "softirq":
        for (const c of d.data.cells) {
          const k = `${c.cpu},${c.vector}`;
          const prev = probeSoftirq.get(k) ?? { count: 0, timeNs: 0 };
          probeSoftirq.set(k, { count: prev.count + c.count, timeNs: prev.timeNs + c.timeNs });
          if (c.vector === "NET_RX" || c.vector === "NET_TX") {
            histograms.push({
              probe: "softirq",
              name: `runtime_ns ${c.vector} cpu${c.cpu}`,
              unit: "ns",
              buckets: buckets(c.runtimeNs),
            });
            if (c.latencyNs.length)
              histograms.push({
                probe: "softirq",
                name: `latency_ns ${c.vector} cpu${c.cpu}`,
                unit: "ns",
                buckets: buckets(c.latencyNs),
              });
          }
        }
        break;
      case "hardirq":
        for (const c of d.data.cells)
          counters.push({
            probe: "hardirq",
            name: `irq${c.irq} cpu${c.cpu} count`,
            value: c.count,
            unit: "interrupts",
          });
        break;
      case "udp_sendmsg":
        for (const p of d.data.processes) {
          counters.push({
            probe: "udp_sendmsg",
            name: `${p.comm}[${p.pid}] calls`,
            value: p.calls,
            unit: "calls",
          });
          histograms.push({
            probe: "udp_sendmsg",
            name: `latency_ns ${p.comm}[${p.pid}]`,
            unit: "ns",
            buckets: buckets(p.latencyNs),
          });
        }
        for (const b of d.data.depth) depth.set(b.depth, (depth.get(b.depth) ?? 0) + b.samples);
        break;
      case "vxlan":
        for (const f of d.data.functions) {
          counters.push({ probe: "vxlan", name: `${f.fn} calls`, value: f.calls, unit: "calls" });
          if (f.calls > 0 && f.timeNs > 0)
            counters.push({ probe: "vxlan", name: `${f.fn} ns_per_call`, value: f.nsPerCall, unit: "ns" });
          if (f.durationNs.length)
            histograms.push({
              probe: "vxlan",
              name: `duration_ns ${f.fn}`,
              unit: "ns",
              buckets: buckets(f.durationNs),
            });
        }
        break;
      case "netdev":
        for (const dev of d.data.devices) {
          if (dev.txPackets)
            counters.push({
              probe: "netdev",
              name: `netns ${dev.netns} if${dev.ifindex} tx_packets`,
              value: dev.txPackets,
              unit: "packets",
            });
          if (dev.rxPackets)
            counters.push({
              probe: "netdev",
              name: `netns ${dev.netns} if${dev.ifindex} rx_packets`,
              value: dev.rxPackets,
              unit: "packets",
            });
        }
        break;
      case "stacks":
        break;
    }
  }
  const snap: Snapshot = {
    sessionId,
    seq,
    atMs: host?.at ?? Date.now(),
    seconds,
    cpus: [],
    softirqs: [],
    devices: [],
    probeCosts: probeCosts(readings),
    histograms,
    counters,
    callDepth: [...depth]
      .sort((a, b) => a[0] - b[0])
      .map(([depthValue, samples]) => ({ depth: depthValue, samples })),
    topFunctions: topFunctions(readings),
    events: events.map((e) => ({ ...e })),
    final,
  };
  if (host) {
    snap.cpus = [...host.cpu].map(([cpu, p]) => ({
      cpu,
      usr: p.usr,
      nice: p.nice,
      sys: p.sys,
      iowait: p.iowait,
      irq: p.irq,
      softirq: p.soft,
      steal: p.steal,
      idle: p.idle,
    }));
    snap.softirqs = host.softirqs.rows.flatMap((r) =>
      [...r.counts].map(([cpu, n]) => {
        const probe = probeSoftirq.get(`${cpu},${r.key}`);
        return {
          cpu,
          vector: r.key,
          perSecond: per(n),
          probePerSecond: per(probe?.count ?? 0),
          probeTimeNsPerSecond: per(probe?.timeNs ?? 0),
        };
      }),
    );
    const names = new Map(host.netns.map((n) => [n.inode, n.names[0] ?? ""]));
    // Interrupt lines and softnet trouble per CPU: only what moved in this interval travels.
    for (const l of host.interrupts) {
      for (const [cpu, n] of l.counts) {
        if (n > 0)
          counters.push({
            probe: "interrupts",
            name: `${l.irq} ${l.name} cpu${cpu}`.trim(),
            value: per(n),
            unit: "interrupts/s",
          });
      }
    }
    for (const r of host.softnet) {
      if (r.dropped > 0)
        counters.push({ probe: "softnet", name: `cpu${r.cpu} dropped`, value: r.dropped, unit: "packets" });
      if (r.timeSqueeze > 0)
        counters.push({
          probe: "softnet",
          name: `cpu${r.cpu} time_squeeze`,
          value: r.timeSqueeze,
          unit: "events",
        });
    }
    // Socket-buffer drops are the classic small-packet loss; only non-zero counters travel.
    for (const n of host.netns) {
      for (const key of ["RcvbufErrors", "SndbufErrors", "InErrors"]) {
        const v = n.snmp?.get("Udp")?.get(key) ?? 0;
        if (v > 0)
          counters.push({
            probe: "snmp",
            name: `${n.names[0] ?? n.inode} Udp.${key}`,
            value: v,
            unit: "packets",
          });
      }
    }
    snap.devices = deriveFigures(host).devices.map((d) => ({
      netns: d.netns,
      netnsName: names.get(d.netns) ?? "",
      device: d.device,
      rxPacketsPerSecond: d.rxPps,
      txPacketsPerSecond: d.txPps,
      rxBitsPerSecond: d.rxBps,
      txBitsPerSecond: d.txBps,
      dropsPerSecond: per(d.drops),
    }));
  }
  return snap;
}
