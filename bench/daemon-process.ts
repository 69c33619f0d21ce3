import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { NODE_FLAGS } from "../src/util/node-flags.js";
import { join } from "node:path";

/** The daemon as its own process, as in production, so its CPU and memory are not mixed with the bench's. */
export interface DaemonProcess {
  child: ChildProcess;
  socket: string;
  stop: () => Promise<void>;
}

export async function startDaemonProcess(extra: string[] = []): Promise<DaemonProcess> {
  const dir = mkdtempSync(join(tmpdir(), "overlayscope-bench-"));
  const socket = join(dir, "d.sock");
  const bin = join(import.meta.dirname, "..", "bin", "overlayscope");
  const child = spawn(process.execPath, [...NODE_FLAGS, bin, "daemon", "--socket", socket, ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise((r) => child.once("exit", r));
  while (!log.includes("daemon listening")) {
    if (child.exitCode !== null) throw new Error(`daemon exited: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    socket,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0);
}

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Direct children of a process (bpftrace runs under setpriv, which execs into it). */
export function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The daemon's bpftrace children. */
export function bpftraceChildren(pid: number): number[] {
  return childrenOf(pid).filter((p) => readFileSync(`/proc/${p}/comm`, "utf8").trim() === "bpftrace");
}
