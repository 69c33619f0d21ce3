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

/** Accumulates interval readings of the stacks probe into one profile. */
export class StackProfileBuilder {
  private readonly byKey = new Map<string, ProfileStack>();

  constructor(private readonly hz: number) {}

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
      const k = key(entry);
      const prev = this.byKey.get(k);
      if (prev) prev.samples += s.count;
      else this.byKey.set(k, { ...entry, samples: s.count });
    }
  }

  build(durationSeconds: number): StackProfile {
    return {
      hz: this.hz,
      durationSeconds,
      stacks: [...this.byKey.values()].sort((a, b) => b.samples - a.samples),
    };
  }
}
