import { counterToNumber } from "../../bpftrace/json-line.js";
import { splitKey } from "../../bpftrace/keys.js";
import { classifyContext, parseKstack, type ExecContext } from "../../bpftrace/kstack.js";
import type { IntervalBatch } from "../interval-batch.js";

export interface StackSample {
  pid: number;
  cpu: number;
  comm: string;
  /** Function names, innermost first. */
  frames: string[];
  context: ExecContext;
  count: number;
}

export interface StacksSnapshot {
  samples: StackSample[];
  total: number;
  /** Keys that did not split as [pid, cpu, kstack, comm]: counted, never fatal. */
  malformed: number;
}

export function parseStacks(batch: IntervalBatch): StacksSnapshot {
  const msg = batch.maps.get("@samples");
  const samples: StackSample[] = [];
  let total = 0;
  let malformed = 0;
  if (msg?.type === "map" && msg.entries) {
    for (const [k, v] of msg.entries) {
      const key = typeof v === "string" ? undefined : splitKey(k, { numbers: 2, stack: true, text: true });
      if (!key || typeof v === "string") {
        malformed++;
        continue;
      }
      const frames = parseKstack(key.stack ?? "");
      const pid = key.numbers[0]!;
      const count = counterToNumber(v);
      total += count;
      samples.push({
        pid,
        cpu: key.numbers[1]!,
        comm: key.text ?? "",
        frames: frames.map((f) => f.fn),
        context: classifyContext(frames, pid),
        count,
      });
    }
  }
  return { samples, total, malformed };
}
