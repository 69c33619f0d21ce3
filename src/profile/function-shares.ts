/** A stack with its weight, from a probe reading or from the profile. */
export interface WeightedStack {
  frames: readonly string[];
  context: string;
  samples: number;
}

/**
 * Inclusive share of busy (non-idle) samples per function: the fraction of samples whose stack
 * contains it. The one definition the stream, the report and the diagnosis use.
 */
export function functionShares(stacks: Iterable<WeightedStack>): {
  shares: Map<string, number>;
  busySamples: number;
} {
  const counts = new Map<string, number>();
  let busySamples = 0;
  for (const s of stacks) {
    if (s.context === "idle") continue;
    busySamples += s.samples;
    for (const fn of new Set(s.frames)) counts.set(fn, (counts.get(fn) ?? 0) + s.samples);
  }
  return {
    shares: new Map([...counts].map(([fn, n]) => [fn, busySamples ? n / busySamples : 0])),
    busySamples,
  };
}
