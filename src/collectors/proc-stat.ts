/** Jiffies per state for one CPU, in /proc/stat column order. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

export const CPU_FIELDS = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
  "guest",
  "guestNice",
] as const;

export interface ProcStat {
  total: CpuTimes;
  /** Per online CPU number; hot-unplugged CPUs are absent. */
  cpus: Map<number, CpuTimes>;
}

export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cpus = new Map<number, CpuTimes>();
  for (const line of text.split("\n")) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const nums = m[2]!.trim().split(/\s+/).map(Number);
    const t = Object.fromEntries(CPU_FIELDS.map((f, i) => [f, nums[i] ?? 0])) as unknown as CpuTimes;
    if (m[1] === "") total = t;
    else cpus.set(Number(m[1]), t);
  }
  if (!total) throw new Error("/proc/stat has no aggregate cpu line");
  return { total, cpus };
}

/** Percent of a CPU per state over an interval, as mpstat computes it. */
export interface CpuPercent {
  usr: number;
  nice: number;
  sys: number;
  iowait: number;
  irq: number;
  soft: number;
  steal: number;
  guest: number;
  gnice: number;
  idle: number;
}

/**
 * The kernel counts guest time inside user (and guest_nice inside nice); mpstat subtracts it so
 * the columns add up to 100, and so do we.
 */
export function cpuPercent(a: CpuTimes, b: CpuTimes): CpuPercent {
  const d = (k: keyof CpuTimes): number => Math.max(0, b[k] - a[k]);
  const user = d("user") - d("guest");
  const nice = d("nice") - d("guestNice");
  const total =
    Math.max(0, user) +
    Math.max(0, nice) +
    d("system") +
    d("idle") +
    d("iowait") +
    d("irq") +
    d("softirq") +
    d("steal") +
    d("guest") +
    d("guestNice");
  const pct = (v: number): number => (total > 0 ? (Math.max(0, v) / total) * 100 : 0);
  return {
    usr: pct(user),
    nice: pct(nice),
    sys: pct(d("system")),
    iowait: pct(d("iowait")),
    irq: pct(d("irq")),
    soft: pct(d("softirq")),
    steal: pct(d("steal")),
    guest: pct(d("guest")),
    gnice: pct(d("guestNice")),
    idle: pct(d("idle")),
  };
}
