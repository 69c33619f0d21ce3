/**
 * /proc/softirqs and /proc/interrupts share one shape: a header of CPU names, then a row per
 * source with a count per CPU. CPUs that are offline are absent from the header, so counts are
 * keyed by the CPU number from the header, never by column position.
 */
export interface PerCpuRow {
  /** "NET_RX" for softirqs; "24" or "LOC" for interrupts. */
  key: string;
  /** Count per CPU number. */
  counts: Map<number, number>;
  /** Trailing text after the counts (interrupt chip, hw irq, device name). */
  description: string;
}

export interface PerCpuTable {
  cpus: number[];
  rows: PerCpuRow[];
}

export function parsePerCpuTable(text: string): PerCpuTable {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift() ?? "";
  const cpus = header
    .trim()
    .split(/\s+/)
    .map((c) => Number(c.replace(/^CPU/, "")))
    .filter((n) => Number.isInteger(n));
  const rows: PerCpuRow[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const counts = new Map<number, number>();
    let i = 0;
    for (; i < cpus.length && i < fields.length; i++) {
      const n = Number(fields[i]);
      if (!Number.isFinite(n) || !/^\d+$/.test(fields[i]!)) break;
      counts.set(cpus[i]!, n);
    }
    rows.push({ key, counts, description: fields.slice(i).join(" ") });
  }
  return { cpus, rows };
}

/**
 * Per-CPU increase between two readings. Counters are unsigned and may wrap (32-bit on some
 * interrupt lines): a decrease is taken as a wrap at 2^32 when that gives a plausible delta,
 * otherwise as a reset (the source vanished and reappeared) and counted from zero.
 */
export function counterDelta(before: number, after: number, width = 2 ** 32): number {
  if (after >= before) return after - before;
  const wrapped = width - before + after;
  return wrapped >= 0 && wrapped < width / 2 ? wrapped : after;
}

export function tableDelta(before: PerCpuTable, after: PerCpuTable): PerCpuTable {
  const prev = new Map(before.rows.map((r) => [r.key, r]));
  return {
    cpus: after.cpus,
    rows: after.rows.map((r) => {
      const b = prev.get(r.key);
      const counts = new Map<number, number>();
      for (const [cpu, v] of r.counts) counts.set(cpu, counterDelta(b?.counts.get(cpu) ?? 0, v));
      return { key: r.key, counts, description: r.description };
    }),
  };
}
