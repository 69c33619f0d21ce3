import type { HistBucket } from "../../bpftrace/messages.js";
import { histRows, numericRows, type IntervalBatch } from "../interval-batch.js";

export interface HardirqCell {
  cpu: number;
  irq: number;
  count: number;
  timeNs: number;
}

export interface HardirqSnapshot {
  cells: HardirqCell[];
  durationNs: Array<{ irq: number; buckets: HistBucket[] }>;
}

export function parseHardirq(batch: IntervalBatch): HardirqSnapshot {
  const cells = new Map<string, HardirqCell>();
  for (const r of numericRows(batch, "@count", 2)) {
    cells.set(r.keys.join(","), { cpu: r.keys[0]!, irq: r.keys[1]!, count: r.value, timeNs: 0 });
  }
  for (const r of numericRows(batch, "@time_ns", 2)) {
    const c = cells.get(r.keys.join(","));
    if (c) c.timeNs = r.value;
  }
  return {
    cells: [...cells.values()].sort((a, b) => a.irq - b.irq || a.cpu - b.cpu),
    durationNs: histRows(batch, "@duration_ns", 1).map((r) => ({ irq: r.keys[0]!, buckets: r.buckets })),
  };
}
