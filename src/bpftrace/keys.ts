/**
 * bpftrace joins the parts of a multi-key map with "," (0.24+ also strips the space after it).
 * Our probes put numeric keys first, then at most one kstack, then at most one free string last,
 * so a key can be split without ambiguity.
 */
export interface SplitKey {
  numbers: number[];
  /** Kernel stack text (innermost first), "" when the sample had no kernel frames. */
  stack?: string;
  /** The trailing free-text key (comm, device name), which may itself contain commas. */
  text?: string;
}

export function splitKey(
  raw: string,
  layout: { numbers: number; stack?: boolean; text?: boolean },
): SplitKey | undefined {
  const numbers: number[] = [];
  let rest = raw;
  for (let i = 0; i < layout.numbers; i++) {
    const last = i === layout.numbers - 1 && !layout.stack && !layout.text;
    const comma = last ? rest.length : rest.indexOf(",");
    if (comma < 0) return undefined;
    const n = Number(rest.slice(0, comma).trim());
    if (!Number.isFinite(n)) return undefined;
    numbers.push(n);
    rest = last ? "" : rest.slice(comma + 1);
  }
  const out: SplitKey = { numbers };
  if (layout.stack) {
    if (rest.startsWith("\n")) {
      // The stack text ends with "\n"; a text key after it follows the last "\n,".
      const end = layout.text ? rest.lastIndexOf("\n,") : rest.length - 1;
      if (end < 0) return undefined;
      out.stack = rest.slice(0, end + 1);
      rest = layout.text ? rest.slice(end + 2) : "";
    } else {
      out.stack = "";
      if (layout.text) {
        if (!rest.startsWith(",")) return undefined;
        rest = rest.slice(1);
      }
    }
  }
  if (layout.text) out.text = rest;
  return out;
}
