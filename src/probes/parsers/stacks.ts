import { counterToNumber } from "../../bpftrace/json-line.js";
import { splitKey } from "../../bpftrace/keys.js";
import { classifyContext, dropTickFrames, parseKstack, type ExecContext } from "../../bpftrace/kstack.js";
import { parseUstack, type UserFrame } from "../../symbols/user-symbolizer.js";
import type { IntervalBatch } from "../interval-batch.js";

export interface StackSample {
  pid: number;
  cpu: number;
  comm: string;
  /** Kernel function names, innermost first. */
  frames: string[];
  /** User-space function names, innermost first; empty for kernel threads or when not sampled. */
  userFrames: string[];
  /** The same frames' addresses and the objects they lie in, for tools that re-symbolise. */
  userAddresses: Array<Omit<UserFrame, "name">>;
  context: ExecContext;
  count: number;
}

export interface StacksSnapshot {
  samples: StackSample[];
  total: number;
  /** Keys that did not split as [pid, cpu, kstack, (ustack,) comm]: counted, never fatal. */
  malformed: number;
}

/** Resolves one sample's raw user frames (innermost first) to names, keeping their addresses. */
export type UserFrameResolver = (pid: number, frames: ReadonlyArray<number | string>) => UserFrame[];

const hexFrames: UserFrameResolver = (_pid, frames) =>
  frames.map((f) =>
    typeof f === "number" ? { name: `0x${f.toString(16)}`, address: f } : { name: f, address: 0 },
  );

/** `onTick`: the samples were taken on the scheduler tick (the tick variant), whose frames go. */
export function parseStacks(
  batch: IntervalBatch,
  resolveUser: UserFrameResolver = hexFrames,
  onTick = false,
): StacksSnapshot {
  const withUser = batch.maps.get("@usamples");
  const msg = withUser ?? batch.maps.get("@samples");
  const nStacks = withUser ? 2 : 1;
  const samples: StackSample[] = [];
  let total = 0;
  let malformed = 0;
  if (msg?.type === "map" && msg.entries) {
    for (const [k, v] of msg.entries) {
      const key =
        typeof v === "string" ? undefined : splitKey(k, { numbers: 2, stacks: nStacks, text: true });
      if (!key || typeof v === "string") {
        malformed++;
        continue;
      }
      const raw = parseKstack(key.stacks[0]!);
      const frames = onTick ? dropTickFrames(raw) : raw;
      const pid = key.numbers[0]!;
      const count = counterToNumber(v);
      total += count;
      const user = nStacks === 2 ? resolveUser(pid, parseUstack(key.stacks[1]!)) : [];
      samples.push({
        pid,
        cpu: key.numbers[1]!,
        comm: key.text ?? "",
        frames: frames.map((f) => f.fn),
        userFrames: user.map((f) => f.name),
        userAddresses: user.map(({ name: _name, ...where }) => where),
        context: classifyContext(frames, pid),
        count,
      });
    }
  }
  return { samples, total, malformed };
}
