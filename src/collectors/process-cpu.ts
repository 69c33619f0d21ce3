import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * CPU time per process over an interval, from /proc/<pid>/stat (utime + stime of all threads).
 * This is what makes "something else was running" visible in a run: a busy loop or a package
 * install beside the benchmark shows up by name, with its namespace and cgroup.
 */

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux architecture we run on. */
const USER_HZ = 100;

export interface ProcessStat {
  pid: number;
  /** The parent: tells overlayscope's own processes (the daemon's children, the client) apart. */
  ppid: number;
  comm: string;
  /** Clock ticks since boot when the process started: with pid, it tells a reused pid apart. */
  startTicks: number;
  cpuTicks: number;
}

export interface ProcessCpuDelta {
  pid: number;
  ppid: number;
  comm: string;
  netns: number;
  cgroup: string;
  cpuSeconds: number;
}

/** Parses one /proc/<pid>/stat line; comm may hold spaces and parentheses, so split at the last ')'. */
export function parseProcessStat(pid: number, text: string): ProcessStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  if (![ppid, utime, stime, start].every(Number.isFinite)) return undefined;
  return { pid, ppid, comm: text.slice(open + 1, close), startTicks: start, cpuTicks: utime + stime };
}

function readStats(procRoot: string): Map<number, ProcessStat> {
  const out = new Map<number, ProcessStat>();
  let entries: string[] = [];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.charCodeAt(0) > 57 || e.charCodeAt(0) < 48) continue;
    try {
      const s = parseProcessStat(Number(e), readFileSync(`${procRoot}/${e}/stat`, "utf8"));
      if (s) out.set(s.pid, s);
    } catch {
      // exited between readdir and read
    }
  }
  return out;
}

/** The process's cgroup: the v2 path ("0::/x"), else the first hierarchy's. */
export function parseCgroup(text: string): string {
  const lines = text.split("\n").filter(Boolean);
  const v2 = lines.find((l) => l.startsWith("0::"));
  const line = v2 ?? lines[0] ?? "";
  return line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
}

/**
 * Differences successive readings. Synchronous like the other per-interval reads (a few µs per
 * process); namespace and cgroup are looked up only for processes that are reported.
 */
export class ProcessCpuTracker {
  private last?: Map<number, ProcessStat>;
  private readonly where = new Map<string, { netns: number; cgroup: string }>();

  constructor(private readonly procRoot = "/proc") {}

  /** The processes that used CPU since the last call, busiest first (empty on the first call). */
  sample(): ProcessCpuDelta[] {
    const now = readStats(this.procRoot);
    const prev = this.last;
    this.last = now;
    if (!prev) return [];
    const out: ProcessCpuDelta[] = [];
    for (const [pid, s] of now) {
      const p = prev.get(pid);
      // A process born during the interval counts from zero.
      const before = p && p.startTicks === s.startTicks ? p.cpuTicks : 0;
      const ticks = s.cpuTicks - before;
      if (ticks <= 0) continue;
      out.push({ pid, ppid: s.ppid, comm: s.comm, ...this.locate(s), cpuSeconds: ticks / USER_HZ });
    }
    this.forgetExited(now);
    return out.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  }

  private locate(s: ProcessStat): { netns: number; cgroup: string } {
    const key = `${s.pid}:${s.startTicks}`;
    let w = this.where.get(key);
    if (!w) {
      w = { netns: 0, cgroup: "" };
      try {
        const m = /net:\[(\d+)\]/.exec(readlinkSync(`${this.procRoot}/${s.pid}/ns/net`));
        if (m) w.netns = Number(m[1]);
        w.cgroup = parseCgroup(readFileSync(`${this.procRoot}/${s.pid}/cgroup`, "utf8"));
      } catch {
        // exited, or a kernel thread
      }
      this.where.set(key, w);
    }
    return w;
  }

  private forgetExited(now: Map<number, ProcessStat>): void {
    for (const key of this.where.keys()) {
      const [pid, start] = key.split(":").map(Number);
      if (now.get(pid!)?.startTicks !== start) this.where.delete(key);
    }
  }
}
