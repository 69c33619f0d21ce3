import { execFile } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { parseFdinfo, type ProgStats } from "../bpftrace/bpf-stats.js";
import { readOptional } from "../util/read-optional.js";
import { parseProcessStat } from "./process-cpu.js";

const run = promisify(execFile);

/**
 * Every BPF program loaded on the host, with the kernel's run-time accounting (which moves only
 * while kernel.bpf_stats_enabled is 1) and the processes holding it open: a tracer, a security
 * agent or an eBPF dataplane attached to a per-packet event runs on the packets' own path, and a
 * run should say so. Programs held by a process come from /proc/<pid>/fdinfo; with bpftool, also
 * those no process holds (pinned, or attached by a loader that exited) and every program's name.
 */
export interface BpfProgramReading {
  id: number;
  /** The kernel's program type number (BPF_PROG_TYPE_*). */
  type: number;
  /** The type's name as bpftool spells it ("tracepoint", "sched_cls", …); the number where unknown. */
  typeName: string;
  name: string;
  runTimeNs: number;
  runCount: number;
  holders: Array<{ pid: number; ppid: number; comm: string }>;
}

export interface BpfProgramsSnapshot {
  takenAt: number;
  /** kernel.bpf_stats_enabled when read: run times move only while it is 1. */
  statsEnabled: boolean;
  /** "fdinfo" alone, or with "bpftool" for the programs no process holds and their names. */
  source: string;
  programs: BpfProgramReading[];
}

/** BPF_PROG_TYPE_* numbers (include/uapi/linux/bpf.h) by bpftool's names, the common ones. */
const TYPE_NAMES: Record<number, string> = {
  1: "socket_filter",
  2: "kprobe",
  3: "sched_cls",
  4: "sched_act",
  5: "tracepoint",
  6: "xdp",
  7: "perf_event",
  8: "cgroup_skb",
  9: "cgroup_sock",
  13: "sock_ops",
  14: "sk_skb",
  15: "cgroup_device",
  16: "sk_msg",
  17: "raw_tracepoint",
  18: "cgroup_sock_addr",
  26: "tracing",
  29: "lsm",
  30: "sk_lookup",
  31: "syscall",
  32: "netfilter",
};
const TYPE_NUMBERS = new Map(Object.entries(TYPE_NAMES).map(([n, name]) => [name, Number(n)]));

interface BpftoolProg {
  id: number;
  type: string | number;
  name?: string;
  run_time_ns?: number;
  run_cnt?: number;
}

function isBpftoolProg(p: unknown): p is BpftoolProg {
  if (typeof p !== "object" || p === null) return false;
  const { id, type } = p as Partial<Record<keyof BpftoolProg, unknown>>;
  return Number.isInteger(id) && (typeof type === "string" || typeof type === "number");
}

/**
 * `bpftool -j prog show`: id, type name, name and (stats on) run_time_ns, run_cnt per program.
 * Undefined when the output is not that list (truncated, an `{"error": …}` object, another
 * tool under the name), so the reading falls back to fdinfo alone instead of being lost.
 */
export function parseBpftoolProgs(json: string): Array<Omit<BpfProgramReading, "holders">> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed.filter(isBpftoolProg).map((p) => {
    const type = typeof p.type === "number" ? p.type : (TYPE_NUMBERS.get(p.type) ?? -1);
    return {
      id: p.id,
      type,
      typeName: typeof p.type === "string" ? p.type : (TYPE_NAMES[type] ?? String(type)),
      name: p.name ?? "",
      runTimeNs: p.run_time_ns ?? 0,
      runCount: p.run_cnt ?? 0,
    };
  });
}

/**
 * The programs each process holds open, from its fd links and fdinfo. Synchronous on purpose:
 * a few µs per fd, where the async path costs a thread-pool round trip per file (60–80 ms of CPU
 * for this host's 73 processes and 525 fds against 6–7 ms synchronously); it runs at the window's
 * two edges only.
 */
function heldPrograms(
  procRoot: string,
): Map<number, { stats: ProgStats; holders: BpfProgramReading["holders"] }> {
  const out = new Map<number, { stats: ProgStats; holders: BpfProgramReading["holders"] }>();
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return []; // the process exited
    }
  };
  const link = (path: string): string => {
    try {
      return readlinkSync(path);
    } catch {
      return ""; // the fd was closed
    }
  };
  for (const pid of list(procRoot).filter((d) => /^\d+$/.test(d))) {
    let holder: BpfProgramReading["holders"][number] | undefined;
    for (const fd of list(`${procRoot}/${pid}/fd`)) {
      if (link(`${procRoot}/${pid}/fd/${fd}`) !== "anon_inode:bpf-prog") continue;
      const stats = parseFdinfo(readOptional(`${procRoot}/${pid}/fdinfo/${fd}`) ?? "");
      if (!stats) continue;
      if (!holder) {
        const st = parseProcessStat(Number(pid), readOptional(`${procRoot}/${pid}/stat`) ?? "");
        holder = { pid: Number(pid), ppid: st?.ppid ?? 0, comm: st?.comm ?? "" };
      }
      const entry = out.get(stats.progId) ?? { stats, holders: [] };
      if (!entry.holders.includes(holder)) entry.holders.push(holder);
      out.set(stats.progId, entry);
    }
  }
  return out;
}

export async function readBpfPrograms(procRoot = "/proc"): Promise<BpfProgramsSnapshot> {
  const held = heldPrograms(procRoot);
  const [listed, enabled] = await Promise.all([
    run("bpftool", ["-j", "prog", "show"], { timeout: 5000, maxBuffer: 64 << 20 }).then(
      (r) => parseBpftoolProgs(r.stdout),
      () => undefined,
    ),
    readFile("/proc/sys/kernel/bpf_stats_enabled", "utf8").then(
      (t) => t.trim() === "1",
      () => false,
    ),
  ]);
  const programs = new Map<number, BpfProgramReading>();
  for (const [id, { stats, holders }] of held)
    programs.set(id, {
      id,
      type: stats.progType,
      typeName: TYPE_NAMES[stats.progType] ?? String(stats.progType),
      name: "",
      runTimeNs: stats.runTimeNs,
      runCount: stats.runCount,
      holders,
    });
  for (const p of listed ?? []) {
    const known = programs.get(p.id);
    if (known) known.name = p.name;
    else programs.set(p.id, { ...p, holders: [] });
  }
  return {
    takenAt: Date.now(),
    statsEnabled: enabled,
    source: listed ? "fdinfo+bpftool" : "fdinfo",
    programs: [...programs.values()],
  };
}
