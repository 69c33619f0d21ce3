import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { isNetnsPath, type NetnsRef } from "./netns.js";

const run = promisify(execFile);

/**
 * How to enter a namespace: by name (`ip netns exec` also remounts /sys), else through its
 * runtime's bind mount or a process in it (nsenter: /sys stays the daemon's).
 */
function nsPrefix(ns: NetnsRef): string[] {
  if (ns.self) return [];
  const name = ns.names[0];
  if (name !== undefined && !isNetnsPath(name)) return ["ip", "netns", "exec", name];
  return ["nsenter", `--net=${name ?? `/proc/${ns.pid}/ns/net`}`];
}

/** Whether /sys inside inNs shows the namespace's own devices (only `ip netns exec` remounts it). */
export const sysfsIsOwn = (ns: NetnsRef): boolean =>
  ns.self || (ns.names[0] !== undefined && !isNetnsPath(ns.names[0]));

/** Runs a fixed command (never client text) inside a namespace and returns its stdout. */
export async function inNs(ns: NetnsRef, argv: string[]): Promise<string> {
  const full = [...nsPrefix(ns), ...argv];
  const { stdout } = await run(full[0]!, full.slice(1), { timeout: 10_000 });
  return stdout;
}
