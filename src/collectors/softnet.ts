/** One CPU's row of /proc/net/softnet_stat. */
export interface SoftnetRow {
  cpu: number;
  processed: number;
  dropped: number;
  timeSqueeze: number;
  receivedRps: number;
  flowLimit: number;
  backlogLen?: number;
}

/**
 * Hex columns: processed, dropped, time_squeeze, 5 unused, cpu_collision, received_rps,
 * flow_limit_count, then (5.10+) backlog length and the CPU number. Rows exist only for online
 * CPUs, so without the CPU column the row index is only a guess and we say so by using it.
 */
export function parseSoftnet(text: string): SoftnetRow[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      const c = line
        .trim()
        .split(/\s+/)
        .map((h) => parseInt(h, 16));
      const row: SoftnetRow = {
        cpu: c.length >= 13 ? c[12]! : i,
        processed: c[0] ?? 0,
        dropped: c[1] ?? 0,
        timeSqueeze: c[2] ?? 0,
        receivedRps: c[9] ?? 0,
        flowLimit: c[10] ?? 0,
      };
      if (c.length >= 12) row.backlogLen = c[11]!;
      return row;
    });
}

/** 32-bit counters in the kernel (unsigned int): they wrap. */
export function softnetDelta(a: readonly SoftnetRow[], b: readonly SoftnetRow[]): SoftnetRow[] {
  const prev = new Map(a.map((r) => [r.cpu, r]));
  const d = (x: number, y: number | undefined): number =>
    y === undefined ? x : x >= y ? x - y : x + 2 ** 32 - y;
  return b.map((r) => {
    const p = prev.get(r.cpu);
    const row: SoftnetRow = {
      cpu: r.cpu,
      processed: d(r.processed, p?.processed),
      dropped: d(r.dropped, p?.dropped),
      timeSqueeze: d(r.timeSqueeze, p?.timeSqueeze),
      receivedRps: d(r.receivedRps, p?.receivedRps),
      flowLimit: d(r.flowLimit, p?.flowLimit),
    };
    if (r.backlogLen !== undefined) row.backlogLen = r.backlogLen;
    return row;
  });
}
