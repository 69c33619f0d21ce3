import { benchmarkSettings, type BenchmarkSettings } from "../benchmarks/benchmark-settings.js";
import type { Latency } from "../benchmarks/benchmark-result.js";
import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import { PASS_THROUGH_QDISCS } from "../collectors/qdisc.js";
import { functionShares as sharesOf } from "../profile/function-shares.js";
import type { RunFile, RunSnapshot } from "../run/run-file.js";
import { CLASS_SETS, samplesPerClassSet } from "../profile/interval-stack-figures.js";
import { clusteredRatioSe, mean, standardError, type IntervalCounts } from "./noise.js";
import { pathDevice } from "../session/path-device.js";
import { poolRuns } from "./pooled-run.js";
import { busyPercent, cpuConfinement, workPercent, type CpuConfinement } from "./cpu-confinement.js";
import { receiveBuffer } from "./receive-buffer.js";
import type { SocketBufferFigure } from "./socket-buffer.js";
import { tcpBuffer, tcpEndpointNamespaces } from "./tcp-buffer.js";

/** USER_HZ: /proc/stat's busy time is in these ticks (percentages here, so only for clarity). */
const MIN_INTERVAL_SECONDS = 0.5;

export interface QdiscFigure {
  netns: string;
  device: string;
  kind: string;
  handle: string;
  /** Shaping rate in bit/s where the qdisc has one (tbf's rate; HTB's largest root class ceil). */
  rateBitsPerSecond?: number;
  /** Bytes it sent over the run, headers and encapsulation included; undefined where not recorded. */
  bytes?: number;
  packets: number;
  drops: number;
  overlimits: number;
}

export interface DepthFigure {
  mean: number;
  se: number;
  samples: number;
}

/** The numbers a diagnosis compares, each computed once from a run file with its source named. */
export interface RunFigures {
  label: string;
  protocol: string;
  packets: number;
  bytes: number;
  seconds: number;
  packetsPerSecond: number;
  bitsPerSecond: number;
  rateSource: string;
  packetsSource: string;
  /** Per interval: the benchmark's own packets/s where it reported intervals, else the busiest device's (not lo); the run's own noise. */
  rateSeries: number[];
  /** Per interval: bits/s, from the same source (TCP is compared in bits). */
  bitsSeries: number[];
  /** The busiest device's bits/s over the window: more than the benchmark's own means other traffic. */
  pathBitsPerSecond: number;
  pathPacketsPerSecond: number;
  pathDevice: string;
  /** Datagrams the benchmark sent per second (UDP), 0 when it does not count them. */
  sentPacketsPerSecond: number;
  /** The benchmark counted its own packets (UDP datagrams), so rates and costs can be per packet. */
  countsPackets: boolean;
  /** Per full interval: busy CPU µs per KB of the path's traffic. */
  cpuPerKBSeries: number[];
  /** All CPUs' working time (100 − idle − iowait − steal) over the snapshots. */
  busySeconds: number;
  /** Steal (the hypervisor running others on these vCPUs) as a share of all CPUs' time over the window. */
  stealShare: number;
  cpus: number;
  cpuUsPerPacket: number | undefined;
  cpuUsPerKB: number | undefined;
  cpuPerPacketSeries: number[];
  netSoftirqs: number;
  softirqsPerPacket: number | undefined;
  softirqsPerPacketSeries: number[];
  softirqsPerPacketByVector: Record<string, number>;
  /** Network softirq handler time per packet, from the softirq probe (ns). */
  softirqNsPerPacket: number | undefined;
  /** NET_RX softirqs per CPU over the window (RPS and IRQ affinity move them). */
  netRxByCpu: Record<string, number>;
  /** Function → share of busy stack samples containing it (inclusive). */
  functionShares: Map<string, number>;
  busySamples: number;
  /** Frame class → busy samples with at least one frame of it; "a+b" keys count samples with either. */
  classSamples: Map<string, number>;
  /** Per interval: busy samples and samples of each class set (keyed as classSamples). */
  classSeries: Map<string, IntervalCounts>;
  /** udp_sendmsg probe depth at each sampled device transmit (opt-in; se over transmits). */
  depth: { mean: number; se: number; max: number; samples: number } | undefined;
  /** The default stacks' depth below the entries: where the CPU was sampled, not the path's depth. */
  stackDepth: { send: DepthFigure | undefined; receive: DepthFigure | undefined };
  /** Per snapshot: the busiest core's sys+softirq+irq and the mean of the others. */
  /** Per full interval: its busiest core's kernel time; which repeat it came from where a side pools several. */
  saturation: Array<{ cpu: number; kernelPercent: number; othersBusyPercent: number; repeat?: number }>;
  deviceDrops: Array<{ device: string; netns: string; drops: number }>;
  udpRcvbufErrors: number;
  /**
   * Datagrams UDP dropped after finding their socket (Udp.InErrors: full receive buffers, the
   * host's UDP memory limit, bad checksums, socket filters); Udp.RcvbufErrors alone in runs that
   * kept no more.
   */
  udpReceiveErrors: number;
  /** The receive buffer the benchmark's UDP sockets had: its command line's request (iperf3 -w), else the sysctl. */
  receiveBuffer: SocketBufferFigure;
  /** The smallest socket buffer the run's TCP connections could grow; undefined without TCP ends or sysctls. */
  tcpBuffer: SocketBufferFigure | undefined;
  /** The TCP settings (sysctls) of each namespace where the run's TCP connections ended. */
  tcpSettings: Array<{ inode: number; names: string[]; settings: Record<string, string> }>;
  /**
   * Datagrams the benchmark itself counted lost (sent − received, tools that count both): its
   * own flow's loss wherever it happened, also where no counter overlayscope reads looks.
   */
  benchmarkLost: number;
  /** Per interval: packets lost (device drops, socket buffer errors, drops probe) out of lost + the path's packets. */
  lossSeries: IntervalCounts;
  /** Per interval: TCP segments retransmitted out of segments sent (all namespaces). */
  retransSeries: IntervalCounts;
  /** "Protocol.Metric" → sum over the window and every namespace (/proc/net/snmp and netstat). */
  snmp: Map<string, number>;
  /** Drop reason → packets (drops probe). */
  dropReasons: Map<string, number>;
  conntrack: Map<string, number>;
  conntrackEntriesMax: number;
  conntrackMax: number | undefined;
  qdiscs: QdiscFigure[];
  netfilterRules: number;
  environment?: EnvSnapshot;
  hardware: { supported: boolean; reason: string; totals: Record<string, number> };
  packetsSourceIsDevice: boolean;
  /** Where the packet count came from: the benchmark's report or the path's device counters. */
  processes: RunFile["processes"];
  processShares: RunFile["summary"]["processShares"];
  /** What the benchmark was asked to do (its command line), where the run launched a known tool. */
  benchmarkSettings: BenchmarkSettings | undefined;
  /** The benchmark's own processes (the command's name), never a competitor. */
  benchmarkComms: Set<string>;
  /** overlayscope's own processes: the daemon, its children (bpftrace) and the client that launched the benchmark. */
  ownPids: Set<number>;
  /** CPU-limited cgroups holding the benchmark's processes, with how long the limit stopped them. */
  cpuQuotas: CpuQuotaFigure[];
  /** The benchmark's processes confined to some CPUs (taskset, a cpuset), and how busy those were. */
  cpuConfinement: CpuConfinement | undefined;
  /** What changed in the environment between session start and stop. */
  environmentChanges: NonNullable<RunFile["environment"]>["changes"];
  /** The lab's id when the run crossed a lab topology: its namespaces are named "<id>-…". */
  labId?: string;
  /** Each repeat's own levels when a side pools several runs of one configuration (else empty). */
  repeats: Repeats;
  /** How each of the side's benchmark commands ended (one per run that launched one). */
  benchmarkExits: BenchmarkExit[];
  /**
   * Devices that carried at least a hundredth of the path device's packets over the window, as
   * "<netns inode>/<device>": the devices whose settings could have shaped the benchmark.
   */
  carriers: Set<string>;
  /** Tunnel devices (VXLAN, Geneve, GRE, …) that carried traffic, as "netns/device". */
  tunnelDevices: string[];
  /**
   * Packets those devices carried over the window per packet of the path: 1 when every packet
   * crossed one tunnel device, 2 when the sending and the receiving end are both recorded, 0 without.
   */
  tunnelShare: number;
  /** Packets those tunnel devices carried over the window (all traffic through them, not only the path's). */
  tunnelPackets: number;
  /** Stack samples per second per busy CPU: samples ÷ hz is CPU time. */
  stackHz: number;
  /** Round-trip latency the benchmark reported (sockperf ping-pong, under-load). */
  latency: Latency | undefined;
  /** The probes the run was recorded with (the run's probe list). */
  recordedProbes: string[];
  /** Each probe's time in the kernel over the window, largest first (probeCpuOf). */
  probeCpu: ProbeCpuFigure[];
  /** All probes' kernel time as a share of all CPUs' time over the window. */
  probeCpuShare: number;
  /** BPF programs not overlayscope's that ran during the window; undefined where not measured. */
  otherBpf: OtherBpfFigure | undefined;
}

export interface OtherBpfFigure {
  /** Their CPU (run time + dispatch) as a share of all CPUs' time over the window. */
  share: number;
  /** By program (name, type and holders), largest first. */
  programs: Array<{ label: string; share: number; runsPerSecond: number }>;
  source: string;
}

/**
 * The BPF programs other than overlayscope's own that ran during the window, grouped by what
 * they are (name, type, the processes holding them), from the run's two readings of the kernel's
 * BPF statistics. Undefined when the statistics were off (no probe switched them on) or the run
 * has no readings (runs before 2026-12-07).
 */
function otherBpfOf(run: RunFile): OtherBpfFigure | undefined {
  const r = run.bpfPrograms;
  if (!r?.statsEnabled || r.seconds <= 0 || run.host.cpus <= 0) return undefined;
  const by = new Map<string, { cpuSeconds: number; runs: number }>();
  for (const p of r.programs) {
    if (p.own) continue;
    const holders = p.holders.length
      ? `held by ${[...new Set(p.holders.map((h) => h.comm))].join(", ")}`
      : "held by no process";
    const label = `${p.name || `id ${p.id}`} (${p.type}, ${holders})`;
    const t = by.get(label) ?? { cpuSeconds: 0, runs: 0 };
    t.cpuSeconds += p.cpuSeconds;
    t.runs += p.runCount;
    by.set(label, t);
  }
  const all = r.seconds * run.host.cpus;
  const programs = [...by]
    .map(([label, t]) => ({ label, share: t.cpuSeconds / all, runsPerSecond: t.runs / r.seconds }))
    .sort((x, y) => y.share - x.share);
  return { share: programs.reduce((a, p) => a + p.share, 0), programs, source: r.source };
}

export interface ProbeCpuFigure {
  probe: string;
  variant: string;
  /** Its BPF programs' run time plus dispatch, as a share of all CPUs' time over the window. */
  share: number;
  eventsPerSecond: number;
}

/**
 * What overlayscope's own probes cost in the kernel, from each full interval's BPF run-time
 * statistics (run time measured, dispatch calibrated: src/probes/self-cost.ts), time-weighted.
 */
function probeCpuOf(intervals: readonly RunSnapshot[], cpus: number): ProbeCpuFigure[] {
  const seconds = intervals.reduce((a, i) => a + i.seconds, 0);
  if (seconds <= 0 || cpus <= 0) return [];
  const by = new Map<string, { variant: string; cpuSeconds: number; events: number }>();
  for (const i of intervals)
    for (const c of i.probeCosts) {
      const t = by.get(c.probe) ?? { variant: c.variant, cpuSeconds: 0, events: 0 };
      t.cpuSeconds += (c.cpuPercent / 100) * i.seconds;
      t.events += c.eventsPerSecond * i.seconds;
      by.set(c.probe, t);
    }
  return [...by]
    .map(([probe, t]) => ({
      probe,
      variant: t.variant,
      share: t.cpuSeconds / (seconds * cpus),
      eventsPerSecond: t.events / seconds,
    }))
    .sort((x, y) => y.share - x.share);
}

export interface CpuQuotaFigure {
  cgroup: string;
  /** The limit in CPUs (quota ÷ period) at the last interval that saw it stop something. */
  quotaCpus: number;
  throttledPeriods: number;
  periods: number;
  /** Time the cgroup's tasks were stopped over the run (summed over CPUs). */
  throttledSeconds: number;
  /** The benchmark's processes inside it, by name. */
  comms: string[];
  /** CPU time its processes used over the run (/proc/<pid>/stat): what the limit let them run. */
  cpuSeconds: number;
}

/**
 * The cpu-quota counters summed per cgroup, kept for cgroups that hold one of the benchmark's
 * processes (by name: the client and a server started beside it share it) or sit above one.
 */
function cpuQuotaFigures(
  run: RunFile,
  intervals: readonly RunSnapshot[],
  benchmark: ReadonlySet<string>,
): CpuQuotaFigure[] {
  const by = new Map<string, Omit<CpuQuotaFigure, "comms" | "cpuSeconds">>();
  for (const s of intervals)
    for (const c of s.counters) {
      if (c.probe !== "cpu-quota" || !c.attributes.cgroup) continue;
      const f = by.get(c.attributes.cgroup) ?? {
        cgroup: c.attributes.cgroup,
        quotaCpus: 0,
        throttledPeriods: 0,
        periods: 0,
        throttledSeconds: 0,
      };
      f.quotaCpus = Number(c.attributes.quotaCpus) || f.quotaCpus;
      if (c.metric === "periods") f.periods += c.value;
      else if (c.metric === "throttled_periods") f.throttledPeriods += c.value;
      else if (c.metric === "throttled_seconds") f.throttledSeconds += c.value;
      by.set(f.cgroup, f);
    }
  const inside = (p: string, g: string): boolean => p === g || p.startsWith(`${g}/`);
  return [...by.values()]
    .map((f) => {
      const held = run.processes.filter((p) => inside(p.cpuCgroup, f.cgroup));
      return {
        ...f,
        comms: [...new Set(held.filter((p) => benchmark.has(p.comm)).map((p) => p.comm))],
        cpuSeconds: held.reduce((a, p) => a + p.cpuSeconds, 0),
      };
    })
    .filter((f) => f.comms.length > 0)
    .sort((x, y) => y.throttledSeconds - x.throttledSeconds);
}

/** Device kinds that wrap each packet in another packet's headers (rtnetlink kind names). */
const TUNNEL_KINDS = new Set([
  "vxlan",
  "geneve",
  "gre",
  "gretap",
  "ip6gre",
  "ip6gretap",
  "ipip",
  "ip6tnl",
  "sit",
  "bareudp",
  "wireguard",
]);

/** Packets the run's tunnel devices carried (the busier direction per device and interval) or dropped. */
function tunnelTraffic(
  run: RunFile,
  intervals: readonly RunSnapshot[],
): { devices: string[]; packets: number } {
  const names = new Map<string, string>();
  for (const env of [run.environment?.start, run.environment?.stop])
    for (const n of env?.netns ?? [])
      for (const d of n.devices)
        if (TUNNEL_KINDS.has(d.link.rawKind ?? ""))
          names.set(`${n.inode}/${d.link.name}`, `${n.names[0] ?? n.inode}/${d.link.name}`);
  const used = new Set<string>();
  let packets = 0;
  for (const s of intervals)
    for (const d of s.devices) {
      const name = names.get(`${d.netns}/${d.device}`);
      // A packet the tunnel encapsulated and the underlay then dropped (a shaper's queue) counts as
      // the tunnel device's tx_dropped, not its tx_packets: it was worked on all the same.
      const pkts = (Math.max(d.rxPacketsPerSecond, d.txPacketsPerSecond) + d.dropsPerSecond) * s.seconds;
      if (name === undefined || pkts <= 0) continue;
      packets += pkts;
      used.add(name);
    }
  return { devices: [...used], packets };
}

export interface Repeats {
  runs: number;
  packetsPerSecond: number[];
  bitsPerSecond: number[];
  cpuUsPerPacket: number[];
  cpuUsPerKB: number[];
  softirqsPerPacket: number[];
  /** Each repeat's lost packets out of its packets (lostPackets). */
  lossFraction: number[];
  /** Each repeat's TCP segments retransmitted out of segments sent (repeats that sent TCP). */
  retransFraction: number[];
  /** Each repeat's mean round trip, µs (repeats whose benchmark reported latency). */
  latencyUs: number[];
}

/** A benchmark command's end: its exit status (null: still running when the session stopped) and how long it ran. */
export interface BenchmarkExit {
  code: number | null;
  seconds: number;
  /** The last line it printed on stderr, where a failed benchmark says why. */
  lastError?: string;
}

/** How the run's benchmark command ended, with the last non-empty line of its stderr tail. */
function benchmarkExit(c: NonNullable<RunFile["command"]>): BenchmarkExit {
  const said = c.errorOutput
    ?.split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return {
    code: c.exitCode,
    seconds: (c.endedAtMs - c.startedAtMs) / 1000,
    ...(said ? { lastError: said.slice(0, 300) } : {}),
  };
}

/**
 * A UDP datagram dropped at its socket counts in Udp.InErrors, a full receive buffer in
 * Udp.RcvbufErrors as well (udp.c: "an ENOMEM error is charged twice"): the larger is the drops.
 */
const udpDrops = (inErrors: number, rcvbufErrors: number): number => Math.max(inErrors, rcvbufErrors);

/**
 * Packets dropped, from the counters and the drops probe: a drop at a device or a UDP socket is
 * also a kfree_skb with its reason, so where the probe ran it saw those too — the larger of the
 * two, not their sum (which counted every socket-buffer drop twice).
 */
const seenDropped = (counters: number, byReason: number): number => Math.max(counters, byReason);

/** Packets the counters saw dropped: device drops and UDP drops at the socket, or the drops probe's reasons. */
export function countedLoss(f: RunFigures): number {
  return seenDropped(
    f.deviceDrops.reduce((a, d) => a + d.drops, 0) + f.udpReceiveErrors,
    [...f.dropReasons.values()].reduce((a, x) => a + x, 0),
  );
}

/**
 * Packets lost on the path: what the counters saw, or the benchmark's own count of its flow's loss
 * where that is larger — a datagram a netfilter rule drops on the underlay counts in no device,
 * socket or UDP counter (only the opt-in drops probe sees it), yet the receiver never got it.
 * The larger, not the sum: the counters' drops are mostly the benchmark's own datagrams.
 */
export function lostPackets(f: RunFigures): number {
  return Math.max(countedLoss(f), f.benchmarkLost);
}

const NO_REPEATS: Repeats = {
  runs: 1,
  packetsPerSecond: [],
  bitsPerSecond: [],
  cpuUsPerPacket: [],
  cpuUsPerKB: [],
  softirqsPerPacket: [],
  lossFraction: [],
  retransFraction: [],
  latencyUs: [],
};

/**
 * One side of a comparison: one run, or repeats of one configuration pooled (src/diagnose/
 * pooled-run.ts) with each repeat's levels kept for the noise estimate.
 */
export function sideFigures(runs: readonly RunFile[]): RunFigures {
  const fig = runFigures(poolRuns(runs));
  if (runs.length < 2) return fig;
  const each = runs.map((r) => runFigures(r));
  const defined = (xs: Array<number | undefined>): number[] => xs.filter((x): x is number => x !== undefined);
  fig.benchmarkExits = each.flatMap((f) => f.benchmarkExits);
  // Intervals of one run rise and fall together (a run whose core saturates does so throughout):
  // the repeat is the unit a share of intervals varies by, so each interval says which it is.
  fig.saturation = each.flatMap((f, repeat) => f.saturation.map((x) => ({ ...x, repeat })));
  fig.repeats = {
    runs: runs.length,
    packetsPerSecond: each.map((f) => f.packetsPerSecond),
    bitsPerSecond: each.map((f) => f.bitsPerSecond),
    cpuUsPerPacket: defined(each.map((f) => f.cpuUsPerPacket)),
    cpuUsPerKB: defined(each.map((f) => f.cpuUsPerKB)),
    softirqsPerPacket: defined(each.map((f) => f.softirqsPerPacket)),
    lossFraction: each
      .filter((f) => f.packets > 0)
      .map((f) => {
        const lost = lostPackets(f);
        return lost / (lost + f.packets);
      }),
    retransFraction: each
      .filter((f) => (f.snmp.get("Tcp.OutSegs") ?? 0) > 0)
      .map((f) => f.snmp.get("Tcp.RetransSegs")! / f.snmp.get("Tcp.OutSegs")!),
    latencyUs: defined(each.map((f) => f.latency?.avgUs)),
  };
  return fig;
}

const full = (s: RunSnapshot): boolean => !s.final && s.seconds >= MIN_INTERVAL_SECONDS;

/** Frames below an entry per interval, as total frames out of samples (a ratio, like a share). */
function entryDepthSeries(intervals: readonly RunSnapshot[], entry: "send" | "receive"): IntervalCounts {
  return intervals.map((i) => {
    const d = i.entryDepth.find((x) => x.entry === entry);
    return { events: d ? d.meanFrames * d.samples : 0, trials: d?.samples ?? 0 };
  });
}

/** Mean depth over the run's samples; its error the larger of the samples' and the intervals' (bursts). */
function depthFigure(
  buckets: ReadonlyArray<{ depth: number; samples: number }>,
  series: IntervalCounts,
): DepthFigure | undefined {
  const xs = buckets.flatMap((b) => Array<number>(Math.min(b.samples, 10_000)).fill(b.depth));
  if (xs.length === 0) return undefined;
  return { mean: mean(xs), se: Math.max(standardError(xs), clusteredRatioSe(series)), samples: xs.length };
}

/** Qdisc activity over the run: counters at stop minus at start, matched by namespace, device, handle. */
function qdiscFigures(run: RunFile): QdiscFigure[] {
  const env = run.environment;
  if (!env?.stop) return [];
  const start = new Map(
    env.start.netns.flatMap((n) =>
      (n.qdiscs ?? []).map((q) => [`${n.inode} ${q.device} ${q.handle}`, q] as const),
    ),
  );
  return env.stop.netns.flatMap((n) =>
    (n.qdiscs ?? [])
      .filter((q) => !PASS_THROUGH_QDISCS.has(q.kind))
      .map((q) => {
        const p = start.get(`${n.inode} ${q.device} ${q.handle}`);
        const rate = typeof q.options.rate === "number" ? q.options.rate * 8 : q.ceilBitsPerSecond;
        const bytes = q.bytes - (p?.bytes ?? 0);
        return {
          netns: n.names[0] ?? String(n.inode),
          device: q.device,
          kind: q.kind,
          handle: q.handle,
          ...(rate !== undefined ? { rateBitsPerSecond: rate } : {}),
          ...(bytes > 0 ? { bytes } : {}),
          packets: q.packets - (p?.packets ?? 0),
          drops: q.drops - (p?.drops ?? 0),
          overlimits: q.overlimits - (p?.overlimits ?? 0),
        };
      }),
  );
}

/**
 * The noise of the rate is measured on the figure compared: the benchmark's own per-interval
 * report where it printed one (the device's packets also carry other flows, so their spread is
 * not the benchmark's), else the path's device counters per interval.
 */
function benchmarkSeries(
  b: RunFile["benchmark"],
  deviceRates: number[],
  deviceBits: number[],
): { rateSeries: number[]; bitsSeries: number[] } {
  const own = (b?.intervals ?? []).filter((i) => i.seconds >= MIN_INTERVAL_SECONDS);
  if (own.length < 2) return { rateSeries: deviceRates, bitsSeries: deviceBits };
  const steady = (xs: number[]): number[] => {
    const sorted = xs.filter((x) => x > 0).sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return xs.filter((x) => x > 0 && x >= median / 2);
  };
  const packets = own.map((i) => i.packets / i.seconds);
  return {
    rateSeries: packets.some((p) => p > 0) ? steady(packets) : deviceRates,
    bitsSeries: steady(own.map((i) => i.bitsPerSecond)),
  };
}

/** Intervals carrying at least half the median rate: the benchmark was running through them. */
function activeIntervals(
  rate: number[],
  cpu: number[],
  softirq: number[],
  cpuKB: number[],
): { rate: number[]; cpu: number[]; softirq: number[]; cpuKB: number[]; keep: boolean[] } {
  const nonzero = rate.filter((r) => r > 0).sort((a, b) => a - b);
  const median = nonzero[Math.floor(nonzero.length / 2)] ?? 0;
  const keep = rate.map((r) => r > 0 && r >= median / 2);
  // cpu and softirq series hold an entry only for intervals with traffic (rate > 0).
  const withTraffic = keep.filter((_k, i) => rate[i]! > 0);
  return {
    rate: rate.filter((_r, i) => keep[i]),
    cpu: cpu.filter((_c, i) => withTraffic[i]),
    softirq: softirq.filter((_c, i) => withTraffic[i]),
    cpuKB: cpuKB.filter((_c, i) => withTraffic[i]),
    keep,
  };
}

/**
 * overlayscope's own processes in a run: the daemon that recorded it, its children, and the
 * client that launched the benchmark (the benchmark's parent, when that is not the daemon).
 */
function ownProcesses(run: RunFile): Set<number> {
  const daemon = run.host.daemonPid;
  if (daemon === undefined) return new Set();
  const own = new Set([daemon, ...run.processes.filter((p) => p.ppid === daemon).map((p) => p.pid)]);
  const bench = run.processes.find((p) => p.pid === run.command?.pid);
  if (bench && bench.ppid > 1) own.add(bench.ppid);
  // Named by the client itself: a benchmark that exited before any sample leaves no parent to find.
  if (run.command?.launcherPid) own.add(run.command.launcherPid);
  return own;
}

export function runFigures(run: RunFile): RunFigures {
  const b = run.benchmark;
  const intervals = run.snapshots.filter((s) => !s.final);
  // The path: the busiest device over the window, not loopback unless loopback carried the
  // benchmark (loopbackIsPath).
  const devTotals = new Map<
    string,
    { pkts: number; bits: number; name: string; device: string; at: string }
  >();
  for (const s of intervals)
    for (const d of s.devices) {
      const k = `${d.netnsName || d.netns}/${d.device}`;
      const t = devTotals.get(k) ?? {
        pkts: 0,
        bits: 0,
        name: k,
        device: d.device,
        at: `${d.netns}/${d.device}`,
      };
      t.pkts += Math.max(d.rxPacketsPerSecond, d.txPacketsPerSecond) * s.seconds;
      t.bits += Math.max(d.rxBitsPerSecond, d.txBitsPerSecond) * s.seconds;
      devTotals.set(k, t);
    }
  const path = pathDevice([...devTotals.values()], (t) => t.pkts);
  // A device that carried less than a hundredth of the path's packets carried no part of the
  // benchmark worth its settings (loopbackIsPath draws the same line).
  const carriers = new Set(
    [...devTotals.values()].filter((t) => t.pkts > 0 && t.pkts >= (path?.pkts ?? 0) / 100).map((t) => t.at),
  );
  const seconds = intervals.reduce((a, s) => a + s.seconds, 0);
  const pathRate = (s: RunSnapshot): number =>
    Math.max(
      0,
      ...s.devices
        .filter((d) => `${d.netnsName || d.netns}/${d.device}` === path?.name)
        .map((d) => Math.max(d.rxPacketsPerSecond, d.txPacketsPerSecond)),
    );
  // Without the benchmark's figures (a v1 run, or a run with no traffic report), the path's busiest
  // device stands in, and the sources say so.
  const fromDevice = !b || (b.packetsReceived === 0 && !b.packetsSource);
  const pathBits = (s: RunSnapshot): number =>
    Math.max(
      0,
      ...s.devices
        .filter((d) => `${d.netnsName || d.netns}/${d.device}` === path?.name)
        .map((d) => Math.max(d.rxBitsPerSecond, d.txBitsPerSecond)),
    );
  const packets = !fromDevice ? b.packetsReceived : Math.round(path?.pkts ?? 0);
  // The benchmark's rate where it reported one — or reported nothing delivered while counting
  // deliveries (every datagram lost: 0 is its rate, not a missing one).
  const ownRate = b !== undefined && (b.bitsPerSecond > 0 || !fromDevice);
  const bytes = ownRate ? (b.bitsPerSecond * b.seconds) / 8 : (path?.bits ?? 0) / 8;
  let busySeconds = 0;
  let stealSeconds = 0;
  let cpuSeconds = 0;
  let netSoftirqs = 0;
  let softirqNs = 0;
  const byVector: Record<string, number> = {};
  const netRxByCpu: Record<string, number> = {};
  const saturation: RunFigures["saturation"] = [];
  const drops = new Map<string, { device: string; netns: string; drops: number }>();
  const snmp = new Map<string, number>();
  const tcpReceivedByNetns = new Map<number, number>();
  const dropReasons = new Map<string, number>();
  const conntrack = new Map<string, number>();
  let ctEntriesMax = 0;
  const rateSeries: number[] = [];
  const bitsSeries: number[] = [];
  const cpuPerPacketSeries: number[] = [];
  const cpuPerKBSeries: number[] = [];
  const softirqSeries: number[] = [];
  const lossSeries: Array<{ events: number; trials: number }> = [];
  let udpReceiveErrors = 0;
  const retransSeries: Array<{ events: number; trials: number }> = [];
  for (const s of intervals) {
    let busy = 0;
    for (const c of s.cpus) {
      busy += (workPercent(c) / 100) * s.seconds;
      stealSeconds += (c.steal / 100) * s.seconds;
    }
    busySeconds += busy;
    cpuSeconds += s.cpus.length * s.seconds;
    let net = 0;
    for (const x of s.softirqs) {
      if (x.vector !== "NET_RX" && x.vector !== "NET_TX") continue;
      net += x.perSecond * s.seconds;
      softirqNs += x.probeTimeNsPerSecond * s.seconds;
      byVector[x.vector] = (byVector[x.vector] ?? 0) + x.perSecond * s.seconds;
      if (x.vector === "NET_RX") netRxByCpu[x.cpu] = (netRxByCpu[x.cpu] ?? 0) + x.perSecond * s.seconds;
    }
    netSoftirqs += net;
    if (full(s)) {
      const pps = pathRate(s);
      rateSeries.push(pps);
      bitsSeries.push(pathBits(s));
      if (pps > 0) {
        cpuPerPacketSeries.push((busy * 1e6) / (pps * s.seconds));
        const bits = pathBits(s);
        cpuPerKBSeries.push(bits > 0 ? (busy * 1e6) / ((bits * s.seconds) / 8 / 1024) : 0);
        softirqSeries.push(net / (pps * s.seconds));
      }
    }
    const kernel = s.cpus.map((c) => ({
      cpu: c.cpu,
      k: c.sys + c.softirq + c.irq,
      busy: busyPercent(c),
    }));
    const top = [...kernel].sort((x, y) => y.k - x.k)[0];
    if (top && full(s)) {
      const others = kernel.filter((k) => k.cpu !== top.cpu);
      saturation.push({
        cpu: top.cpu,
        kernelPercent: top.k,
        othersBusyPercent: others.length ? others.reduce((a, o) => a + o.busy, 0) / others.length : 0,
      });
    }
    let lost = 0;
    let byReason = 0;
    const seg = { events: 0, trials: 0 };
    for (const d of s.devices) {
      if (d.dropsPerSecond <= 0) continue;
      lost += d.dropsPerSecond * s.seconds;
      const k = `${d.netns}/${d.device}`;
      const prev = drops.get(k) ?? { device: d.device, netns: d.netnsName || String(d.netns), drops: 0 };
      prev.drops += d.dropsPerSecond * s.seconds;
      drops.set(k, prev);
    }
    const udp = { inErrors: 0, rcvbufErrors: 0 };
    for (const c of s.counters) {
      const a = c.attributes;
      if (c.probe === "snmp") {
        const key = `${a.protocol}.${c.metric}`;
        snmp.set(key, (snmp.get(key) ?? 0) + c.value);
        if (key === "Udp.InErrors") udp.inErrors += c.value;
        else if (key === "Udp.RcvbufErrors") udp.rcvbufErrors += c.value;
        else if (key === "Tcp.RetransSegs") seg.events += c.value;
        else if (key === "Tcp.OutSegs") seg.trials += c.value;
        else if (key === "Tcp.InSegs")
          tcpReceivedByNetns.set(Number(a.netns), (tcpReceivedByNetns.get(Number(a.netns)) ?? 0) + c.value);
      } else if (c.probe === "drops" && c.metric === "packets") {
        dropReasons.set(a.reason ?? "", (dropReasons.get(a.reason ?? "") ?? 0) + c.value);
        byReason += c.value;
      } else if (c.probe === "conntrack") {
        if (c.metric === "entries") ctEntriesMax = Math.max(ctEntriesMax, c.value);
        else conntrack.set(c.metric, (conntrack.get(c.metric) ?? 0) + c.value);
      }
    }
    const udpLost = udpDrops(udp.inErrors, udp.rcvbufErrors);
    udpReceiveErrors += udpLost;
    lost = seenDropped(lost + udpLost, byReason);
    lossSeries.push({ events: lost, trials: lost + pathRate(s) * s.seconds });
    retransSeries.push(seg);
  }
  // The benchmark's ramp-up and wind-down intervals are not steady-state noise: keep the active ones.
  const active = activeIntervals(rateSeries, cpuPerPacketSeries, softirqSeries, cpuPerKBSeries);
  const activeBits = bitsSeries.filter((_b, i) => rateSeries[i]! > 0 && active.keep[i]);
  const { shares: functionShares, busySamples } = sharesOf(run.profile.stacks);
  // The rules ask about classes and groups of them: a sample counts once when it holds frames of either.
  const classSamples = samplesPerClassSet(run.profile.stacks);
  const classSeries = new Map(
    CLASS_SETS.map((set) => [
      set.join("+"),
      intervals.map((i) => ({
        events: i.frameClasses.find((c) => c.frameClasses.join("+") === set.join("+"))?.samples ?? 0,
        trials: i.busySamples,
      })),
    ]),
  );
  let dn = 0;
  let dsum = 0;
  let dsq = 0;
  let dmax = 0;
  for (const s of run.snapshots)
    for (const d of s.callDepth) {
      dn += d.samples;
      dsum += d.depth * d.samples;
      dsq += d.depth * d.depth * d.samples;
      dmax = Math.max(dmax, d.depth);
    }
  const dsd = dn > 1 ? Math.sqrt(Math.max(0, (dsq - (dsum * dsum) / dn) / (dn - 1))) : 0;
  const env = run.environment?.start;
  const ctMaxes = (env?.netns ?? []).map((n) => n.conntrackMax).filter((x): x is number => x !== undefined);
  const tunnel = tunnelTraffic(run, intervals);
  const probeCpu = probeCpuOf(intervals, run.host.cpus);
  // Every packet the path carried, the benchmark's and any other traffic's: what the host-wide
  // softirq counts were spent on (the per-interval series divide by the path's rate too).
  const pathPackets = Math.max(packets, path?.pkts ?? 0);
  const comm = run.command
    ? (run.command.argv.find((a) => /iperf3|sockperf|netperf/.test(a)) ?? run.command.argv[0])
    : b?.tool;
  const benchmarkComms = new Set(comm ? [comm.split("/").pop()!] : []);
  const fig: RunFigures = {
    label: run.label || run.target,
    protocol: b?.protocol ?? "",
    packets,
    bytes,
    seconds: b?.seconds ?? seconds,
    packetsPerSecond:
      !fromDevice && b.seconds > 0 ? packets / b.seconds : seconds > 0 ? packets / seconds : 0,
    bitsPerSecond: ownRate ? b.bitsPerSecond : seconds > 0 ? (path?.bits ?? 0) / seconds : 0,
    rateSource: ownRate ? b.source : `device counters: ${path?.name ?? "none"}`,
    packetsSource: !fromDevice ? b.packetsSource : `device counters: ${path?.name ?? "none"}`,
    packetsSourceIsDevice: fromDevice || b.packetsSource.startsWith("device counters"),
    ...benchmarkSeries(b, active.rate, activeBits),
    pathBitsPerSecond: path && seconds > 0 ? path.bits / seconds : 0,
    pathPacketsPerSecond: path && seconds > 0 ? path.pkts / seconds : 0,
    sentPacketsPerSecond: b && b.seconds > 0 ? b.packetsSent / b.seconds : 0,
    benchmarkLost: !fromDevice && b.packetsSent > 0 ? Math.max(0, b.packetsSent - b.packetsReceived) : 0,
    countsPackets: !fromDevice && !b.packetsSource.startsWith("device counters"),
    cpuPerKBSeries: active.cpuKB,
    pathDevice: path?.name ?? "",
    busySeconds,
    stealShare: cpuSeconds > 0 ? stealSeconds / cpuSeconds : 0,
    cpus: run.host.cpus,
    cpuUsPerPacket: packets ? (busySeconds * 1e6) / packets : undefined,
    cpuUsPerKB: bytes ? (busySeconds * 1e6) / (bytes / 1024) : undefined,
    cpuPerPacketSeries: active.cpu,
    netSoftirqs,
    softirqsPerPacket: pathPackets ? netSoftirqs / pathPackets : undefined,
    softirqsPerPacketSeries: active.softirq,
    softirqNsPerPacket: pathPackets && softirqNs > 0 ? softirqNs / pathPackets : undefined,
    softirqsPerPacketByVector: Object.fromEntries(
      Object.entries(byVector).map(([k, v]) => [k, pathPackets ? v / pathPackets : 0]),
    ),
    netRxByCpu,
    functionShares,
    busySamples,
    classSamples,
    classSeries,
    depth: dn ? { mean: dsum / dn, se: dsd / Math.sqrt(dn), max: dmax, samples: dn } : undefined,
    stackDepth: {
      send: depthFigure(run.summary.callDepth.send, entryDepthSeries(intervals, "send")),
      receive: depthFigure(run.summary.callDepth.receive, entryDepthSeries(intervals, "receive")),
    },
    saturation,
    deviceDrops: [...drops.values()].sort((x, y) => y.drops - x.drops),
    udpRcvbufErrors: snmp.get("Udp.RcvbufErrors") ?? 0,
    udpReceiveErrors,
    receiveBuffer: receiveBuffer(run.command?.argv, env?.socketBuffers),
    tcpBuffer: tcpBuffer(run.command?.argv, run.environment, tcpReceivedByNetns),
    tcpSettings: tcpEndpointNamespaces(run.environment, tcpReceivedByNetns).flatMap((n) =>
      n.tcpSettings ? [{ inode: n.inode, names: n.names, settings: n.tcpSettings }] : [],
    ),
    lossSeries,
    retransSeries,
    snmp,
    dropReasons,
    conntrack,
    conntrackEntriesMax: ctEntriesMax,
    conntrackMax: ctMaxes.length ? Math.max(...ctMaxes) : undefined,
    qdiscs: qdiscFigures(run),
    netfilterRules: (env?.netns ?? []).reduce((a, n) => a + (n.netfilter?.rules ?? 0), 0),
    hardware: { supported: run.hardware.supported, reason: run.hardware.reason, totals: run.hardware.totals },
    processes: run.processes,
    processShares: run.summary.processShares,
    benchmarkSettings: benchmarkSettings(run.command?.argv),
    benchmarkComms,
    cpuQuotas: cpuQuotaFigures(run, intervals, benchmarkComms),
    cpuConfinement: cpuConfinement(run.processes, benchmarkComms, intervals),
    ownPids: ownProcesses(run),
    environmentChanges: run.environment?.changes ?? [],
    repeats: NO_REPEATS,
    benchmarkExits: run.command ? [benchmarkExit(run.command)] : [],
    carriers,
    tunnelDevices: tunnel.devices,
    tunnelShare: pathPackets > 0 ? tunnel.packets / pathPackets : 0,
    tunnelPackets: tunnel.packets,
    stackHz: run.profile.hz,
    latency: b?.latency,
    recordedProbes: run.probes.map((p) => p.name),
    probeCpu,
    probeCpuShare: probeCpu.reduce((a, p) => a + p.share, 0),
    otherBpf: otherBpfOf(run),
  };
  if (env) fig.environment = env;
  if (run.lab) fig.labId = run.lab.id;
  return fig;
}
