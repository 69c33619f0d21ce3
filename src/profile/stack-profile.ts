import type { ExecContext } from "../bpftrace/kstack.js";
import type { StackSample } from "../probes/parsers/stacks.js";

/** One distinct stack with its labels, and how many samples landed on it. */
export interface ProfileStack {
  /** Kernel function names, innermost first. */
  frames: string[];
  /** User-space function names, innermost first (they sit above the kernel frames). */
  userFrames: string[];
  pid: number;
  comm: string;
  cpu: number;
  context: ExecContext;
  samples: number;
}

/** The one profile model every exporter and the diagnosis read. */
export interface StackProfile {
  /** Sampling frequency per CPU, so a sample stands for 1/hz seconds of CPU. */
  hz: number;
  durationSeconds: number;
  stacks: ProfileStack[];
}

function key(s: Omit<ProfileStack, "samples">): string {
  return `${s.pid}\u0000${s.cpu}\u0000${s.comm}\u0000${s.context}\u0000${s.frames.join(";")}\u0000${s.userFrames.join(";")}`;
}

/**
 * Distinct stacks a profile holds. Stacks are keyed per pid and CPU, so a day-long session on a
 * busy host keeps meeting new ones; past the bound the rarest half is folded into one stack per
 * process name and context, which keeps every sample (process shares, totals) and the hot stacks.
 */
export const MAX_PROFILE_STACKS = 50_000;
/** The frame a folded stack carries instead of its own. */
export const FOLDED_FRAME = "[rare stacks folded]";

/** Accumulates interval readings of the stacks probe into one profile. */
export class StackProfileBuilder {
  private readonly byKey = new Map<string, ProfileStack>();

  constructor(
    private readonly hz: number,
    private readonly maxStacks = MAX_PROFILE_STACKS,
  ) {}

  private foldRare(): void {
    const rare = [...this.byKey].sort((a, b) => a[1].samples - b[1].samples).slice(0, this.byKey.size / 2);
    for (const [k, s] of rare) {
      this.byKey.delete(k);
      this.addOne(
        { frames: [FOLDED_FRAME], userFrames: [], pid: 0, comm: s.comm, cpu: -1, context: s.context },
        s.samples,
      );
    }
  }

  private addOne(entry: Omit<ProfileStack, "samples">, count: number): void {
    const k = key(entry);
    const prev = this.byKey.get(k);
    if (prev) prev.samples += count;
    else this.byKey.set(k, { ...entry, samples: count });
  }

  add(samples: readonly StackSample[]): void {
    for (const s of samples) {
      const entry = {
        frames: s.frames,
        userFrames: s.userFrames,
        pid: s.pid,
        comm: s.comm,
        cpu: s.cpu,
        context: s.context,
      };
      this.addOne(entry, s.count);
    }
    if (this.byKey.size > this.maxStacks) this.foldRare();
  }

  build(durationSeconds: number): StackProfile {
    return {
      hz: this.hz,
      durationSeconds,
      stacks: [...this.byKey.values()].sort((a, b) => b.samples - a.samples),
    };
  }
}
