import type { ExecContext } from "../bpftrace/kstack.js";
import type { StackSample } from "../probes/parsers/stacks.js";
import type { MappedObject } from "../symbols/user-symbolizer.js";

/** One distinct stack with its labels, and how many samples landed on it. */
export interface ProfileStack {
  /** Kernel function names, innermost first. */
  frames: string[];
  /** User-space function names, innermost first (they sit above the kernel frames). */
  userFrames: string[];
  /** Each user frame's sampled address (0: none), for tools that re-symbolise (pprof). */
  userAddresses?: number[];
  /** Each user frame's object, an index into the profile's `objects` (-1: none). */
  userObjects?: number[];
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
  /** The mapped files user frames lie in (pprof's mappings). */
  objects?: MappedObject[];
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
  private readonly objects: MappedObject[] = [];
  private readonly objectIndex = new Map<string, number>();

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

  private objectId(o: MappedObject | undefined): number {
    if (!o) return -1;
    const k = `${o.path}\u0000${o.buildId}\u0000${o.start}\u0000${o.limit}\u0000${o.offset}`;
    let id = this.objectIndex.get(k);
    if (id === undefined) {
      id = this.objects.length;
      this.objects.push(o);
      this.objectIndex.set(k, id);
    }
    return id;
  }

  /**
   * Stacks are keyed by names: the same functions at other return addresses are one stack, which
   * keeps the first addresses seen (they re-symbolise to the same functions).
   */
  private addOne(entry: Omit<ProfileStack, "samples">, count: number, sample?: StackSample): void {
    const k = key(entry);
    const prev = this.byKey.get(k);
    if (prev) prev.samples += count;
    else if (sample?.userAddresses.some((a) => a.address !== 0))
      this.byKey.set(k, {
        ...entry,
        userAddresses: sample.userAddresses.map((a) => a.address),
        userObjects: sample.userAddresses.map((a) => this.objectId(a.object)),
        samples: count,
      });
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
      this.addOne(entry, s.count, s);
    }
    if (this.byKey.size > this.maxStacks) this.foldRare();
  }

  build(durationSeconds: number): StackProfile {
    // Only the objects the kept stacks refer to (folding drops stacks, not their objects), renumbered.
    const renumber = new Map<number, number>();
    const objects: MappedObject[] = [];
    const stacks = [...this.byKey.values()]
      .sort((a, b) => b.samples - a.samples)
      .map((st) => {
        if (!st.userObjects) return st;
        const userObjects = st.userObjects.map((id) => {
          if (id < 0) return id;
          let to = renumber.get(id);
          if (to === undefined) {
            to = objects.push(this.objects[id]!) - 1;
            renumber.set(id, to);
          }
          return to;
        });
        return { ...st, userObjects };
      });
    return {
      hz: this.hz,
      durationSeconds,
      stacks,
      ...(objects.length ? { objects } : {}),
    };
  }
}
