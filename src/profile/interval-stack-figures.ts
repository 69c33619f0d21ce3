import { depthBelow, RECEIVE_ENTRIES, SEND_ENTRIES } from "./call-depth.js";
import { FRAME_CLASSES, stackClasses } from "./frame-classes.js";
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

/**
 * Busy (non-idle) samples holding a frame of any class of each set, keyed by the set's classes
 * joined with "+": each stack is classified once for all the sets.
 */
export function samplesPerClassSet(
  stacks: Iterable<WeightedStack>,
  sets: ReadonlyArray<readonly string[]> = CLASS_SETS,
): Map<string, number> {
  const counts = new Map(sets.map((set) => [set.join("+"), 0]));
  for (const s of stacks) {
    if (s.context === "idle") continue;
    const classes: ReadonlySet<string> = stackClasses(s.frames);
    if (classes.size === 0) continue;
    for (const set of sets) {
      const key = set.join("+");
      if (set.some((c) => classes.has(c))) counts.set(key, counts.get(key)! + s.samples);
    }
  }
  return counts;
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
  const perSet = samplesPerClassSet(stacks);
  const depth = (entry: "send" | "receive", entries: ReadonlySet<string>) => {
    const buckets = depthBelow(stacks, entries);
    const samples = buckets.reduce((a, b) => a + b.samples, 0);
    const frames = buckets.reduce((a, b) => a + b.depth * b.samples, 0);
    return { entry, samples, meanFrames: samples ? frames / samples : 0 };
  };
  return {
    busySamples,
    frameClasses: CLASS_SETS.map((set) => ({ frameClasses: [...set], samples: perSet.get(set.join("+"))! })),
    entryDepth: [depth("send", SEND_ENTRIES), depth("receive", RECEIVE_ENTRIES)],
  };
}
