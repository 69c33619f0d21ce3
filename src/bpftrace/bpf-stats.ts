import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { componentLogger } from "../util/log.js";

const log = componentLogger("bpf-stats");
const run = promisify(execFile);
const SYSCTL = "/proc/sys/kernel/bpf_stats_enabled";

/** Kernel accounting for one loaded BPF program (needs kernel.bpf_stats_enabled=1 to move). */
export interface ProgStats {
  progId: number;
  progType: number;
  tag: string;
  /** bpftrace's program name (e.g. `tracepoint_irq_softirq_entry_3`) when bpftool is there. */
  name?: string;
  runTimeNs: number;
  runCount: number;
  recursionMisses: number;
}

export function parseFdinfo(text: string): ProgStats | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) fields.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  if (!fields.has("prog_id")) return undefined;
  const num = (k: string): number => Number(fields.get(k) ?? 0);
  return {
    progId: num("prog_id"),
    progType: num("prog_type"),
    tag: fields.get("prog_tag") ?? "",
    runTimeNs: num("run_time_ns"),
    runCount: num("run_cnt"),
    recursionMisses: num("recursion_misses"),
  };
}

/** Which fds of a process are BPF programs: bpftrace opens them all at attach, so one scan holds. */
const progFds = new Map<string, { fds: string[]; scannedAt: number }>();
const RESCAN_MS = 30_000;

function readFdStats(dir: string, fds: readonly string[]): Array<{ fd: string; stats: ProgStats }> {
  const out: Array<{ fd: string; stats: ProgStats }> = [];
  for (const fd of fds) {
    try {
      // Synchronous on purpose: a few µs per file, where the async path is a thread-pool round trip.
      const stats = parseFdinfo(readFileSync(`${dir}/${fd}`, "utf8"));
      if (stats) out.push({ fd, stats });
    } catch {
      // fd closed between readdir and read
    }
  }
  return out;
}

/**
 * Reads the stats of every BPF program a process holds open, straight from /proc/PID/fdinfo.
 * The first call scans every fd; later calls read only the program fds found then (a per-second
 * scan of a bpftrace's hundred-odd perf and map fds was most of this function's cost), with a
 * full rescan every 30 s or when a known fd disappears.
 */
export async function readProcessProgStats(pid: number, procRoot = "/proc"): Promise<ProgStats[]> {
  const dir = `${procRoot}/${pid}/fdinfo`;
  const known = progFds.get(dir);
  if (known && known.fds.length > 0 && Date.now() - known.scannedAt < RESCAN_MS) {
    const got = readFdStats(dir, known.fds);
    if (got.length === known.fds.length) return got.map((g) => g.stats).sort((a, b) => a.progId - b.progId);
  }
  let fds: string[];
  try {
    fds = await readdir(dir);
  } catch {
    progFds.delete(dir);
    return [];
  }
  const got = readFdStats(dir, fds);
  progFds.set(dir, { fds: got.map((g) => g.fd), scannedAt: Date.now() });
  if (progFds.size > 256) progFds.delete(progFds.keys().next().value!);
  return got.map((g) => g.stats).sort((a, b) => a.progId - b.progId);
}

const names = new Map<number, string>();
/** Ids bpftool was already asked about: a program without a name must not cost a fork per interval. */
const asked = new Set<number>();

/** Fills in program names from `bpftool prog show -j` once per program id; absent bpftool is fine. */
export async function nameProgs(stats: ProgStats[]): Promise<ProgStats[]> {
  if (stats.some((s) => !asked.has(s.progId))) {
    for (const s of stats) asked.add(s.progId);
    try {
      const { stdout } = await run("bpftool", ["prog", "show", "-j"], { timeout: 5000, maxBuffer: 32 << 20 });
      for (const p of JSON.parse(stdout) as Array<{ id: number; name?: string }>) {
        if (p.name) names.set(p.id, p.name);
      }
    } catch (e) {
      log.debug({ err: (e as Error).message }, "bpftool unavailable; program names omitted");
    }
  }
  return stats.map((s) => {
    const name = names.get(s.progId);
    return name === undefined ? s : { ...s, name };
  });
}

/**
 * `kernel.bpf_stats_enabled`, shared by every overlayscope process on the host: on while any of
 * them needs it, then restored to the value it had before the first one touched it. A per-process
 * count was not enough: a daemon that exited restored "0" under another process that had found it
 * already on (CI saw a probe's cost read 0 that way). Each holding process leaves a marker named
 * by its pid; the value found before is kept beside them; the last live holder restores it.
 */
export interface BpfStatsSwitch {
  sysctl: string;
  dir: string;
  pid: number;
  alive: (pid: number) => boolean;
}

const defaultSwitch = (): BpfStatsSwitch => ({
  sysctl: SYSCTL,
  dir: "/run/overlayscope/bpf-stats",
  pid: process.pid,
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  },
});

/** Holders other than us that are still alive; markers of dead ones are removed. */
async function otherHolders(sw: BpfStatsSwitch): Promise<number[]> {
  const names = await readdir(sw.dir).catch(() => [] as string[]);
  const live: number[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n) || Number(n) === sw.pid) continue;
    if (sw.alive(Number(n))) live.push(Number(n));
    else await rm(`${sw.dir}/${n}`, { force: true });
  }
  return live;
}

/** Holders inside each process (keyed by marker, so a test can stand for several processes). */
const holders = new Map<string, number>();

export async function acquireBpfStats(sw: BpfStatsSwitch = defaultSwitch()): Promise<() => Promise<void>> {
  const marker = `${sw.dir}/${sw.pid}`;
  holders.set(marker, (holders.get(marker) ?? 0) + 1);
  if (holders.get(marker) === 1) {
    try {
      await mkdir(sw.dir, { recursive: true, mode: 0o755 });
      if ((await otherHolders(sw)).length === 0) {
        const current = (await readFile(sw.sysctl, "utf8")).trim();
        if (current !== "1") {
          await writeFile(`${sw.dir}/previous`, current);
          await writeFile(sw.sysctl, "1");
        }
      }
      await writeFile(marker, "");
    } catch (e) {
      log.warn(
        { err: (e as Error).message },
        "cannot enable kernel.bpf_stats_enabled; probe self-cost will read 0",
      );
    }
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    holders.set(marker, holders.get(marker)! - 1);
    if (holders.get(marker)! > 0) return;
    holders.delete(marker);
    try {
      await rm(marker, { force: true });
      if ((await otherHolders(sw)).length > 0) return;
      const previous = await readFile(`${sw.dir}/previous`, "utf8").catch(() => undefined);
      if (previous !== undefined) {
        await writeFile(sw.sysctl, previous);
        await rm(`${sw.dir}/previous`, { force: true });
      }
    } catch (e) {
      log.warn({ err: (e as Error).message }, "cannot restore kernel.bpf_stats_enabled");
    }
  };
}

/** Cost over a window from two readings of the same programs. */
export interface ProgCost {
  progId: number;
  name?: string;
  events: number;
  runTimeNs: number;
  nsPerEvent: number;
}

export function costBetween(before: readonly ProgStats[], after: readonly ProgStats[]): ProgCost[] {
  const prev = new Map(before.map((s) => [s.progId, s]));
  return after.map((a) => {
    const b = prev.get(a.progId);
    const events = a.runCount - (b?.runCount ?? 0);
    const runTimeNs = a.runTimeNs - (b?.runTimeNs ?? 0);
    const cost: ProgCost = {
      progId: a.progId,
      events,
      runTimeNs,
      nsPerEvent: events > 0 ? runTimeNs / events : 0,
    };
    if (a.name !== undefined) cost.name = a.name;
    return cost;
  });
}
