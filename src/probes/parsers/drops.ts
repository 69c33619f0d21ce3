import { splitKey } from "../../bpftrace/keys.js";
import { parseKstack } from "../../bpftrace/kstack.js";
import { counterToNumber } from "../../bpftrace/json-line.js";
import { numericRows, type IntervalBatch } from "../interval-batch.js";

export interface DropsSnapshot {
  /** Per drop reason number (this kernel's enum skb_drop_reason) and network namespace. */
  reasons: Array<{ reason: number; netns: number; packets: number }>;
  /** Per kernel function that freed the packet. */
  locations: Array<{ fn: string; packets: number }>;
  /** Sampled stacks (1 in stack_every drops), innermost frame first. */
  stacks: Array<{ reason: number; frames: string[]; samples: number }>;
}

export function parseDrops(batch: IntervalBatch): DropsSnapshot {
  const reasons = numericRows(batch, "@drops", 2)
    .filter((r) => r.value > 0)
    .map((r) => ({ reason: r.keys[0]!, netns: r.keys[1]!, packets: r.value }));
  const locations: DropsSnapshot["locations"] = [];
  const loc = batch.maps.get("@locations");
  if (loc?.type === "map")
    for (const [fn, v] of loc.entries ?? []) {
      const n = typeof v === "string" ? 0 : counterToNumber(v);
      if (n > 0) locations.push({ fn, packets: n });
    }
  const stacks: DropsSnapshot["stacks"] = [];
  const st = batch.maps.get("@stacks");
  if (st?.type === "map")
    for (const [k, v] of st.entries ?? []) {
      const key = splitKey(k, { numbers: 1, stacks: 1 });
      const n = typeof v === "string" ? 0 : counterToNumber(v);
      if (key && n > 0)
        stacks.push({
          reason: key.numbers[0]!,
          frames: parseKstack(key.stacks[0]!).map((f) => f.fn),
          samples: n,
        });
    }
  return {
    reasons: reasons.sort((a, b) => b.packets - a.packets),
    locations: locations.sort((a, b) => b.packets - a.packets),
    stacks: stacks.sort((a, b) => b.samples - a.samples),
  };
}
