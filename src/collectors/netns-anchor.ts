import type { ChildProcess } from "node:child_process";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";

/**
 * A named namespace with no process in it has no /proc/<pid>/net to read. One `sleep` per such
 * namespace, started once per session, gives it one; then each interval is a plain file read, not
 * a fork. Anchors die with us (parent-death signal) and are killed on release.
 */
export class NetnsAnchors {
  private readonly anchors = new Map<string, ChildProcess>();
  private released = false;

  /** Undefined after release: a late reader must not start a new anchor nobody will stop. */
  pidFor(name: string): number | undefined {
    if (this.released) return undefined;
    let child = this.anchors.get(name);
    if (!child) {
      child = spawnGuarded("ip", ["netns", "exec", name, "sleep", "infinity"], { stdio: "ignore" });
      this.anchors.set(name, child);
    }
    return child.pid;
  }

  /** Stops the anchors of namespaces that are gone, so we never keep a deleted namespace alive. */
  retain(names: ReadonlySet<string>): void {
    for (const [name, c] of this.anchors) {
      if (names.has(name)) continue;
      c.kill("SIGKILL");
      this.anchors.delete(name);
    }
  }

  release(): void {
    this.released = true;
    for (const c of this.anchors.values()) c.kill("SIGKILL");
    this.anchors.clear();
  }
}
