import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import type { Target as WireTarget } from "../generated/overlayscope/v1/Target.js";
import type { Target } from "../probes/target-filter.js";
import { invalidArgument, OverlayscopeError } from "../util/errors.js";

export const CGROUP_ROOT = "/sys/fs/cgroup";
const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ARG_MAX = 4096;
/** Well under Linux's 2 MiB exec limit (ARG_MAX), which the environment also counts against. */
const MAX_ARGV_BYTES = 128 * 1024;
const MAX_ARGS = 4096;

/** A validated target, plus what to launch for a command target. */
export interface ResolvedTarget {
  target: Target;
  description: string;
  command?: { argv: string[]; netns?: string };
}

function notFound(field: string, message: string): OverlayscopeError {
  return new OverlayscopeError("NOT_FOUND", `${field}: ${message}`, { field });
}

/**
 * What "host" means for this daemon: the whole machine, or (daemon --host-netns) a set of network
 * namespaces, as when lab "hosts" share one kernel and each runs its own daemon.
 */
export interface HostScope {
  namespaces: Array<{ path: string; inode: number }>;
}

/** Resolves the daemon's --host-netns list once at start; a missing namespace is an error. */
export async function resolveHostScope(names: readonly string[]): Promise<HostScope | undefined> {
  if (names.length === 0) return undefined;
  const namespaces = [];
  for (const [i, n] of names.entries()) namespaces.push(await resolveNetns(n, 0, `hostNetns[${i}]`));
  return { namespaces };
}

function hostTarget(scope: HostScope | undefined): ResolvedTarget {
  if (!scope) return { target: { kind: "host" }, description: "host" };
  return {
    target: { kind: "netnsSet", namespaces: scope.namespaces },
    description: `host (netns ${scope.namespaces.map((n) => n.path.replace(/^\/var\/run\/netns\//, "")).join(", ")})`,
  };
}

/** Resolves a netns given as a name under /var/run/netns, /proc/PID/ns/net, or an inode. */
async function resolveNetns(
  path: string,
  inode: number,
  field: string,
): Promise<{ path: string; inode: number }> {
  if (path === "" && inode === 0) throw invalidArgument(field, "give a path or an inode");
  if (path !== "") {
    const full = path.includes("/") ? normalize(path) : `/var/run/netns/${path}`;
    if (!path.includes("/") && !NETNS_NAME.test(path))
      throw invalidArgument(`${field}.path`, `not a namespace name: ${JSON.stringify(path)}`);
    if (
      path.includes("/") &&
      !(/^\/(var\/)?run\/netns\/[A-Za-z0-9_.-]+$/.test(full) || /^\/proc\/\d+\/ns\/net$/.test(full))
    ) {
      throw invalidArgument(`${field}.path`, "must be /var/run/netns/NAME or /proc/PID/ns/net");
    }
    try {
      const ino = (await stat(full)).ino;
      if (inode !== 0 && inode !== ino)
        throw invalidArgument(field, `path ${full} is inode ${ino}, not ${inode}`);
      return { path: full, inode: ino };
    } catch (e) {
      if (e instanceof OverlayscopeError) throw e;
      throw notFound(`${field}.path`, `no network namespace at ${full}`);
    }
  }
  const { discoverNetns } = await import("../collectors/netns.js");
  const found = (await discoverNetns()).find((n) => n.inode === inode);
  if (!found) throw notFound(`${field}.inode`, `no network namespace with inode ${inode}`);
  return { path: found.names[0] ? `/var/run/netns/${found.names[0]}` : `/proc/${found.pid}/ns/net`, inode };
}

export async function resolveTarget(
  t: WireTarget | null | undefined,
  field = "target",
  scope?: HostScope,
): Promise<ResolvedTarget> {
  switch (t?.kind ?? "host") {
    case "host":
      return hostTarget(scope);
    case "pid": {
      const pid = t!.pid ?? 0;
      if (!Number.isInteger(pid) || pid <= 0)
        throw invalidArgument(`${field}.pid`, "must be a positive process id");
      if (!existsSync(`/proc/${pid}`)) throw notFound(`${field}.pid`, `no process ${pid}`);
      return { target: { kind: "pid", pid }, description: `pid ${pid}` };
    }
    case "cgroupPath": {
      const raw = t!.cgroupPath ?? "";
      const full = normalize(isAbsolute(raw) ? raw : `${CGROUP_ROOT}/${raw}`);
      if (!full.startsWith(`${CGROUP_ROOT}/`) && full !== CGROUP_ROOT)
        throw invalidArgument(`${field}.cgroupPath`, `must be under ${CGROUP_ROOT}`);
      if (/[\0\n]/.test(full)) throw invalidArgument(`${field}.cgroupPath`, "contains a control character");
      try {
        const s = await stat(full);
        if (!s.isDirectory()) throw new Error("not a directory");
        // cgroup v2: the cgroup id bpftrace's `cgroup` builtin returns is the directory's inode.
        return { target: { kind: "cgroup", path: full, cgroupId: s.ino }, description: `cgroup ${full}` };
      } catch {
        throw notFound(`${field}.cgroupPath`, `no cgroup directory ${full}`);
      }
    }
    case "netns": {
      const ns = await resolveNetns(t!.netns?.path ?? "", Number(t!.netns?.inode ?? 0), `${field}.netns`);
      return { target: { kind: "netns", path: ns.path, inode: ns.inode }, description: `netns ${ns.path}` };
    }
    case "command": {
      const argv = t!.command?.argv ?? [];
      if (argv.length === 0 || argv[0] === "")
        throw invalidArgument(`${field}.command.argv`, "must name a program");
      if (argv.some((a) => a.length > ARG_MAX || a.includes("\0")))
        throw invalidArgument(`${field}.command.argv`, "arguments must be under 4096 bytes without NUL");
      // The kernel refuses an exec whose arguments together pass its limit (E2BIG): refused here,
      // before anything is attached, rather than after.
      if (argv.length > MAX_ARGS || argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0) > MAX_ARGV_BYTES)
        throw invalidArgument(
          `${field}.command.argv`,
          `at most ${MAX_ARGS} arguments and ${MAX_ARGV_BYTES / 1024} KiB in all`,
        );
      const netns = t!.command?.netns ?? "";
      if (netns !== "" && (!NETNS_NAME.test(netns) || !existsSync(`/var/run/netns/${netns}`))) {
        throw netns !== "" && NETNS_NAME.test(netns)
          ? notFound(`${field}.command.netns`, `no namespace ${netns}`)
          : invalidArgument(`${field}.command.netns`, "not a namespace name");
      }
      // The pid is known only after launch; the session fills it in.
      const cmd: ResolvedTarget["command"] = netns === "" ? { argv } : { argv, netns };
      return {
        target: hostTarget(scope).target,
        description: `command ${argv.join(" ").slice(0, 200)}`,
        command: cmd,
      };
    }
    default:
      throw invalidArgument(field, "unknown target kind");
  }
}
