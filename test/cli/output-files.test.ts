import assert from "node:assert/strict";
import { chownSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";

const RUN = join(FIXTURES, "runs", "overlay-udp64.json");

test("regression: -o refuses a symlink into another user's file and leaves that file untouched", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root to own a file as another user");
  const dir = tempDir("symlink");
  const victim = join(dir, "victim");
  writeFileSync(victim, "precious\n");
  chownSync(victim, 65534, 65534);
  symlinkSync(victim, join(dir, "out.folded"));
  const r = await runCli(["export", RUN, "--format", "folded", "-o", join(dir, "out.folded")]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /-o .*out\.folded: a symlink owned by another user/);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  assert.ok(lstatSync(join(dir, "out.folded")).isSymbolicLink());
});

test("-o replaces a file whole (temporary file renamed), follows our own symlink, and leaves no temporary behind", async () => {
  const dir = tempDir("outfile");
  const out = join(dir, "out.folded");
  writeFileSync(out, "old\n");
  assert.equal((await runCli(["export", RUN, "--format", "folded", "-o", out])).code, 0);
  assert.match(readFileSync(out, "utf8"), /;.* \d+\n/);
  symlinkSync(out, join(dir, "link.folded"));
  assert.equal((await runCli(["export", RUN, "--format", "json", "-o", join(dir, "link.folded")])).code, 0);
  assert.ok(lstatSync(join(dir, "link.folded")).isSymbolicLink(), "our own link is followed, not replaced");
  assert.doesNotThrow(() => JSON.parse(readFileSync(out, "utf8")));
  assert.deepEqual(readdirSync(dir).sort(), ["link.folded", "out.folded"]);
  const missing = await runCli([
    "export",
    RUN,
    "--format",
    "folded",
    "-o",
    join(dir, "no", "such", "dir", "x"),
  ]);
  assert.equal(missing.code, 3, missing.stderr);
  assert.match(missing.stderr, /cannot write there \(ENOENT\)/);
});

test("regression: a run file past the size limit is refused with the way round it, not read into memory", async () => {
  const r = await runCli(["diagnose", RUN, RUN], 60_000, { OVERLAYSCOPE_MAX_RUN_FILE_MB: "0.1" });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /MiB a run file may have .* set OVERLAYSCOPE_MAX_RUN_FILE_MB/);
  assert.equal((await runCli(["diagnose", RUN, RUN])).code, 0);
});
