import type { HostSample } from "../collectors/host-sample.js";
import type { HwInterval } from "../collectors/hw-counters.js";
import { QDISC_COUNTERS, type Qdisc } from "../collectors/qdisc.js";
import type { HistBucket } from "../bpftrace/messages.js";
import type { ProbeReading } from "../probes/probe-run.js";
import type { ProbeSelfCost } from "../probes/self-cost.js";
import { functionShares, type WeightedStack } from "../profile/function-shares.js";
import { intervalStackFigures } from "../profile/interval-stack-figures.js";
import { dropReasonNames } from "../probes/drop-reasons.js";
import { deviceMoved } from "../collectors/net-dev.js";
import { isSnmpGauge } from "../collectors/snmp.js";
import type {
  HardwareSample,
  Interval,
  IntervalCounter,
  IntervalHistogram,
  ProbeCostFigure,
  ProcessCpu,
  SessionEventValue,
} from "./interval-model.js";

/** How many processes each interval names: enough to show a competitor beside the benchmark. */
/** The processes an interval names, busiest first. */
export const INTERVAL_TOP_PROCESSES = 10;

function buckets(b: readonly HistBucket[]): IntervalHistogram["buckets"] {
  return b.filter((x) => x.count > 0).map((x) => ({ min: x.min ?? -1, max: x.max ?? -1, count: x.count }));
}

/** The stack samples the stacks probe reported in these readings. */
function stackSamples(readings: readonly ProbeReading[]): WeightedStack[] {
  return readings.flatMap((r) =>
    r.data.probe === "stacks" ? r.data.data.samples.map((x) => ({ ...x, samples: x.count })) : [],
  );
}

/** Share of busy samples whose stack contains each function, highest first. */
export function topFunctions(
  readings: readonly ProbeReading[],
  top = 20,
): Array<{ function: string; share: number }> {
  return [...functionShares(stackSamples(readings)).shares]
    .map(([fn, share]) => ({ function: fn, share }))
    .sort((a, b) => b.share - a.share)
    .slice(0, top);
}

export function probeCosts(readings: readonly ProbeReading[]): ProbeCostFigure[] {
  const latest = new Map<string, { r: ProbeReading; cost: ProbeSelfCost }>();
  for (const r of readings) if (r.cost) latest.set(r.probe, { r, cost: r.cost });
  return [...latest.values()].map(({ r, cost }) => ({
    probe: r.probe,
    variant: r.variant,
    eventsPerSecond: cost.eventsPerSec,
    runNsPerEvent: cost.runNsPerEvent,
    dispatchNsPerEvent: cost.dispatchNsPerEvent,
    cpuPercent: cost.cpuPercent,
  }));
}

/** Counters and histograms the probes reported, with attributes instead of composed names. */
function probeValues(readings: readonly ProbeReading[]): {
  counters: IntervalCounter[];
  histograms: IntervalHistogram[];
  depth: Map<number, number>;
  softirq: Map<string, { count: number; timeNs: number }>;
} {
  const counters: IntervalCounter[] = [];
  const histograms: IntervalHistogram[] = [];
  const depth = new Map<number, number>();
  const softirq = new Map<string, { count: number; timeNs: number }>();
  const hist = (
    probe: string,
    metric: string,
    attributes: Record<string, string>,
    b: readonly HistBucket[],
  ): void => {
    if (b.length) histograms.push({ probe, metric, unit: "ns", attributes, buckets: buckets(b) });
  };
  for (const r of readings) {
    const d = r.data;
    switch (d.probe) {
      case "softirq":
        for (const c of d.data.cells) {
          const k = `${c.cpu},${c.vector}`;
          const prev = softirq.get(k) ?? { count: 0, timeNs: 0 };
          softirq.set(k, { count: prev.count + c.count, timeNs: prev.timeNs + c.timeNs });
          if (c.vector !== "NET_RX" && c.vector !== "NET_TX") continue;
          const at = { cpu: String(c.cpu), vector: c.vector };
          hist("softirq", "runtime_ns", at, c.runtimeNs);
          hist("softirq", "latency_ns", at, c.latencyNs);
        }
        break;
      case "hardirq":
        for (const c of d.data.cells)
          counters.push({
            probe: "hardirq",
            metric: "interrupts",
            value: c.count,
            unit: "interrupts",
            attributes: { irq: String(c.irq), cpu: String(c.cpu) },
          });
        break;
      case "udp_sendmsg":
        for (const p of d.data.processes) {
          const at = { pid: String(p.pid), comm: p.comm };
          counters.push({
            probe: "udp_sendmsg",
            metric: "calls",
            value: p.calls,
            unit: "calls",
            attributes: at,
          });
          hist("udp_sendmsg", "latency_ns", at, p.latencyNs);
        }
        for (const b of d.data.depth) depth.set(b.depth, (depth.get(b.depth) ?? 0) + b.samples);
        break;
      case "vxlan":
        for (const f of d.data.functions) {
          const at = { function: f.fn };
          counters.push({ probe: "vxlan", metric: "calls", value: f.calls, unit: "calls", attributes: at });
          if (f.calls > 0 && f.timeNs > 0)
            counters.push({
              probe: "vxlan",
              metric: "ns_per_call",
              value: f.nsPerCall,
              unit: "ns",
              attributes: at,
            });
          hist("vxlan", "duration_ns", at, f.durationNs);
        }
        break;
      case "netdev":
        for (const dev of d.data.devices)
          for (const [direction, n] of [
            ["tx", dev.txPackets],
            ["rx", dev.rxPackets],
          ] as const)
            if (n)
              counters.push({
                probe: "netdev",
                metric: "packets",
                value: n,
                unit: "packets",
                attributes: { netns: String(dev.netns), ifindex: String(dev.ifindex), direction },
              });
        break;
      case "drops": {
        const names = dropReasonNames();
        for (const r of d.data.reasons)
          counters.push({
            probe: "drops",
            metric: "packets",
            value: r.packets,
            unit: "packets",
            attributes: {
              reason: names.get(r.reason) ?? `reason ${r.reason}`,
              code: String(r.reason),
              netns: String(r.netns),
            },
          });
        for (const l of d.data.locations)
          counters.push({
            probe: "drops",
            metric: "packets_at",
            value: l.packets,
            unit: "packets",
            attributes: { function: l.fn },
          });
        break;
      }
      case "stacks":
        break;
    }
  }
  return { counters, histograms, depth, softirq };
}

/** What the kernel counts anyway (/proc), as attributed counters: only what moved travels. */
function hostCounters(host: HostSample, per: (n: number) => number): IntervalCounter[] {
  const out: IntervalCounter[] = [];
  for (const l of host.interrupts)
    for (const [cpu, n] of l.counts)
      if (n > 0)
        out.push({
          probe: "interrupts",
          metric: "interrupts_per_second",
          value: per(n),
          unit: "interrupts/s",
          attributes: { irq: l.irq, name: l.name, cpu: String(cpu) },
        });
  for (const r of host.softnet)
    for (const [metric, v] of [
      ["dropped", r.dropped],
      ["time_squeeze", r.timeSqueeze],
    ] as const)
      if (v > 0)
        out.push({ probe: "softnet", metric, value: v, unit: "events", attributes: { cpu: String(r.cpu) } });
  for (const n of host.netns) {
    // A namespace's gauges (established connections, RTO settings, TTL) travel with its counters:
    // on a node with hundreds of quiet pods, their settings every interval were most of the run.
    const moved = [...(n.snmp ?? [])].some(([protocol, fields]) =>
      [...fields].some(([metric, v]) => v !== 0 && !isSnmpGauge(protocol, metric)),
    );
    if (!moved) continue;
    for (const [protocol, fields] of n.snmp ?? [])
      for (const [metric, v] of fields)
        if (v > 0)
          out.push({
            probe: "snmp",
            metric,
            value: v,
            unit: "count",
            attributes: { netns: String(n.inode), netnsName: n.names[0] ?? "", protocol },
          });
  }
  // A CPU limit's counters travel only where the limit stopped something: quiet limits are noise.
  for (const q of host.cpuQuotas)
    if (q.throttledPeriods > 0)
      for (const [metric, value, unit] of [
        ["periods", q.periods, "count"],
        ["throttled_periods", q.throttledPeriods, "count"],
        ["throttled_seconds", q.throttledSeconds, "seconds"],
      ] as const)
        out.push({
          probe: "cpu-quota",
          metric,
          value,
          unit,
          attributes: { cgroup: q.cgroup, quotaCpus: String(q.quotaCpus) },
        });
  for (const n of host.netns)
    for (const [metric, v] of n.conntrack ?? [])
      if (v > 0)
        out.push({
          probe: "conntrack",
          metric,
          value: v,
          unit: metric === "entries" ? "entries" : "events",
          attributes: { netns: String(n.inode), netnsName: n.names[0] ?? "" },
        });
  return out;
}

/** What queueing disciplines did since the last poll: only non-zero counters travel. */
function qdiscCounters(qdiscs: ReadonlyMap<number, readonly Qdisc[]>, host: HostSample): IntervalCounter[] {
  const names = new Map(host.netns.map((n) => [n.inode, n.names[0] ?? ""]));
  const out: IntervalCounter[] = [];
  for (const [inode, list] of qdiscs)
    for (const q of list)
      for (const metric of [...QDISC_COUNTERS, "backlog"] as const)
        if (q[metric] > 0)
          out.push({
            probe: "qdisc",
            metric,
            value: q[metric],
            unit: metric === "bytes" || metric === "backlog" ? "bytes" : "count",
            attributes: {
              netns: String(inode),
              netnsName: names.get(inode) ?? "",
              device: q.device,
              kind: q.kind,
              handle: q.handle,
              parent: q.parent,
            },
          });
  return out;
}

/** Hardware counters over the interval, each value counted or with the reason it is not. */
export function hardwareSample(hw: HwInterval): HardwareSample {
  const values: HardwareSample["values"] = [];
  let reason = "";
  let counted = 0;
  for (const [cpu, events] of hw.perCpu)
    for (const [event, r] of events) {
      if (r.status === "ok") {
        counted++;
        values.push({ cpu, event, value: r.value, counted: true, reason: "" });
      } else {
        reason ||= r.reason;
        values.push({ cpu, event, value: 0, counted: false, reason: r.reason });
      }
    }
  const supported = counted > 0;
  const mem = hw.memory;
  return {
    supported,
    reason: supported ? "" : reason || "no counter was read",
    // Without a PMU every value would repeat the same reason: the reason alone says it.
    values: supported ? values : [],
    memorySupported: !("unsupported" in mem),
    memoryReason: "unsupported" in mem ? mem.unsupported : "",
    memoryReadBytes: "unsupported" in mem ? 0 : mem.readBytes,
    memoryWriteBytes: "unsupported" in mem ? 0 : mem.writeBytes,
    memoryCombined: "unsupported" in mem ? false : (mem.combined ?? false),
  };
}

/**
 * Bytes and packets per second of every device that moved in the interval, per namespace. Idle
 * devices are left out: a node with hundreds of pods has hundreds of quiet veths, and their zero
 * rows made most of a run file (merged intervals read a missing row as zero).
 */
function deviceRates(host: HostSample, per: (n: number) => number): Interval["devices"] {
  return host.netns.flatMap((ns) =>
    ns.devices.filter(deviceMoved).map((d) => ({
      netns: ns.inode,
      netnsName: ns.names[0] ?? "",
      device: d.name,
      rxPacketsPerSecond: per(d.rxPackets),
      txPacketsPerSecond: per(d.txPackets),
      rxBitsPerSecond: per(d.rxBytes * 8),
      txBitsPerSecond: per(d.txBytes * 8),
      dropsPerSecond: per(d.rxDropped + d.txDropped),
    })),
  );
}

function topProcesses(host: HostSample): ProcessCpu[] {
  const names = new Map(host.netns.map((n) => [n.inode, n.names[0] ?? ""]));
  return host.processes
    .slice(0, INTERVAL_TOP_PROCESSES)
    .map((p) => ({ ...p, netnsName: names.get(p.netns) ?? "" }));
}

/**
 * One interval as clients see it: the host sample's rates, plus whatever the probes reported since
 * the previous interval (their intervals are not aligned to ours; each reading is used once).
 */
export function buildInterval(
  seq: number,
  host: HostSample | undefined,
  readings: readonly ProbeReading[],
  events: readonly SessionEventValue[],
  final: boolean,
  qdiscs?: ReadonlyMap<number, readonly Qdisc[]>,
): Interval {
  const seconds = host?.seconds ?? readings.reduce((m, r) => Math.max(m, r.seconds), 0);
  const per = (n: number): number => (seconds > 0 ? n / seconds : 0);
  const probe = probeValues(readings);
  const interval: Interval = {
    seq,
    atMs: host?.at ?? Date.now(),
    seconds,
    cpus: [],
    softirqs: [],
    devices: [],
    probeCosts: probeCosts(readings),
    histograms: probe.histograms,
    counters: probe.counters,
    callDepth: [...probe.depth].sort((a, b) => a[0] - b[0]).map(([depth, samples]) => ({ depth, samples })),
    topFunctions: topFunctions(readings),
    events: events.map((e) => ({ ...e })),
    final,
    processes: [],
    ...intervalStackFigures(stackSamples(readings)),
  };
  if (!host) return interval;
  interval.cpus = [...host.cpu].map(([cpu, p]) => ({
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
  interval.softirqs = host.softirqs.rows.flatMap((r) =>
    [...r.counts].map(([cpu, n]) => {
      const p = probe.softirq.get(`${cpu},${r.key}`);
      return {
        cpu,
        vector: r.key,
        perSecond: per(n),
        probePerSecond: per(p?.count ?? 0),
        probeTimeNsPerSecond: per(p?.timeNs ?? 0),
      };
    }),
  );
  interval.counters.push(...hostCounters(host, per));
  if (qdiscs) interval.counters.push(...qdiscCounters(qdiscs, host));
  interval.devices = deviceRates(host, per);
  interval.processes = topProcesses(host);
  if (host.hw) interval.hardware = hardwareSample(host.hw);
  return interval;
}
