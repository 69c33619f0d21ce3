import { readFileSync } from "node:fs";

/**
 * The names of this kernel's drop reasons, read from the kfree_skb tracepoint's print format
 * (`__print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, …)`). The numbers
 * change between kernels as reasons are added, so no table is copied from one kernel.
 */
export function parseDropReasons(format: string): Map<number, string> {
  const out = new Map<number, string>();
  const sym = format.indexOf("__print_symbolic(REC->reason");
  if (sym < 0) return out;
  for (const m of format.slice(sym).matchAll(/\{\s*(\d+),\s*"([A-Z0-9_]+)"\s*\}/g))
    out.set(Number(m[1]), m[2]!);
  return out;
}

let cached: Map<number, string> | undefined;

/** Reason number → name on the running kernel (empty when the format cannot be read). */
export function dropReasonNames(tracefs = "/sys/kernel/tracing"): Map<number, string> {
  if (cached) return cached;
  for (const root of [tracefs, "/sys/kernel/debug/tracing"]) {
    try {
      cached = parseDropReasons(readFileSync(`${root}/events/skb/kfree_skb/format`, "utf8"));
      return cached;
    } catch {
      // try the next mount point
    }
  }
  return new Map();
}

/** True when this kernel's kfree_skb carries the field (checked by variant requirements). */
export function tracepointHasField(tracefs: string, category: string, event: string, field: string): boolean {
  try {
    const f = readFileSync(`${tracefs}/events/${category}/${event}/format`, "utf8");
    return new RegExp(`field:[^;]*\\b${field};`).test(f);
  } catch {
    return false;
  }
}
