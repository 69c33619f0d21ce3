import { depthBelow, RECEIVE_ENTRIES, SEND_ENTRIES } from "./call-depth.js";
import { classifyFrame, FRAME_CLASSES } from "./frame-classes.js";
import type { WeightedStack } from "./function-shares.js";

/**
 * The class sets the diagnosis compares: each class alone, and the groups its rules ask about (a
 * sample counts once when it holds frames of either class of a group).
 */
export const CLASS_SETS: ReadonlyArray<readonly string[]> = [
  ...FRAME_CLASSES.map(([c]) => [c]),
  ["encapsulation", "bridge"],
  ["netfilter", "conntrack"],
];

/** Busy (non-idle) samples holding a frame of any of `classes`. */
export function samplesInAny(stacks: Iterable<WeightedStack>, classes: readonly string[]): number {
  let n = 0;
  for (const s of stacks)
    if (s.context !== "idle" && s.frames.some((f) => classes.includes(classifyFrame(f) ?? "")))
      n += s.samples;
  return n;
}

/**
 * One interval's stack samples reduced to what the diagnosis compares between runs: busy samples,
 * samples per class set, and frames below the send and receive entries. Kept per interval so a
 * run shows how much each share moves within it: stack samples come in bursts (a CPU's receive
 * work is sampled in some seconds and not in others), so their spread over intervals, not the
 * binomial count, is how uncertain a run's share is.
 */
export interface IntervalStackFigures {
  busySamples: number;
  frameClasses: Array<{ frameClasses: string[]; samples: number }>;
  entryDepth: Array<{ entry: "send" | "receive"; samples: number; meanFrames: number }>;
}

export function intervalStackFigures(stacks: readonly WeightedStack[]): IntervalStackFigures {
  const busySamples = stacks.reduce((a, s) => (s.context === "idle" ? a : a + s.samples), 0);
  const depth = (entry: "send" | "receive", entries: ReadonlySet<string>) => {
    const buckets = depthBelow(stacks, entries);
    const samples = buckets.reduce((a, b) => a + b.samples, 0);
    const frames = buckets.reduce((a, b) => a + b.depth * b.samples, 0);
    return { entry, samples, meanFrames: samples ? frames / samples : 0 };
  };
  return {
    busySamples,
    frameClasses: CLASS_SETS.map((set) => ({ frameClasses: [...set], samples: samplesInAny(stacks, set) })),
    entryDepth: [depth("send", SEND_ENTRIES), depth("receive", RECEIVE_ENTRIES)],
  };
}
