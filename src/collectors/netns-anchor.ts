import type { ChildProcess } from "node:child_process";
import { hasSetprivPdeathsig, spawnGuarded } from "../bpftrace/spawn-guarded.js";

/**
 * Starts one `sleep` inside each named namespace, all from one shell: the shell forks them (a
 * fraction of a millisecond each) where a spawn from the daemon forks the whole Node process
 * (several ms of its CPU each, 150 of them on a node with 150 pods). Prints "<name> <pid>" per
 * anchor and waits, so it stays their parent: killed, each anchor follows (parent-death signal).
 * Names arrive as arguments, never as script text.
 */
const ANCHOR_SCRIPT = `g=$1; shift
for ns in "$@"; do
  if [ "$g" = 1 ]; then setpriv --pdeathsig KILL ip netns exec "$ns" sleep infinity &
  else ip netns exec "$ns" sleep infinity &
  fi
  echo "$ns $!"
done
wait`;

/**
 * A named namespace with no process in it has no /proc/<pid>/net to read. One `sleep` per such
 * namespace, started once per session, gives it one; then each interval is a plain file read, not
 * a fork. Anchors die with us (parent-death signal) and are killed on release.
 */
export class NetnsAnchors {
  private readonly pids = new Map<string, number>();
  private readonly shells: ChildProcess[] = [];
  private released = false;

  /** The anchor's pid, once `ensure` started it; undefined after release. */
  pidFor(name: string): number | undefined {
    return this.released ? undefined : this.pids.get(name);
  }

  /** Starts anchors for the names that have none; resolves once every one has a pid. */
  async ensure(names: readonly string[]): Promise<void> {
    const missing = [...new Set(names)].filter((n) => !this.pids.has(n));
    if (this.released || missing.length === 0) return;
    const shell = spawnGuarded(
      "sh",
      ["-c", ANCHOR_SCRIPT, "sh", hasSetprivPdeathsig() ? "1" : "0", ...missing],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    this.shells.push(shell);
    await new Promise<void>((resolve) => {
      let out = "";
      let left = missing.length;
      const done = (): void => {
        shell.stdout?.removeAllListeners("data");
        resolve();
      };
      shell.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        let nl: number;
        while ((nl = out.indexOf("\n")) >= 0) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          const sp = line.lastIndexOf(" ");
          const pid = Number(line.slice(sp + 1));
          if (sp > 0 && Number.isInteger(pid) && pid > 0) this.pids.set(line.slice(0, sp), pid);
          if (--left === 0) done();
        }
      });
      shell.once("exit", done);
      shell.once("error", done);
    });
  }

  /** Stops the anchors of namespaces that are gone, so we never keep a deleted namespace alive. */
  retain(names: ReadonlySet<string>): void {
    for (const [name, pid] of this.pids) {
      if (names.has(name)) continue;
      kill(pid);
      this.pids.delete(name);
    }
  }

  release(): void {
    this.released = true;
    for (const pid of this.pids.values()) kill(pid);
    for (const s of this.shells) s.kill("SIGKILL");
    this.pids.clear();
    this.shells.length = 0;
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
