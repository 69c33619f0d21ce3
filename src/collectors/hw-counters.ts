import { memoryBytes, type CounterReading, type PerfSample } from "./perf-stat-parse.js";
import { CORE_EVENTS, memoryEvents, PerfStatRunner, pmuInventory, type PmuInventory } from "./perf-stat.js";
import { readResctrlMbm } from "./resctrl.js";

/** One interval of hardware counters: per core and event, each either a number or why not. */
export interface HwInterval {
  /** Seconds since the counters started (perf's own clock). */
  time: number;
  perCpu: Map<number, Map<string, CounterReading>>;
  /**
   * Memory traffic over the interval in bytes, or why it is not measurable. resctrl MBM counts
   * reads and writes together: it reports them as readBytes with `combined: true`.
   */
  memory: { readBytes: number; writeBytes: number; combined?: boolean } | { unsupported: string };
}

/** Every requested counter reported as unsupported with the reason: never as zero. */
export function unsupportedInterval(cpus: readonly number[], reason: string, time = 0): HwInterval {
  const perCpu = new Map<number, Map<string, CounterReading>>();
  for (const c of cpus)
    perCpu.set(c, new Map(CORE_EVENTS.map((e) => [e, { status: "unsupported", reason }])));
  return { time, perCpu, memory: { unsupported: reason } };
}

/** Groups perf samples (several lines per interval) into intervals, closed when the time moves on. */
export class HwIntervalBuilder {
  private current?: HwInterval;

  constructor(
    private readonly onInterval: (i: HwInterval) => void,
    private readonly memEvents: readonly string[],
  ) {}

  push(s: PerfSample): void {
    if (this.current && Math.abs(this.current.time - s.time) > 1e-6) this.flush();
    this.current ??= {
      time: s.time,
      perCpu: new Map(),
      memory:
        this.memEvents.length > 0
          ? { readBytes: 0, writeBytes: 0 }
          : { unsupported: "no uncore memory controller or data-fabric PMU on this machine" },
    };
    const cur = this.current;
    const memIndex = this.memEvents.indexOf(s.event);
    if (memIndex >= 0) {
      if (s.reading.status !== "ok") {
        cur.memory = { unsupported: s.reading.reason };
      } else if ("readBytes" in cur.memory) {
        const bytes = memoryBytes(s.reading.value, s.reading.unit, s.event);
        if (bytes === undefined)
          cur.memory = { unsupported: `unknown unit '${s.reading.unit}' for ${s.event}` };
        else if (memIndex === 0) cur.memory.readBytes += bytes;
        else cur.memory.writeBytes += bytes;
      }
      return;
    }
    let m = cur.perCpu.get(s.cpu);
    if (!m) cur.perCpu.set(s.cpu, (m = new Map<string, CounterReading>()));
    m.set(s.event, s.reading);
  }

  flush(): void {
    if (this.current) this.onInterval(this.current);
    this.current = undefined;
  }
}

/**
 * Hardware counters for a session. On a machine without a PMU nothing is spawned and every
 * interval says "unsupported" with the reason found in /sys/bus/event_source.
 */
export class HwCounters {
  readonly inventory: PmuInventory;
  private runner?: PerfStatRunner;
  private builder?: HwIntervalBuilder;

  constructor(
    private readonly intervalMs: number,
    private readonly onInterval: (i: HwInterval) => void,
    inventory?: PmuInventory,
  ) {
    this.inventory = inventory ?? pmuInventory();
  }

  get supported(): boolean {
    return this.inventory.core;
  }

  private mbmLast?: number;

  /**
   * Where no uncore PMU counts memory traffic but resctrl MBM is mounted, the bytes since the last
   * call (default monitoring group, all L3 domains); undefined when MBM is not usable.
   */
  async resctrlBytes(root = "/sys/fs/resctrl"): Promise<number | undefined> {
    if (!this.inventory.resctrlMbm || this.inventory.uncoreImc.length > 0 || this.inventory.amdDf)
      return undefined;
    const total = (await readResctrlMbm(root))
      .filter((r) => r.group === "default")
      .reduce((a, r) => a + r.totalBytes, 0);
    const prev = this.mbmLast;
    this.mbmLast = total;
    return prev === undefined || total < prev ? undefined : total - prev;
  }

  start(): void {
    if (!this.inventory.core) return;
    const mem = memoryEvents(this.inventory);
    this.builder = new HwIntervalBuilder(this.onInterval, mem);
    const b = this.builder;
    this.runner = new PerfStatRunner([...CORE_EVENTS, ...mem], this.intervalMs, (s) => b.push(s));
    this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.builder?.flush();
  }
}
