import type { HistBucket } from "../../bpftrace/messages.js";
import { histRows, numericRows, type IntervalBatch } from "../interval-batch.js";

export const SOFTIRQ_VECTORS = [
  "HI",
  "TIMER",
  "NET_TX",
  "NET_RX",
  "BLOCK",
  "IRQ_POLL",
  "TASKLET",
  "SCHED",
  "HRTIMER",
  "RCU",
] as const;

export function vectorName(vec: number): string {
  return SOFTIRQ_VECTORS[vec] ?? `VEC${vec}`;
}

export interface SoftirqCell {
  cpu: number;
  vector: string;
  count: number;
  timeNs: number;
  runtimeNs: HistBucket[];
  latencyNs: HistBucket[];
}

export interface SoftirqSnapshot {
  cells: SoftirqCell[];
}

export function parseSoftirq(batch: IntervalBatch): SoftirqSnapshot {
  const cells = new Map<string, SoftirqCell>();
  const cell = (cpu: number, vec: number): SoftirqCell => {
    const key = `${cpu},${vec}`;
    let c = cells.get(key);
    if (!c) {
      c = { cpu, vector: vectorName(vec), count: 0, timeNs: 0, runtimeNs: [], latencyNs: [] };
      cells.set(key, c);
    }
    return c;
  };
  for (const r of numericRows(batch, "@count", 2)) cell(r.keys[0]!, r.keys[1]!).count = r.value;
  for (const r of numericRows(batch, "@time_ns", 2)) cell(r.keys[0]!, r.keys[1]!).timeNs = r.value;
  for (const r of histRows(batch, "@runtime_ns", 2)) cell(r.keys[0]!, r.keys[1]!).runtimeNs = r.buckets;
  for (const r of histRows(batch, "@latency_ns", 2)) cell(r.keys[0]!, r.keys[1]!).latencyNs = r.buckets;
  return { cells: [...cells.values()].sort((a, b) => a.cpu - b.cpu || a.vector.localeCompare(b.vector)) };
}
