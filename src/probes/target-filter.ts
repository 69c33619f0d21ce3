/** What a session watches. Every number here was checked to exist before it gets this far. */
export type Target =
  | { kind: "host" }
  | { kind: "pid"; pid: number }
  | { kind: "cgroup"; path: string; cgroupId: number }
  | { kind: "netns"; path: string; inode: number }
  /** A daemon that stands for a set of namespaces (lab "hosts" sharing one kernel). */
  | { kind: "netnsSet"; namespaces: Array<{ path: string; inode: number }> };

/**
 * The bpftrace predicate for a target, for probes that run in the context of the task (stack
 * samples, syscalls). Softirq and device work is host-wide by nature and is not filtered.
 * A pid target includes its threads (same tgid) and direct children (benchmarks fork workers).
 */
export function filterExpression(target: Target): string {
  switch (target.kind) {
    case "host":
      return "1";
    case "pid":
      return `(pid == ${target.pid} || curtask->real_parent->tgid == ${target.pid})`;
    case "cgroup":
      return `cgroup == ${target.cgroupId}`;
    case "netns":
      return `curtask->nsproxy->net_ns->ns.inum == ${target.inode}`;
    case "netnsSet":
      return `(${target.namespaces.map((n) => `curtask->nsproxy->net_ns->ns.inum == ${n.inode}`).join(" || ")})`;
  }
}
