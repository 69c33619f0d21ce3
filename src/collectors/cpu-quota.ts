import { readOptional as read } from "../util/read-optional.js";
import { FULL_SCAN_EVERY } from "./full-scan.js";

/**
 * CPU bandwidth limits (CFS quota) on the cgroups of the processes that ran, and how often they
 * stopped those processes: a container given `--cpus 0.5`, a pod's CPU limit, a systemd
 * `CPUQuota=`. A throttled cgroup's tasks wait for the next period however idle the CPUs are, so
 * no CPU figure shows it; the kernel's own counters do (cpu.stat: nr_periods, nr_throttled,
 * throttled time). cgroup v2 (cpu.max) and v1's cpu hierarchy (cpu.cfs_quota_us) are both read.
 */

/** One cgroup's quota and throttling over an interval. */
export interface CpuQuotaDelta {
  /** Path inside the hierarchy that holds the cpu controller, as /proc/<pid>/cgroup names it. */
  cgroup: string;
  /** The quota in CPUs (quota ÷ period): 0.5 lets the cgroup's tasks run half of one CPU. */
  quotaCpus: number;
  /** Enforcement periods that elapsed while the cgroup had runnable tasks. */
  periods: number;
  /** Of those, the periods in which the quota ran out and its tasks were stopped. */
  throttledPeriods: number;
  /** Time its tasks spent stopped (summed over CPUs). */
  throttledSeconds: number;
}

/** One cgroup's cumulative counters (cpu.stat) and its quota at one moment. */
type Reading = Omit<CpuQuotaDelta, "cgroup">;

/** A cgroup hierarchy that holds the cpu controller: where it is mounted and how it counts. */
interface CpuHierarchy {
  root: string;
  version: 1 | 2;
}

/**
 * The cpu controller's path for a process, from /proc/<pid>/cgroup: v1's line whose controllers
 * include "cpu" (on hybrid hosts the v2 line names only systemd's tree), else v2's "0::" line.
 */
export function cpuCgroupPath(text: string): string {
  const lines = text.split("\n").filter(Boolean);
  for (const l of lines) {
    const [, controllers, ...rest] = l.split(":");
    if (controllers && controllers.split(",").includes("cpu")) return rest.join(":");
  }
  return lines.find((l) => l.startsWith("0::"))?.slice(3) ?? "";
}

/** v2 `cpu.max` ("20000 100000", or "max 100000" for none): the quota in CPUs, undefined for none. */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  return quota !== "max" && q > 0 && p > 0 ? q / p : undefined;
}

/** `cpu.stat` as "key value" lines; v1 names throttled time in ns, v2 in µs. */
export function parseCpuStat(
  text: string,
): { periods: number; throttledPeriods: number; throttledSeconds: number } | undefined {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) m.set(k, Number(v));
  }
  const periods = m.get("nr_periods");
  const throttledPeriods = m.get("nr_throttled");
  const seconds = m.has("throttled_usec")
    ? m.get("throttled_usec")! / 1e6
    : m.has("throttled_time")
      ? m.get("throttled_time")! / 1e9
      : undefined;
  if (periods === undefined || throttledPeriods === undefined || seconds === undefined) return undefined;
  return { periods, throttledPeriods, throttledSeconds: seconds };
}

/**
 * Where this host's cpu controller lives: a v1 hierarchy (either usual mount name) or the v2 tree.
 * A controller is bound to one hierarchy at a time, so there is one answer.
 */
function cpuHierarchy(sysfsCgroup: string): CpuHierarchy | undefined {
  const v1 = [`${sysfsCgroup}/cpu,cpuacct`, `${sysfsCgroup}/cpu`].find(
    (d) => read(`${d}/cpu.cfs_quota_us`) !== undefined,
  );
  if (v1) return { root: v1, version: 1 };
  const v2 = (read(`${sysfsCgroup}/cgroup.controllers`) ?? "").split(/\s+/).includes("cpu");
  return v2 ? { root: sysfsCgroup, version: 2 } : undefined;
}

function readQuota(h: CpuHierarchy, cgroup: string): Reading | undefined {
  const dir = `${h.root}${cgroup === "/" ? "" : cgroup}`;
  let quotaCpus: number | undefined;
  if (h.version === 2) quotaCpus = parseCpuMax(read(`${dir}/cpu.max`) ?? "max");
  else {
    const q = Number(read(`${dir}/cpu.cfs_quota_us`) ?? -1);
    const p = q > 0 ? Number(read(`${dir}/cpu.cfs_period_us`) ?? 0) : 0;
    quotaCpus = q > 0 && p > 0 ? q / p : undefined;
  }
  if (quotaCpus === undefined) return undefined;
  const stat = parseCpuStat(read(`${dir}/cpu.stat`) ?? "");
  return stat ? { quotaCpus, ...stat } : undefined;
}

/** A cgroup and each of its ancestors: a limit set on a pod or a slice binds every child. */
function withAncestors(path: string): string[] {
  const out: string[] = [];
  let p = path.replace(/\/+$/, "") || "/";
  for (;;) {
    out.push(p);
    if (p === "/") return out;
    p = p.slice(0, p.lastIndexOf("/")) || "/";
  }
}

/**
 * Differences the quota counters of the cgroups the running processes are in. Only cgroups seen
 * with a running process are read (a few files each, per interval); a cgroup's first reading is
 * its baseline, so its first interval's throttling is not counted. A cgroup found without a quota
 * (most of them: the root, system slices) is not read again until every FULL_SCAN_EVERY-th call,
 * so a quota set during a run is noticed that much later, and the unlimited majority costs
 * nothing per interval.
 */
export class CpuQuotaTracker {
  private readonly last = new Map<string, Reading>();
  private readonly unlimited = new Set<string>();
  private readonly cpu: CpuHierarchy | undefined;
  private calls = 0;

  constructor(sysfsCgroup = "/sys/fs/cgroup") {
    this.cpu = cpuHierarchy(sysfsCgroup);
  }

  /** Throttling since the last call in the limited cgroups holding any of `cgroups` (cpuCgroupPath's). */
  sample(cgroups: Iterable<string>): CpuQuotaDelta[] {
    const out: CpuQuotaDelta[] = [];
    const h = this.cpu;
    if (!h) return out;
    if (++this.calls % FULL_SCAN_EVERY === 0) this.unlimited.clear();
    const seen = new Set<string>();
    for (const c of cgroups) {
      if (!c.startsWith("/")) continue;
      for (const key of withAncestors(c)) {
        if (seen.has(key) || this.unlimited.has(key)) continue;
        seen.add(key);
        const now = readQuota(h, key);
        const before = this.last.get(key);
        if (!now) {
          this.last.delete(key);
          this.unlimited.add(key);
          continue;
        }
        this.last.set(key, now);
        // A counter that went down is a new cgroup under an old name: its reading is the baseline.
        if (!before || now.periods < before.periods) continue;
        const periods = now.periods - before.periods;
        if (periods <= 0) continue;
        out.push({
          cgroup: key,
          quotaCpus: now.quotaCpus,
          periods,
          throttledPeriods: now.throttledPeriods - before.throttledPeriods,
          // To the microsecond both versions count in at least: no float residue in the difference.
          throttledSeconds: Math.round((now.throttledSeconds - before.throttledSeconds) * 1e6) / 1e6,
        });
      }
    }
    return out;
  }
}
