import type { ChildProcess } from "node:child_process";

/**
 * Every long-lived child we spawn (bpftrace, perf, benchmarks) is listed here so that an exit of
 * the Node process by any path kills it synchronously. A parent killed with SIGKILL cannot run
 * this: children are also spawned with a parent-death signal (see spawn-guarded.ts).
 */
const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function trackChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on("exit", killAll);
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
}
