/**
 * /proc/<pid>/net/stat/nf_conntrack: a header naming the columns (they differ between kernels),
 * then one line of hex counters per CPU. `entries` is the table's current size (the same on every
 * line: a gauge); the rest are per-CPU event counts, summed here. Absent when conntrack is not
 * loaded in that namespace.
 */
export type ConntrackStat = Map<string, number>;

export function parseConntrackStat(text: string): ConntrackStat | undefined {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const names = lines[0]?.trim().split(/\s+/);
  if (!names || names.length === 0 || lines.length < 2) return undefined;
  const out: ConntrackStat = new Map();
  for (const line of lines.slice(1)) {
    const values = line.trim().split(/\s+/);
    names.forEach((n, i) => {
      const v = parseInt(values[i] ?? "0", 16);
      if (!Number.isFinite(v)) return;
      out.set(n, n === "entries" ? v : (out.get(n) ?? 0) + v);
    });
  }
  return out;
}

/** Event counts differenced; `entries` kept as the gauge it is. */
export function conntrackDelta(a: ConntrackStat, b: ConntrackStat): ConntrackStat {
  const out: ConntrackStat = new Map();
  for (const [k, v] of b) out.set(k, k === "entries" ? v : v - (a.get(k) ?? 0));
  return out;
}
