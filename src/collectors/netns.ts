import { readdirSync, readlinkSync } from "node:fs";
import { readdir, stat, statfs } from "node:fs/promises";

/** A network namespace as we can reach it: by name (ip netns), by a process inside it, or both. */
export interface NetnsRef {
  inode: number;
  /**
   * Names under /var/run/netns (several names may point at one namespace), or the full path of a
   * namespace bind-mounted elsewhere by a runtime (Docker's overlay sandboxes hold no process).
   */
  names: string[];
  /** A process whose /proc/<pid>/net/* shows this namespace, if any. */
  pid?: number;
  /** Whether this is the namespace overlayscope itself runs in. */
  self: boolean;
}

export const NETNS_DIR = "/var/run/netns";
/**
 * Where container runtimes bind-mount namespaces that may hold no process: Docker's sandboxes,
 * among them an overlay network's (its bridge and VXLAN device live there, not in a container).
 */
export const RUNTIME_NETNS_DIRS = ["/var/run/docker/netns"];

/** Whether a namespace name is a runtime's bind-mount path rather than a name under /var/run/netns. */
export const isNetnsPath = (name: string): boolean => name.startsWith("/");

export async function netnsInode(path: string): Promise<number> {
  return (await stat(path)).ino;
}

/**
 * Reads "net:[4026531840]" links under /proc/<pid>/ns/net; processes that vanish are skipped.
 * Synchronous (a few µs per link): done asynchronously it was one thread-pool round trip per
 * process every rediscovery, each a wakeup landing on the benchmark's saturated cores.
 */
function processNamespaces(procRoot: string): Map<number, number> {
  const byInode = new Map<number, number>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const m = /net:\[(\d+)\]/.exec(readlinkSync(`${procRoot}/${entry}/ns/net`));
      if (m && !byInode.has(Number(m[1]))) byInode.set(Number(m[1]), Number(entry));
    } catch {
      // exited, or a kernel thread we may not inspect
    }
  }
  return byInode;
}

/** statfs f_type of the namespace filesystem a bind-mounted namespace shows. */
const NSFS_MAGIC = 0x6e736673;

/** `allowPlainFiles`: for tests, whose stand-in namespaces are plain files. */
export async function discoverNetns(
  procRoot = "/proc",
  netnsDir = NETNS_DIR,
  runtimeDirs = RUNTIME_NETNS_DIRS,
  allowPlainFiles = false,
): Promise<NetnsRef[]> {
  const selfInode = await netnsInode(`${procRoot}/self/ns/net`);
  const out = new Map<number, NetnsRef>();
  const get = (inode: number): NetnsRef => {
    let r = out.get(inode);
    if (!r) out.set(inode, (r = { inode, names: [], self: inode === selfInode }));
    return r;
  };
  let named: string[] = [];
  try {
    named = await readdir(netnsDir);
  } catch {
    // no named namespaces
  }
  for (const name of named.sort()) {
    try {
      get(await netnsInode(`${netnsDir}/${name}`)).names.push(name);
    } catch {
      // a stale name whose bind mount is gone
    }
  }
  // A runtime's namespaces count under their path only when /var/run/netns has no name for them.
  for (const dir of runtimeDirs)
    for (const entry of (await readdir(dir).catch(() => [] as string[])).sort()) {
      const path = `${dir}/${entry}`;
      try {
        // A runtime that stopped may leave the files, unmounted: only a namespace (nsfs) counts.
        if ((await statfs(path)).type !== NSFS_MAGIC && !allowPlainFiles) continue;
        const inode = await netnsInode(path);
        // Docker binds the host's own namespace there too (`default`): that one keeps no name.
        if (inode === selfInode) continue;
        const ref = get(inode);
        if (ref.names.length === 0) ref.names.push(path);
      } catch {
        // not a namespace, or gone
      }
    }
  for (const [inode, pid] of processNamespaces(procRoot)) get(inode).pid = pid;
  get(selfInode).pid ??= process.pid;
  return [...out.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.inode - b.inode);
}
