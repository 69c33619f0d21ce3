import { existsSync } from "node:fs";
import { stat, statfs } from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import { findProgram } from "../util/path-lookup.js";
import type { Target as WireTarget } from "../generated/overlayscope/v1/Target.js";
import type { Target } from "../probes/target-filter.js";
import type { Container } from "../containers/container-model.js";
import { clientText, invalidArgument, OverlayscopeError } from "../util/errors.js";

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
  /** A container or pod target: what its runtime resolved it to, kept in the run. */
  container?: Container;
  command?: { argv: string[]; netns?: string };
}

function notFound(field: string, message: string): OverlayscopeError {
  return new OverlayscopeError("NOT_FOUND", `${field}: ${message}`, { field });
}

/** cgroup2's filesystem magic (statfs f_type): a v1 hierarchy's directory ids are not cgroup ids. */
const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * A filesystem error about a client-named path as a status: missing is NOT_FOUND, refused is
 * PERMISSION_DENIED (the daemon may run without CAP_DAC_OVERRIDE, or under an LSM), else
 * FAILED_PRECONDITION. The message never echoes more than clientText does.
 */
function pathError(field: string, kind: string, path: string, e: unknown): OverlayscopeError {
  const code = (e as NodeJS.ErrnoException).code;
  const at = `${kind} ${clientText(path)}`;
  if (code === "ENOENT" || code === "ENOTDIR") return notFound(field, `no ${at}`);
  if (code === "ENAMETOOLONG") return invalidArgument(field, `the path is too long for a ${kind}`);
  if (code === "EACCES" || code === "EPERM")
    return new OverlayscopeError("PERMISSION_DENIED", `${field}: the daemon may not read the ${at}`, {
      field,
    });
  return new OverlayscopeError("FAILED_PRECONDITION", `${field}: cannot use the ${at} (${code ?? "error"})`, {
    field,
  });
}

/**
 * The program a command target names, as exec would find it: on the daemon's PATH unless it
 * holds a "/". Checked before anything attaches, so a typo is NOT_FOUND rather than a session
 * that ends with exit 127.
 */
async function resolveProgram(name: string, field: string): Promise<void> {
  const { file, found } = await findProgram(name);
  if (file) return;
  if (found)
    throw new OverlayscopeError("FAILED_PRECONDITION", `${field}: ${clientText(name)} is not executable`, {
      field,
    });
  throw notFound(field, `no program ${clientText(name)}${name.includes("/") ? "" : " on the daemon's PATH"}`);
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
      throw invalidArgument(`${field}.path`, `not a namespace name: ${clientText(path)}`);
    if (
      path.includes("/") &&
      !(/^\/(var\/)?run\/netns\/[A-Za-z0-9_.-]+$/.test(full) || /^\/proc\/\d+\/ns\/net$/.test(full))
    ) {
      throw invalidArgument(`${field}.path`, "must be /var/run/netns/NAME or /proc/PID/ns/net");
    }
    try {
      const ino = (await stat(full)).ino;
      if (inode !== 0 && inode !== ino)
        throw invalidArgument(field, `path ${clientText(full)} is inode ${ino}, not ${inode}`);
      return { path: full, inode: ino };
    } catch (e) {
      if (e instanceof OverlayscopeError) throw e;
      throw pathError(`${field}.path`, "network namespace", full, e);
    }
  }
  const { discoverNetns } = await import("../collectors/netns.js");
  const found = (await discoverNetns()).find((n) => n.inode === inode);
  if (!found) throw notFound(`${field}.inode`, `no network namespace with inode ${inode}`);
  const name = found.names[0];
  const where =
    name === undefined ? `/proc/${found.pid}/ns/net` : name.startsWith("/") ? name : `/var/run/netns/${name}`;
  return { path: where, inode };
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
      // Empty would normalise to the root cgroup: everything, which the host target already is.
      if (raw === "")
        throw invalidArgument(
          `${field}.cgroupPath`,
          "give a cgroup path (for everything, use the host target)",
        );
      const full = normalize(isAbsolute(raw) ? raw : `${CGROUP_ROOT}/${raw}`);
      if (!full.startsWith(`${CGROUP_ROOT}/`) && full !== CGROUP_ROOT)
        throw invalidArgument(`${field}.cgroupPath`, `must be under ${CGROUP_ROOT}`);
      if (/[\0\n]/.test(full)) throw invalidArgument(`${field}.cgroupPath`, "contains a control character");
      let s;
      try {
        s = await stat(full);
      } catch (e) {
        throw pathError(`${field}.cgroupPath`, "cgroup directory", full, e);
      }
      if (!s.isDirectory())
        throw notFound(`${field}.cgroupPath`, `${clientText(full)} is not a cgroup directory`);
      // cgroup v2: the cgroup id bpftrace's `cgroup` builtin returns is the directory's inode.
      if ((await statfs(full)).type !== CGROUP2_SUPER_MAGIC)
        throw new OverlayscopeError(
          "FAILED_PRECONDITION",
          `${field}.cgroupPath: ${clientText(full)} is not on a cgroup v2 hierarchy (v1 cgroups cannot be targeted)`,
          { field: `${field}.cgroupPath` },
        );
      return { target: { kind: "cgroup", path: full, cgroupId: s.ino }, description: `cgroup ${full}` };
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
      await resolveProgram(argv[0]!, `${field}.command.argv`);
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
    case "container": {
      const { resolveContainer } = await import("../containers/resolve-container.js");
      const c = await resolveContainer(
        t!.container?.name ?? "",
        t!.container?.runtime ?? "",
        `${field}.container`,
      );
      return {
        target: { kind: "netns", path: c.netns.path, inode: c.netns.inode },
        description: `container ${c.name} (${c.runtime} ${c.id.slice(0, 12)}, netns ${c.netns.inode})`,
        container: c,
      };
    }
    case "pod": {
      const { resolvePod } = await import("../containers/resolve-pod.js");
      const c = await resolvePod(t!.pod?.name ?? "", t!.pod?.namespace ?? "", `${field}.pod`);
      return {
        target: { kind: "netns", path: c.netns.path, inode: c.netns.inode },
        description: `pod ${c.pod!.namespace}/${c.name} (${c.runtime} sandbox ${c.id.slice(0, 12)}, netns ${c.netns.inode})`,
        container: c,
      };
    }
    default:
      throw invalidArgument(field, "unknown target kind");
  }
}
