import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { NetnsRef } from "./netns.js";

const run = promisify(execFile);

/** How to enter a namespace: by name (`ip netns exec` also remounts /sys), else through a process. */
function nsPrefix(ns: NetnsRef): string[] {
  if (ns.self) return [];
  if (ns.names[0] !== undefined) return ["ip", "netns", "exec", ns.names[0]];
  return ["nsenter", `--net=/proc/${ns.pid}/ns/net`];
}

/** Runs a fixed command (never client text) inside a namespace and returns its stdout. */
export async function inNs(ns: NetnsRef, argv: string[]): Promise<string> {
  const full = [...nsPrefix(ns), ...argv];
  const { stdout } = await run(full[0]!, full.slice(1), { timeout: 10_000 });
  return stdout;
}
