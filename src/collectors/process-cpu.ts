import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { cpus } from "node:os";
import { parseCpuList } from "../util/cpu-list.js";
import { readOptional } from "../util/read-optional.js";
import { cpuCgroupPath } from "./cpu-quota.js";
import { FULL_SCAN_EVERY } from "./full-scan.js";

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
  /** The cgroup in the hierarchy holding the cpu controller (v1's cpu line on hybrid hosts; else = cgroup). */
  cpuCgroup: string;
  /** The CPUs it may run on when fewer than every online CPU (taskset, a cpuset); empty otherwise. */
  allowedCpus: number[];
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

function readStat(procRoot: string, pid: number): ProcessStat | undefined {
  try {
    return parseProcessStat(pid, readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // exited between listing and reading
  }
}

function listPids(procRoot: string): number[] {
  try {
    return readdirSync(procRoot)
      .filter((e) => e.charCodeAt(0) >= 48 && e.charCodeAt(0) <= 57)
      .map(Number);
  } catch {
    return [];
  }
}

/** The process's cgroup: the v2 path ("0::/x"), else the first hierarchy's. */
export function parseCgroup(text: string): string {
  const lines = text.split("\n").filter(Boolean);
  const v2 = lines.find((l) => l.startsWith("0::"));
  const line = v2 ?? lines[0] ?? "";
  return line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
}

/** The CPUs a process may run on, from its /proc/<pid>/status (the main thread's mask). */
export function parseAllowedCpus(status: string): number[] | undefined {
  const m = /^Cpus_allowed_list:\s*(.*)$/m.exec(status);
  return m ? parseCpuList(m[1]!) : undefined;
}

/** The online CPUs (sysfs), else every CPU Node counts. */
function onlineCpus(): number[] {
  const listed = parseCpuList(readOptional("/sys/devices/system/cpu/online") ?? "");
  return listed?.length ? listed : cpus().map((_c, i) => i);
}

/** Where a process is: its network namespace, cgroups and the CPUs it may use. */
interface Placement {
  netns: number;
  cgroup: string;
  cpuCgroup: string;
  allowedCpus: number[];
}

/**
 * Differences successive readings. Reading every /proc/<pid>/stat each second was the largest
 * item of the collectors' per-interval cost (and grows with the process count: hundreds on a
 * Kubernetes node), so an interval reads only the processes that may have run: those that used
 * CPU in their last reading and those the caller names (the stack sampler's pids); every
 * FULL_SCAN_EVERY-th call, and whenever asked, reads them all. A process not read in an interval
 * keeps its last reading, so the CPU it used shows up, whole, at its next read: summed over
 * a window that ends with a full scan, every live process's total is exact. Synchronous like the
 * other per-interval reads; namespace and cgroup are looked up only for processes reported.
 */
export class ProcessCpuTracker {
  /** Each process's last reading: the baseline its next delta is taken from. */
  private readonly known = new Map<number, ProcessStat>();
  private busy = new Set<number>();
  private sinceFull = 0;
  private calls = 0;
  private readonly where = new Map<string, Placement>();

  constructor(
    private readonly procRoot = "/proc",
    private readonly online: readonly number[] = onlineCpus(),
  ) {}

  /**
   * The processes that used CPU since they were last read, busiest first (empty on the first
   * call). `focus` adds pids known to have run (sampled on a CPU); `full` reads every process.
   */
  sample(focus: Iterable<number> = [], full = false): ProcessCpuDelta[] {
    const first = this.calls === 0;
    // The first two calls read everything: until one delta exists, nothing is known to be busy.
    const scanAll = this.calls++ < 2 || full || ++this.sinceFull >= FULL_SCAN_EVERY;
    if (scanAll) this.sinceFull = 0;
    const pids = scanAll ? listPids(this.procRoot) : new Set([...this.busy, ...focus]);
    const out: ProcessCpuDelta[] = [];
    const seen = new Set<number>();
    for (const pid of pids) {
      const s = readStat(this.procRoot, pid);
      const p = this.known.get(pid);
      if (!s) {
        this.known.delete(pid);
        continue;
      }
      seen.add(pid);
      this.known.set(pid, s);
      if (first) continue;
      // A process born since it was last read (or a reused pid) counts from zero.
      const before = p && p.startTicks === s.startTicks ? p.cpuTicks : 0;
      const ticks = s.cpuTicks - before;
      if (ticks <= 0) continue;
      out.push({ pid, ppid: s.ppid, comm: s.comm, ...this.locate(s), cpuSeconds: ticks / USER_HZ });
    }
    this.busy = new Set(out.map((p) => p.pid));
    if (scanAll) this.forgetExited(seen);
    return out.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  }

  private locate(s: ProcessStat): Placement {
    const key = `${s.pid}:${s.startTicks}`;
    let w = this.where.get(key);
    if (!w) {
      w = { netns: 0, cgroup: "", cpuCgroup: "", allowedCpus: [] };
      try {
        const m = /net:\[(\d+)\]/.exec(readlinkSync(`${this.procRoot}/${s.pid}/ns/net`));
        if (m) w.netns = Number(m[1]);
        const text = readFileSync(`${this.procRoot}/${s.pid}/cgroup`, "utf8");
        w.cgroup = parseCgroup(text);
        w.cpuCgroup = cpuCgroupPath(text);
        // Read once per process and session, with its cgroup: an affinity changed while the
        // session runs (taskset -p) is seen by the next session.
        const allowed = parseAllowedCpus(readFileSync(`${this.procRoot}/${s.pid}/status`, "utf8"));
        if (allowed && this.online.some((c) => !allowed.includes(c)))
          w.allowedCpus = allowed.filter((c) => this.online.includes(c));
      } catch {
        // exited, or a kernel thread
      }
      this.where.set(key, w);
    }
    return w;
  }

  private forgetExited(alive: ReadonlySet<number>): void {
    for (const pid of this.known.keys()) if (!alive.has(pid)) this.known.delete(pid);
    for (const key of this.where.keys()) {
      const [pid, start] = key.split(":").map(Number);
      if (this.known.get(pid!)?.startTicks !== start) this.where.delete(key);
    }
  }
}
