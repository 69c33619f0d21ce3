import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { componentLogger } from "../util/log.js";
import { parsePerfCsvLine, type PerfSample } from "./perf-stat-parse.js";

const log = componentLogger("perf-stat");

export const CORE_EVENTS = [
  "cycles",
  "instructions",
  "cache-references",
  "cache-misses",
  "LLC-loads",
  "LLC-load-misses",
] as const;

/** Which PMUs this machine exposes, from /sys/bus/event_source/devices. */
export interface PmuInventory {
  core: boolean;
  uncoreImc: string[];
  amdDf: boolean;
  resctrlMbm: boolean;
  reason?: string;
}

export function pmuInventory(
  root = "/sys/bus/event_source/devices",
  resctrl = "/sys/fs/resctrl",
): PmuInventory {
  let devices: string[] = [];
  try {
    devices = readdirSync(root);
  } catch {
    // no event_source bus at all
  }
  const core = devices.includes("cpu") || devices.includes("cpu_core") || devices.includes("armv8_pmuv3");
  const inv: PmuInventory = {
    core,
    uncoreImc: devices.filter((d) => d.startsWith("uncore_imc")).sort(),
    amdDf: devices.includes("amd_df"),
    resctrlMbm: existsSync(`${resctrl}/mon_data`),
  };
  if (!core)
    inv.reason = `no CPU PMU in ${root} (found: ${devices.join(", ") || "nothing"}); a VM without PMU passthrough`;
  return inv;
}

/** Memory-bandwidth events for the uncore this machine has. */
export function memoryEvents(inv: PmuInventory): string[] {
  if (inv.uncoreImc.length > 0) return ["uncore_imc/cas_count_read/", "uncore_imc/cas_count_write/"];
  if (inv.amdDf)
    return [
      "amd_df/local_or_remote_socket_read_data_beats_dram_0/",
      "amd_df/local_or_remote_socket_write_data_beats_dram_0/",
    ];
  return [];
}

/**
 * `perf stat` in interval mode as a long-lived child, with the same discipline as bpftrace:
 * guarded spawn, SIGINT then SIGKILL, every path settles. Emits samples through `onSample`.
 */
export class PerfStatRunner {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;

  constructor(
    private readonly events: readonly string[],
    private readonly intervalMs: number,
    private readonly onSample: (s: PerfSample) => void,
  ) {}

  start(): void {
    const args = ["stat", "-x", ",", "-I", String(this.intervalMs), "-A", "-a", "-e", this.events.join(",")];
    const child = spawnGuarded("perf", args, { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    // perf stat writes its counts to stderr.
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const s = parsePerfCsvLine(line);
      if (s) this.onSample(s);
    });
    this.exit = new Promise((resolve) => {
      child.once("error", (e) => {
        log.warn({ err: e.message }, "perf could not start");
        resolve(null);
      });
      child.once("close", (code) => resolve(code));
    });
  }

  async stop(deadlineMs = 2000): Promise<number | null> {
    if (!this.child || !this.exit) return null;
    this.child.kill("SIGINT");
    const t = setTimeout(() => this.child?.kill("SIGKILL"), deadlineMs);
    t.unref();
    const code = await this.exit;
    clearTimeout(t);
    return code;
  }
}
