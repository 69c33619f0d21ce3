import type { BpftraceMessage, HistBucket } from "../bpftrace/messages.js";
import type { Counter } from "../bpftrace/json-line.js";
import type { IntervalBatch } from "./interval-batch.js";

/**
 * bpftrace cannot print and clear a map atomically: events landing between `print(@m)` and
 * `clear(@m)` are lost (we measured ~6% of UDP sends at 30k/s while stack maps were symbolised).
 * So counter and histogram maps are never cleared in the kernel; we print them cumulatively and
 * take differences here, per key and per bucket. A key that shrinks was reset: its value counts
 * from zero.
 */
export class CumulativeDelta {
  private readonly previous = new Map<string, BpftraceMessage>();

  constructor(private readonly cumulativeMaps: ReadonlySet<string>) {}

  apply(batch: IntervalBatch): IntervalBatch {
    const maps = new Map(batch.maps);
    for (const name of this.cumulativeMaps) {
      const cur = batch.maps.get(name);
      if (!cur) continue;
      const prev = this.previous.get(name);
      this.previous.set(name, cur);
      if (prev) maps.set(name, diffMessage(prev, cur));
    }
    return { ...batch, maps };
  }
}

function diffCounter(a: Counter | string | undefined, b: Counter | string): Counter | string {
  if (typeof b === "string" || typeof a === "string" || a === undefined) return b;
  if (typeof a === "bigint" || typeof b === "bigint") {
    const d = BigInt(b) - BigInt(a);
    return d < 0n ? b : d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : d;
  }
  return b >= a ? b - a : b;
}

function bucketKey(x: HistBucket): string {
  return `${x.min ?? ""}:${x.max ?? ""}`;
}

function diffHist(a: readonly HistBucket[] | undefined, b: readonly HistBucket[]): HistBucket[] {
  const prev = new Map((a ?? []).map((x) => [bucketKey(x), x.count]));
  return b.map((x) => {
    const p = prev.get(bucketKey(x)) ?? 0;
    return { ...x, count: x.count >= p ? x.count - p : x.count };
  });
}

function diffMessage(prev: BpftraceMessage, cur: BpftraceMessage): BpftraceMessage {
  if (cur.type === "map" && prev.type === "map") {
    if (cur.scalar !== undefined) return { ...cur, scalar: diffCounter(prev.scalar, cur.scalar) as Counter };
    const entries = new Map<string, Counter | string>();
    for (const [k, v] of cur.entries ?? []) entries.set(k, diffCounter(prev.entries?.get(k), v));
    return { ...cur, entries };
  }
  if (cur.type === "hist" && prev.type === "hist") {
    if (cur.scalar) return { ...cur, scalar: diffHist(prev.scalar, cur.scalar) };
    const entries = new Map<string, HistBucket[]>();
    for (const [k, v] of cur.entries ?? []) entries.set(k, diffHist(prev.entries?.get(k), v));
    return { ...cur, entries };
  }
  return cur;
}
