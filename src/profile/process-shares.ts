import type { ProfileStack } from "./stack-profile.js";

/**
 * Share of busy (non-idle) stack samples per process, so a run says which processes used the
 * sampled CPUs — the benchmark, the kernel's softirq work billed to whoever was running, or a
 * competitor. Softirq samples count for the process they interrupted, as the CPU did.
 */
export function processShares(
  stacks: Iterable<ProfileStack>,
  top = 10,
): Array<{ pid: number; comm: string; samples: number; share: number }> {
  const by = new Map<string, { pid: number; comm: string; samples: number }>();
  let busy = 0;
  for (const s of stacks) {
    if (s.context === "idle") continue;
    busy += s.samples;
    const k = `${s.pid}\u0000${s.comm}`;
    const e = by.get(k) ?? { pid: s.pid, comm: s.comm, samples: 0 };
    e.samples += s.samples;
    by.set(k, e);
  }
  return [...by.values()]
    .sort((a, b) => b.samples - a.samples)
    .slice(0, top)
    .map((e) => ({ ...e, share: busy ? e.samples / busy : 0 }));
}
