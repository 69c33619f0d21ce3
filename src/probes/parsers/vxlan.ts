import type { HistBucket } from "../../bpftrace/messages.js";
import { histRows, numericRows, type IntervalBatch } from "../interval-batch.js";

export const VXLAN_FUNCTIONS: Record<number, string> = {
  1: "vxlan_xmit",
  2: "vxlan_xmit_one",
  3: "vxlan_rcv",
  4: "gro_cells_receive",
};

export interface VxlanFunctionStats {
  fn: string;
  calls: number;
  timeNs: number;
  bytes: number;
  nsPerCall: number;
  durationNs: HistBucket[];
}

export interface VxlanSnapshot {
  functions: VxlanFunctionStats[];
}

export function parseVxlan(batch: IntervalBatch): VxlanSnapshot {
  const byId = new Map<number, VxlanFunctionStats>();
  const get = (id: number): VxlanFunctionStats => {
    let f = byId.get(id);
    if (!f)
      byId.set(
        id,
        (f = {
          fn: VXLAN_FUNCTIONS[id] ?? `fn${id}`,
          calls: 0,
          timeNs: 0,
          bytes: 0,
          nsPerCall: 0,
          durationNs: [],
        }),
      );
    return f;
  };
  for (const r of numericRows(batch, "@calls", 1)) get(r.keys[0]!).calls = r.value;
  for (const r of numericRows(batch, "@time_ns", 1)) get(r.keys[0]!).timeNs = r.value;
  for (const r of numericRows(batch, "@bytes", 1)) get(r.keys[0]!).bytes = r.value;
  for (const r of histRows(batch, "@duration_ns", 1)) get(r.keys[0]!).durationNs = r.buckets;
  for (const f of byId.values()) f.nsPerCall = f.calls > 0 ? f.timeNs / f.calls : 0;
  return { functions: [...byId.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f) };
}
