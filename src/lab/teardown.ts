import { execFileSync } from "node:child_process";
import { stopNodesSync } from "./docker-nodes.js";
import { dropOwnerSync } from "./lab-owners.js";
import type { DockerNode } from "./topology.js";

/** What removing a lab needs: a built lab, or an orphaned one found by its id (lab-state.ts). */
export interface Removable {
  id: string;
  namespaces: string[];
  /** Docker-backed labs' containers. */
  containers?: string[];
  /** docker-overlay's own dockerds. */
  dockerNodes?: DockerNode[];
}

/**
 * Labs alive in this process. On any exit path (normal, uncaught error, SIGINT/SIGTERM handled by
 * the CLI) their namespaces are deleted synchronously, so nothing is left behind.
 */
const labs = new Set<Removable>();
let hooked = false;

function removeAllSync(): void {
  for (const lab of labs) {
    if (lab.dockerNodes?.length) {
      stopNodesSync(lab.dockerNodes, lab.containers ?? []);
      lab.dockerNodes = [];
      lab.containers = [];
    }
    if (lab.containers?.length) {
      try {
        execFileSync("docker", ["rm", "-f", ...lab.containers], { stdio: "ignore", timeout: 30_000 });
      } catch {
        // gone already, or no dockerd to ask
      }
      lab.containers = [];
    }
    for (const ns of [...lab.namespaces].reverse()) {
      try {
        execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    lab.namespaces = [];
    dropOwnerSync(lab.id);
  }
  labs.clear();
}

export function registerLab(lab: Removable): void {
  if (!hooked) {
    hooked = true;
    process.on("exit", removeAllSync);
    // Node's default for SIGINT/SIGTERM skips "exit" handlers; a process that has not chosen its
    // own handling (benchmarks, scripts) exits through process.exit so the labs still go.
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      if (process.listenerCount(sig) === 0)
        process.once(sig, () => process.exit(sig === "SIGINT" ? 130 : 143));
    }
  }
  labs.add(lab);
}

export function unregisterLab(lab: Removable): void {
  labs.delete(lab);
  dropOwnerSync(lab.id);
}
