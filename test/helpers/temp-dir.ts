import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
// node --test runs each file in its own process: removing at exit cleans up after every test in
// it, passed or failed, without each test remembering to.
process.once("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under the system's temp dir, removed when this test file's process exits. */
export function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `overlayscope-${name}-`));
  made.push(d);
  return d;
}
