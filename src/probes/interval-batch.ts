import type { BpftraceMessage, HistBucket } from "../bpftrace/messages.js";
import { counterToNumber } from "../bpftrace/json-line.js";
import { splitKey } from "../bpftrace/keys.js";

export const TICK_MARKER = "overlayscope:tick";

/** The maps one probe printed for one interval (or at exit). Absent map = all zero. */
export interface IntervalBatch {
  seq: number;
  final: boolean;
  maps: Map<string, BpftraceMessage>;
}

/** Groups a runner's messages into batches, closed by the tick every catalogue program prints. */
export class IntervalBatcher {
  private seq = 0;
  private pending = new Map<string, BpftraceMessage>();

  constructor(private readonly onBatch: (b: IntervalBatch) => void) {}

  push(msg: BpftraceMessage): void {
    if (msg.type === "printf" && msg.text.trim() === TICK_MARKER) {
      this.emit(false);
      return;
    }
    if (msg.type === "map" || msg.type === "hist" || msg.type === "stats") {
      // Exit-time dumps repeat a map after the last tick only if it was not cleared; merge by name.
      this.pending.set(msg.name, msg);
    }
  }

  /** Called when the process has exited: whatever it printed after the last tick. */
  flush(): void {
    if (this.pending.size > 0) this.emit(true);
  }

  private emit(final: boolean): void {
    const maps = this.pending;
    this.pending = new Map();
    this.onBatch({ seq: this.seq++, final, maps });
  }
}

export interface NumericRow {
  keys: number[];
  value: number;
}

/** Rows of a map keyed by `n` numbers (n = 0: the scalar as one row). */
export function numericRows(batch: IntervalBatch, name: string, n: number): NumericRow[] {
  const msg = batch.maps.get(name);
  if (!msg || msg.type !== "map") return [];
  if (msg.scalar !== undefined) return [{ keys: [], value: counterToNumber(msg.scalar) }];
  const out: NumericRow[] = [];
  for (const [k, v] of msg.entries ?? []) {
    if (typeof v === "string") continue;
    const key = splitKey(k, { numbers: n });
    if (key) out.push({ keys: key.numbers, value: counterToNumber(v) });
  }
  return out;
}

export interface HistRow {
  keys: number[];
  text?: string;
  buckets: HistBucket[];
}

export function histRows(batch: IntervalBatch, name: string, n: number, text = false): HistRow[] {
  const msg = batch.maps.get(name);
  if (!msg || msg.type !== "hist") return [];
  if (msg.scalar) return [{ keys: [], buckets: msg.scalar }];
  const out: HistRow[] = [];
  for (const [k, buckets] of msg.entries ?? []) {
    const key = splitKey(k, { numbers: n, text });
    if (!key) continue;
    const row: HistRow = { keys: key.numbers, buckets };
    if (key.text !== undefined) row.text = key.text;
    out.push(row);
  }
  return out;
}
