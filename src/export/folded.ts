import type { ProfileStack, StackProfile } from "../profile/stack-profile.js";

/** stackcollapse-perf's mark for kernel frames; flamegraph.pl --colors=java colours them. */
const KERNEL_MARK = "_[k]";

/**
 * Brendan Gregg's folded format: `root;…;leaf count`, outermost frame first. The process name
 * and the execution context head each stack so flame graphs split by them; user frames come
 * next, then kernel frames marked `_[k]` as `stackcollapse-perf.pl --kernel` does, so both
 * halves survive a round trip. Semicolons and spaces inside frame names become ':' and '_'.
 */
export function toFolded(p: StackProfile): string {
  const lines = new Map<string, number>();
  for (const s of p.stacks) {
    const clean = (f: string) => f.replace(/;/g, ":").replace(/\s+/g, "_");
    const frames = [
      clean(s.comm || "?"),
      `[${s.context}]`,
      ...[...s.userFrames].reverse().map(clean),
      ...[...s.frames].reverse().map((f) => clean(f) + KERNEL_MARK),
    ];
    const k = frames.join(";");
    lines.set(k, (lines.get(k) ?? 0) + s.samples);
  }
  return [...lines].map(([k, n]) => `${k} ${n}`).join("\n") + (lines.size ? "\n" : "");
}

/** Reads folded text back into a profile (labels other than comm and context are not carried). */
export function fromFolded(text: string, hz: number, durationSeconds: number): StackProfile {
  const stacks: ProfileStack[] = [];
  for (const line of text.split("\n")) {
    const m = /^(.*) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[1]!.split(";");
    const comm = parts.shift() ?? "";
    const ctx = /^\[(\w+)\]$/.exec(parts[0] ?? "");
    if (ctx) parts.shift();
    const kernel = parts.filter((f) => f.endsWith(KERNEL_MARK)).map((f) => f.slice(0, -KERNEL_MARK.length));
    const user = parts.filter((f) => !f.endsWith(KERNEL_MARK));
    stacks.push({
      frames: kernel.reverse(),
      userFrames: user.reverse(),
      pid: 0,
      comm,
      cpu: 0,
      context: (ctx?.[1] ?? "task") as ProfileStack["context"],
      samples: Number(m[2]),
    });
  }
  return { hz, durationSeconds, stacks };
}
