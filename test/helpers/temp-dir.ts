import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
const removeAll = (): void => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
};
// node --test runs each file in its own process: removing at exit cleans up after every test in
// it, passed or failed, without each test remembering to.
process.once("exit", removeAll);
// A signal (CI stopped by its process group, Ctrl-C) ends the process without "exit" handlers:
// a stopped CI run left seven directories here. Remove them, then die of the same signal (the
// handler is gone by then, so the default action runs and the exit status stays the signal's).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.once(signal, () => {
    removeAll();
    process.kill(process.pid, signal);
  });

/** A fresh directory under the system's temp dir, removed when this test file's process ends. */
export function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `overlayscope-${name}-`));
  made.push(d);
  return d;
}
