import { execFileSync } from "node:child_process";

interface Removable {
  namespaces: string[];
}

/**
 * Labs alive in this process. On any exit path (normal, uncaught error, SIGINT/SIGTERM handled by
 * the CLI) their namespaces are deleted synchronously, so nothing is left behind.
 */
const labs = new Set<Removable>();
let hooked = false;

function removeAllSync(): void {
  for (const lab of labs) {
    for (const ns of [...lab.namespaces].reverse()) {
      try {
        execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    lab.namespaces = [];
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
}
