import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { readlink } from "node:fs/promises";
import { componentLogger } from "../util/log.js";
import { readOptional } from "../util/read-optional.js";
import type { HostSample, NetnsDevices } from "./host-sample.js";
import { HwCounters, unsupportedInterval, type HwInterval } from "./hw-counters.js";
import type { PmuInventory } from "./perf-stat.js";
import { netDevDelta, parseNetDev, type DevCounters } from "./net-dev.js";
import { discoverNetns, type NetnsRef } from "./netns.js";
import { NetnsAnchors } from "./netns-anchor.js";
import { deltaOf, parseUnlessSame, type ParsedText } from "./parsed-text.js";
import { FULL_SCAN_EVERY } from "./full-scan.js";
import { parsePerCpuTable, tableDelta, type PerCpuTable } from "./per-cpu-table.js";
import { interruptsDelta } from "./proc-interrupts.js";
import { cpuPercent, parseProcStat, type CpuTimes, type ProcStat } from "./proc-stat.js";
import { parseSnmp, snmpDelta, type SnmpCounters } from "./snmp.js";
import { ProcessCpuTracker } from "./process-cpu.js";
import { CpuQuotaTracker } from "./cpu-quota.js";
import { conntrackDelta, parseConntrackStat, type ConntrackStat } from "./conntrack-stat.js";
import { parseSoftnet, softnetDelta, type SoftnetRow } from "./softnet.js";

const log = componentLogger("host-collector");

interface NetnsRaw {
  ref: NetnsRef;
  devices: ParsedText<DevCounters[], DevCounters[]>;
  /** snmp (Ip, Icmp, Tcp, Udp) and netstat (TcpExt, IpExt), which share one format. */
  snmp: ParsedText<SnmpCounters, SnmpCounters>;
  conntrack?: ConntrackStat;
}
const REDISCOVER_MS = 15_000;

/** One reading of the kernel's cumulative counters (since boot, or since a device appeared). */
export interface HostReading {
  at: number;
  stat: ProcStat;
  softirqs: PerCpuTable;
  interrupts: PerCpuTable;
  softnet: SoftnetRow[];
  netns: Map<number, NetnsRaw>;
}

export interface HostCollectorOptions {
  intervalMs: number;
  /** Only these namespaces (by inode); all discovered ones when absent. */
  netnsFilter?: ReadonlySet<number>;
  procRoot?: string;
  hardwareCounters?: boolean;
  /** resctrl mount point, for MBM memory bandwidth where no uncore PMU exists. */
  resctrlRoot?: string;
  /** How often namespaces are looked up again (default 15 s). */
  rediscoverMs?: number;
  /** PMU inventory override (tests). */
  pmu?: PmuInventory;
  /**
   * Pids known to have run this interval (the stack sampler's): read for per-process CPU
   * besides the processes that were busy before (see ProcessCpuTracker).
   */
  ranPids?: () => Iterable<number>;
}

function busy(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
}

/**
 * Reads /proc every interval and emits one HostSample of differences. Each interval is a handful
 * of file reads (no forks); namespaces without a process get an anchor once.
 */
export class HostCollector {
  private timer?: NodeJS.Timeout;
  private last?: HostReading;
  private readonly anchors = new NetnsAnchors();
  private readonly hw?: HwCounters;
  private hwLatest?: HwInterval;
  private netns: NetnsRef[] = [];
  private discoveredAt = 0;
  private inflight: Promise<void> = Promise.resolve();
  private readonly processes: ProcessCpuTracker;
  private readonly quotas = new CpuQuotaTracker();

  constructor(
    private readonly opts: HostCollectorOptions,
    private readonly onSample: (s: HostSample) => void,
  ) {
    this.processes = new ProcessCpuTracker(opts.procRoot);
    if (opts.hardwareCounters !== false)
      this.hw = new HwCounters(opts.intervalMs, (i) => (this.hwLatest = i), opts.pmu);
  }

  get hardware(): HwCounters | undefined {
    return this.hw;
  }

  async start(): Promise<void> {
    this.netns = await this.discover();
    await this.anchorNamespaces();
    this.last = await this.read();
    this.processes.sample();
    this.hw?.start();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Takes a final sample so the last partial interval is not lost; idempotent. */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      // The last interval reads every process, so per-process totals over the window are exact.
      await this.tick(true);
    }
    await this.inflight;
    await this.hw?.stop();
    // Anchors exist whenever a reading was taken, with or without the timer (sampleNow).
    this.anchors.release();
  }

  /**
   * Whether nf_conntrack is loaded (its per-namespace stat file then exists in every namespace):
   * looked at with each discovery, so a host without it does not pay a failed open per namespace
   * per interval.
   */
  private conntrackLoaded = false;

  private async discover(): Promise<NetnsRef[]> {
    this.conntrackLoaded = existsSync(`${this.opts.procRoot ?? "/proc"}/net/stat/nf_conntrack`);
    const all = await discoverNetns(this.opts.procRoot);
    this.discoveredAt = Date.now();
    return this.opts.netnsFilter ? all.filter((n) => this.opts.netnsFilter!.has(n.inode)) : all;
  }

  /**
   * Namespaces come and go (pods, labs): look again now and then, and drop the anchors of the
   * ones that were deleted; an anchor left behind would keep a deleted namespace alive.
   */
  private async rediscoverIfDue(): Promise<void> {
    if (Date.now() - this.discoveredAt < (this.opts.rediscoverMs ?? REDISCOVER_MS)) return;
    this.netns = await this.discover();
    this.anchors.retain(new Set(this.netns.flatMap((n) => n.names)));
    // A namespace that appeared is read from the next interval on (its anchor checks in first).
    await this.anchors.ensure(
      this.netns.filter((r) => r.pid === undefined).flatMap((r) => r.names.slice(0, 1)),
    );
  }

  /** The latest reading's cumulative counters (what node_exporter would export), after sampleNow or a tick. */
  get latest(): HostReading | undefined {
    return this.last;
  }

  /** One interval ending now (from the last reading), outside the timer: for benchmarks and tools. */
  async sampleNow(): Promise<HostSample> {
    if (!this.last) {
      this.netns = await this.discover();
      await this.anchorNamespaces();
      this.last = await this.read();
      this.processes.sample();
    }
    await this.rediscoverIfDue();
    const now = await this.read();
    const sample = this.diff(this.last, now, true);
    this.last = now;
    return sample;
  }

  /** Anchors must have entered their namespaces before the baseline, or the first interval is lost. */
  private async anchorNamespaces(): Promise<void> {
    const proc = this.opts.procRoot ?? "/proc";
    const unanchored = this.netns.filter((r) => r.pid === undefined && r.names[0] !== undefined);
    await this.anchors.ensure(unanchored.map((r) => r.names[0]!));
    const deadline = Date.now() + 3000;
    for (const ref of unanchored) {
      const pid = this.anchors.pidFor(ref.names[0]!);
      while (pid !== undefined && Date.now() < deadline) {
        const link = await readlink(`${proc}/${pid}/ns/net`).catch(() => "");
        if (link === `net:[${ref.inode}]`) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /** Intervals are read one after another: a slow read delays the next, never overlaps it. */
  private tick(final = false): Promise<void> {
    this.inflight = this.inflight.then(async () => {
      if (!this.last) return;
      try {
        await this.rediscoverIfDue();
        const now = await this.read(final);
        this.onSample(this.diff(this.last, now, final));
        this.last = now;
      } catch (e) {
        log.warn({ err: (e as Error).message }, "collector interval failed");
      }
    });
    return this.inflight;
  }

  private mbmBytes?: number;

  private readsSinceFull = 0;

  /**
   * `full`: read every namespace's SNMP counters. Otherwise a namespace whose devices moved nothing
   * since the last reading keeps its last SNMP reading (its counters barely move without a packet,
   * and what does move, such as a send with no route, is counted at the next full read, every
   * FULL_SCAN_EVERY intervals and at the end: window totals stay exact). On a node with 500 quiet
   * namespaces the two files were half of an interval's reads.
   */
  private async read(full = false): Promise<HostReading> {
    const fullRead = full || ++this.readsSinceFull >= FULL_SCAN_EVERY;
    if (fullRead) this.readsSinceFull = 0;
    if (this.hw) this.mbmBytes = await this.hw.resctrlBytes(this.opts.resctrlRoot).catch(() => undefined);
    const proc = this.opts.procRoot ?? "/proc";
    // Synchronous on purpose: each /proc file reads in 5-30 µs, while the async path costs four
    // thread-pool round trips per file, each a cross-CPU wakeup that lands on the benchmark's
    // saturated cores (10x the interval cost 8.9% of the packet rate for 3.4% of a core).
    const stat = readFileSync(`${proc}/stat`, "utf8");
    const softirqs = readFileSync(`${proc}/softirqs`, "utf8");
    const interrupts = readFileSync(`${proc}/interrupts`, "utf8");
    const softnet = readOptional(`${proc}/net/softnet_stat`) ?? "";
    const netns = new Map<number, NetnsRaw>();
    for (const ref of this.netns) {
      const pid = ref.pid ?? (ref.names[0] !== undefined ? this.anchors.pidFor(ref.names[0]) : undefined);
      if (pid === undefined) continue;
      try {
        // An anchor has entered its namespace only once exec'd: check before trusting its view.
        const link = readlinkSync(`${proc}/${pid}/ns/net`);
        if (link !== `net:[${ref.inode}]`) continue;
        const last = this.last?.netns.get(ref.inode);
        const devText = readFileSync(`${proc}/${pid}/net/dev`, "utf8");
        const quiet = !fullRead && last !== undefined && last.devices.text === devText;
        const snmpText = quiet
          ? last.snmp.text
          : readFileSync(`${proc}/${pid}/net/snmp`, "utf8") +
            (readOptional(`${proc}/${pid}/net/netstat`) ?? "");
        const ct = this.conntrackLoaded
          ? parseConntrackStat(readOptional(`${proc}/${pid}/net/stat/nf_conntrack`) ?? "")
          : undefined;
        netns.set(ref.inode, {
          ref,
          devices: parseUnlessSame(devText, last?.devices, parseNetDev),
          snmp: parseUnlessSame(snmpText, last?.snmp, parseSnmp),
          ...(ct ? { conntrack: ct } : {}),
        });
      } catch {
        // the process left; it is looked up again at the next discovery
      }
    }
    return {
      at: Date.now(),
      stat: parseProcStat(stat),
      softirqs: parsePerCpuTable(softirqs),
      interrupts: parsePerCpuTable(interrupts),
      softnet: parseSoftnet(softnet),
      netns,
    };
  }

  private diff(a: HostReading, b: HostReading, final = false): HostSample {
    const cpu = new Map<number, ReturnType<typeof cpuPercent>>();
    const busyJiffies = new Map<number, number>();
    for (const [n, t] of b.stat.cpus) {
      const p = a.stat.cpus.get(n);
      if (!p) continue; // CPU came online during the interval: no baseline yet
      cpu.set(n, cpuPercent(p, t));
      busyJiffies.set(n, Math.max(0, busy(t) - busy(p)));
    }
    const netns: NetnsDevices[] = [];
    for (const [inode, cur] of b.netns) {
      const prev = a.netns.get(inode);
      if (!prev) continue;
      const entry: NetnsDevices = {
        inode,
        names: cur.ref.names,
        devices: deltaOf(prev.devices, cur.devices, netDevDelta),
        snmp: deltaOf(prev.snmp, cur.snmp, snmpDelta),
      };
      if (cur.conntrack && prev.conntrack) entry.conntrack = conntrackDelta(prev.conntrack, cur.conntrack);
      netns.push(entry);
    }
    const sample: HostSample = {
      at: b.at,
      seconds: (b.at - a.at) / 1000,
      cpu,
      busyJiffies,
      softirqs: tableDelta(a.softirqs, b.softirqs),
      interrupts: interruptsDelta(a.interrupts, b.interrupts),
      softnet: softnetDelta(a.softnet, b.softnet),
      netns,
      processes: this.processes.sample(this.opts.ranPids?.() ?? [], final),
      cpuQuotas: [],
    };
    sample.cpuQuotas = this.quotas.sample(new Set(sample.processes.map((p) => p.cpuCgroup)));
    if (this.hw)
      sample.hw = this.hw.supported
        ? this.hwLatest
        : unsupportedInterval([...cpu.keys()], this.hw.inventory.reason ?? "no PMU");
    if (this.hw && this.mbmBytes !== undefined) {
      const base = sample.hw ?? unsupportedInterval([...cpu.keys()], this.hw.inventory.reason ?? "no PMU");
      sample.hw = { ...base, memory: { readBytes: this.mbmBytes, writeBytes: 0, combined: true } };
    }
    this.hwLatest = undefined;
    return sample;
  }
}
