/**
 * bpftrace joins the parts of a multi-key map with "," (0.24+ also strips the space after it).
 * Our probes put numeric keys first, then stacks (kstack, ustack), then at most one free string
 * last, so a key can be split without ambiguity: a printed stack is "" or "\n" + one indented
 * line per frame, each ending in "\n", so the first "\n," after it closes it.
 */
export interface SplitKey {
  numbers: number[];
  /** Stack texts in key order (innermost frame first), "" when the sample had none. */
  stacks: string[];
  /** The trailing free-text key (comm, device name), which may itself contain commas. */
  text?: string;
}

export function splitKey(
  raw: string,
  layout: { numbers: number; stacks?: number; text?: boolean },
): SplitKey | undefined {
  const numbers: number[] = [];
  const nStacks = layout.stacks ?? 0;
  let rest = raw;
  for (let i = 0; i < layout.numbers; i++) {
    const last = i === layout.numbers - 1 && nStacks === 0 && !layout.text;
    const comma = last ? rest.length : rest.indexOf(",");
    if (comma < 0) return undefined;
    const n = Number(rest.slice(0, comma).trim());
    if (!Number.isFinite(n)) return undefined;
    numbers.push(n);
    rest = last ? "" : rest.slice(comma + 1);
  }
  const stacks: string[] = [];
  for (let i = 0; i < nStacks; i++) {
    const last = i === nStacks - 1 && !layout.text;
    if (rest.startsWith("\n")) {
      const end = last ? rest.length - 1 : rest.indexOf("\n,");
      if (end < 0 || rest[end] !== "\n") return undefined;
      stacks.push(rest.slice(0, end + 1));
      rest = last ? "" : rest.slice(end + 2);
    } else {
      stacks.push("");
      if (!last) {
        if (!rest.startsWith(",")) return undefined;
        rest = rest.slice(1);
      }
    }
  }
  const out: SplitKey = { numbers, stacks };
  if (layout.text) out.text = rest;
  return out;
}
