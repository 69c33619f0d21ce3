import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
  );
}

test("src/generated matches what `npm run gen:proto` makes from proto/ (no stale copy)", () => {
  const out = tempDir("gen");
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const cmd = pkg.scripts["gen:proto"]!.replace("--outDir=src/generated", `--outDir=${out}`).split(" ");
  execFileSync(join(ROOT, "node_modules", ".bin", cmd[0]!), cmd.slice(1), { cwd: ROOT });
  const committed = files(join(ROOT, "src", "generated"))
    .map((f) => relative(join(ROOT, "src", "generated"), f))
    .sort();
  const fresh = files(out)
    .map((f) => relative(out, f))
    .sort();
  assert.deepEqual(committed, fresh, "the same files");
  for (const f of fresh) {
    // Prettier does not touch src/generated, so the text must match byte for byte.
    assert.equal(
      readFileSync(join(ROOT, "src", "generated", f), "utf8"),
      readFileSync(join(out, f), "utf8"),
      `${f} is stale: run npm run gen:proto`,
    );
  }
});
