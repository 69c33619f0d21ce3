import { readFileSync } from "node:fs";
import type { RunFile } from "../../src/run/run-file.js";

/** Packets received on a process's namespace's eth0, from /proc/PID/net/dev (the kernel's own counter). */
export function eth0Rx(pid: number): number {
  const line = readFileSync(`/proc/${pid}/net/dev`, "utf8")
    .split("\n")
    .find((l) => l.trim().startsWith("eth0:"))!;
  return Number(line.split(":")[1]!.trim().split(/\s+/)[1]);
}

/** The run's eth0 receive rate in one network namespace: every full interval's, and their mean. */
export function runEth0Rx(run: RunFile, netnsInode: number): { intervals: number; mean: number } {
  const rates = run.snapshots
    .filter((s) => !s.final)
    .flatMap((s) => s.devices.filter((d) => d.netns === netnsInode && d.device === "eth0"))
    .map((d) => d.rxPacketsPerSecond);
  return { intervals: rates.length, mean: rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length) };
}
