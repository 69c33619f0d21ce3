import type {
  HardwareSample,
  Interval,
  IntervalCounter,
  IntervalHistogram,
  ProcessCpu,
} from "./interval-model.js";
import { INTERVAL_TOP_PROCESSES } from "./interval-builder.js";
import { SNMP_GAUGE_NAMES } from "../collectors/snmp.js";
import type { IntervalStackFigures } from "../profile/interval-stack-figures.js";

/**
 * A session's intervals in bounded memory. A session may live a day at 100 ms intervals; keeping
 * every interval would grow without end. Up to MAX_KEPT intervals are kept as they came; when
 * full, neighbours are merged pairwise and later intervals are merged in groups of the same size
 * ("stride"), so the kept intervals always cover equal spans and per-interval statistics (the
 * diagnosis's noise estimates) stay comparable across the run.
 */
export const MAX_KEPT_INTERVALS = 512;
/** Events are rare (a probe exit, a full map); a merged interval keeps at most this many. */
const MAX_EVENTS = 50;

export class IntervalHistory {
  private readonly kept: Interval[] = [];
  /** Incoming intervals not yet merged into one of `stride`. */
  private group: Interval[] = [];
  private stride = 1;

  constructor(private readonly maxKept = MAX_KEPT_INTERVALS) {}

  push(i: Interval): void {
    this.group.push(i);
    if (this.group.length < this.stride) return;
    this.kept.push(mergeIntervals(this.group));
    this.group = [];
    if (this.kept.length >= this.maxKept) {
      const halved: Interval[] = [];
      for (let k = 0; k < this.kept.length; k += 2) halved.push(mergeIntervals(this.kept.slice(k, k + 2)));
      this.kept.splice(0, this.kept.length, ...halved);
      this.stride *= 2;
    }
  }

  /** How many raw intervals one kept interval stands for. */
  get intervalsPerEntry(): number {
    return this.stride;
  }

  /** Every interval so far, the unfinished group merged as the last one. */
  all(): Interval[] {
    return this.group.length ? [...this.kept, mergeIntervals(this.group)] : [...this.kept];
  }
}

/** A value averaged over time: each interval weighs by its length. */
function weighted<T>(
  parts: readonly Interval[],
  list: (i: Interval) => readonly T[],
  keyOf: (x: T) => string,
  fields: ReadonlyArray<keyof T>,
): T[] {
  const total = parts.reduce((a, i) => a + i.seconds, 0) || 1;
  const out = new Map<string, T>();
  for (const i of parts)
    for (const x of list(i)) {
      const k = keyOf(x);
      const acc = out.get(k) ?? { ...x, ...Object.fromEntries(fields.map((f) => [f, 0])) };
      for (const f of fields) (acc[f] as number) += ((x[f] as number) * i.seconds) / total;
      out.set(k, acc);
    }
  return [...out.values()];
}

const attrKey = (a: Record<string, string>): string =>
  Object.entries(a)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, v]) => `${k}=${v}`)
    .join("\u0000");

/**
 * Counters are per-interval deltas and add up; a rate (a unit "…/s") is averaged over time; a
 * level (conntrack entries, a qdisc's backlog, an SNMP gauge) is what the last interval saw.
 */
const LEVELS = new Set(["entries", "backlog", ...SNMP_GAUGE_NAMES]);

function mergeCounters(parts: readonly Interval[]): IntervalCounter[] {
  const total = parts.reduce((a, i) => a + i.seconds, 0) || 1;
  const out = new Map<string, IntervalCounter>();
  for (const i of parts)
    for (const c of i.counters) {
      const k = `${c.probe}\u0000${c.metric}\u0000${attrKey(c.attributes)}`;
      const rate = c.unit.endsWith("/s");
      const level = LEVELS.has(c.metric);
      const v = rate ? (c.value * i.seconds) / total : c.value;
      const prev = out.get(k);
      if (!prev || level) out.set(k, { ...c, value: v + (rate && prev ? prev.value : 0) });
      else prev.value += v;
    }
  return [...out.values()];
}

function mergeHistograms(parts: readonly Interval[]): IntervalHistogram[] {
  const out = new Map<string, IntervalHistogram>();
  for (const i of parts)
    for (const h of i.histograms) {
      const k = `${h.probe}\u0000${h.metric}\u0000${attrKey(h.attributes)}`;
      const acc = out.get(k) ?? { ...h, buckets: [] };
      for (const b of h.buckets) {
        const same = acc.buckets.find((x) => x.min === b.min && x.max === b.max);
        if (same) same.count += b.count;
        else acc.buckets.push({ ...b });
      }
      out.set(k, acc);
    }
  for (const h of out.values()) h.buckets.sort((a, b) => a.min - b.min);
  return [...out.values()];
}

function mergeHardware(parts: readonly Interval[]): HardwareSample | undefined {
  const samples = parts.flatMap((i) => (i.hardware ? [i.hardware] : []));
  if (!samples.length) return undefined;
  const last = samples.at(-1)!;
  const values = new Map<string, HardwareSample["values"][number]>();
  for (const s of samples)
    for (const v of s.values) {
      const k = `${v.cpu}\u0000${v.event}`;
      const prev = values.get(k);
      if (!prev) values.set(k, { ...v });
      else {
        prev.value += v.value;
        // Counted over the merged span only if counted in every part of it.
        if (!v.counted) Object.assign(prev, { counted: false, reason: v.reason });
      }
    }
  return {
    ...last,
    supported: samples.some((s) => s.supported),
    values: [...values.values()],
    memorySupported: samples.some((s) => s.memorySupported),
    memoryReadBytes: samples.reduce((a, s) => a + s.memoryReadBytes, 0),
    memoryWriteBytes: samples.reduce((a, s) => a + s.memoryWriteBytes, 0),
  };
}

function mergeProcesses(parts: readonly Interval[]): ProcessCpu[] {
  const out = new Map<string, ProcessCpu>();
  for (const i of parts)
    for (const p of i.processes) {
      const k = `${p.pid}\u0000${p.comm}`;
      const prev = out.get(k);
      if (prev) prev.cpuSeconds += p.cpuSeconds;
      else out.set(k, { ...p });
    }
  return [...out.values()].sort((a, b) => b.cpuSeconds - a.cpuSeconds).slice(0, INTERVAL_TOP_PROCESSES);
}

/** One interval standing for consecutive ones: the span of all, each figure merged by its kind. */
export function mergeIntervals(parts: readonly Interval[]): Interval {
  const last = parts.at(-1)!;
  if (parts.length === 1) return last;
  const depth = new Map<number, number>();
  for (const i of parts)
    for (const d of i.callDepth) depth.set(d.depth, (depth.get(d.depth) ?? 0) + d.samples);
  const hardware = mergeHardware(parts);
  return {
    seq: last.seq,
    atMs: last.atMs,
    seconds: parts.reduce((a, i) => a + i.seconds, 0),
    cpus: weighted(
      parts,
      (i) => i.cpus,
      (c) => String(c.cpu),
      ["usr", "nice", "sys", "iowait", "irq", "softirq", "steal", "idle"],
    ),
    softirqs: weighted(
      parts,
      (i) => i.softirqs,
      (s) => `${s.cpu}\u0000${s.vector}`,
      ["perSecond", "probePerSecond", "probeTimeNsPerSecond"],
    ),
    devices: weighted(
      parts,
      (i) => i.devices,
      (d) => `${d.netns}\u0000${d.device}`,
      ["rxPacketsPerSecond", "txPacketsPerSecond", "rxBitsPerSecond", "txBitsPerSecond", "dropsPerSecond"],
    ),
    probeCosts: weighted(
      parts,
      (i) => i.probeCosts,
      (c) => c.probe,
      ["eventsPerSecond", "cpuPercent"],
    ).map((c) => ({ ...c, ...latestCost(parts, c.probe) })),
    histograms: mergeHistograms(parts),
    counters: mergeCounters(parts),
    callDepth: [...depth].sort((a, b) => a[0] - b[0]).map(([d, samples]) => ({ depth: d, samples })),
    topFunctions: weighted(
      parts,
      (i) => i.topFunctions,
      (f) => f.function,
      ["share"],
    )
      .sort((a, b) => b.share - a.share)
      .slice(0, Math.max(...parts.map((i) => i.topFunctions.length))),
    events: parts.flatMap((i) => i.events).slice(-MAX_EVENTS),
    final: parts.some((i) => i.final),
    ...(hardware ? { hardware } : {}),
    processes: mergeProcesses(parts),
    ...mergeStackFigures(parts),
  };
}

/** Sample counts add; mean depths average over their samples. */
function mergeStackFigures(parts: readonly Interval[]): IntervalStackFigures {
  const classes = new Map<string, { frameClasses: string[]; samples: number }>();
  for (const i of parts)
    for (const c of i.frameClasses) {
      const k = c.frameClasses.join("\u0000");
      const prev = classes.get(k);
      if (prev) prev.samples += c.samples;
      else classes.set(k, { frameClasses: [...c.frameClasses], samples: c.samples });
    }
  const entryDepth = (["send", "receive"] as const).map((entry) => {
    const all = parts.flatMap((i) => i.entryDepth.filter((d) => d.entry === entry));
    const samples = all.reduce((a, d) => a + d.samples, 0);
    const frames = all.reduce((a, d) => a + d.meanFrames * d.samples, 0);
    return { entry, samples, meanFrames: samples ? frames / samples : 0 };
  });
  return {
    busySamples: parts.reduce((a, i) => a + i.busySamples, 0),
    frameClasses: [...classes.values()],
    entryDepth,
  };
}

/** Per-event costs are properties of the probe, not amounts: the latest measurement stands. */
function latestCost(
  parts: readonly Interval[],
  probe: string,
): { runNsPerEvent: number; dispatchNsPerEvent: number } {
  const c = parts
    .flatMap((i) => i.probeCosts)
    .filter((x) => x.probe === probe)
    .at(-1)!;
  return { runNsPerEvent: c.runNsPerEvent, dispatchNsPerEvent: c.dispatchNsPerEvent };
}
