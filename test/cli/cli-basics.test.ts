import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NODE_FLAGS } from "../../src/util/node-flags.js";
import { BIN, runCli } from "../helpers/cli.js";

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as {
  version: string;
};

test("--help lists the commands and exits 0", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: overlayscope/);
  assert.match(r.stdout, /probes/);
  assert.match(r.stdout, /demo/);
});

test("--version prints the package version", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test("an unknown flag is a usage error: exit 2 and a message saying what to do", async () => {
  const r = await runCli(["--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  assert.match(r.stderr, /--help/);
});

test("an out-of-range option value names the option and its range", async () => {
  const r = await runCli(["demo", "--seconds", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--seconds must be an integer 1\.\.600/);
});

test("subcommand help carries an example", async () => {
  const r = await runCli(["probes", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Example:/);
});

test("the executable's #! line runs node with the flags every overlayscope process uses", () => {
  const shebang = readFileSync(BIN, "utf8").split("\n")[0]!;
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(" ")}`);
  const dockerfile = readFileSync(join(import.meta.dirname, "..", "..", "deploy", "Dockerfile"), "utf8");
  assert.match(
    dockerfile,
    new RegExp(`ENTRYPOINT \\["node", ${NODE_FLAGS.map((f) => `"${f}"`).join(", ")}, `),
  );
});
