import type { ProfileStack, StackProfile } from "../profile/stack-profile.js";

/**
 * Brendan Gregg's folded format: `root;…;leaf count`, outermost frame first. The process name
 * and the execution context head each stack so flame graphs split by them. Semicolons inside
 * frame names (none in kernel symbols, but be safe) become ':'.
 */
export function toFolded(p: StackProfile): string {
  const lines = new Map<string, number>();
  for (const s of p.stacks) {
    const frames = [`${s.comm || "?"}`, `[${s.context}]`, ...[...s.frames].reverse()].map((f) =>
      f.replace(/;/g, ":").replace(/\s+/g, "_"),
    );
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
    stacks.push({
      frames: parts.reverse(),
      pid: 0,
      comm,
      cpu: 0,
      context: (ctx?.[1] ?? "task") as ProfileStack["context"],
      samples: Number(m[2]),
    });
  }
  return { hz, durationSeconds, stacks };
}
