import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { indexDescriptorSet } from "../../src/server/reflection.js";
import { requireTool } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "..", "..");

test("the descriptors reflection serves are protoc's, of the current protos (regenerate: scripts/gen-descriptors.sh)", (t) => {
  if (!requireTool(t, "protoc", ["--version"])) return;
  const committed = readFileSync(join(ROOT, "proto", "descriptors.binpb"));
  const out = join(tempDir("descriptors"), "d.binpb");
  const script = readFileSync(join(ROOT, "scripts", "gen-descriptors.sh"), "utf8");
  const args = /protoc ([\s\S]*?)\n\s*$/m
    .exec(script.slice(script.indexOf("protoc ")))![1]!
    .replace(/\\\n/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => (a.startsWith("--descriptor_set_out=") ? `--descriptor_set_out=${out}` : a));
  execFileSync("protoc", args, { cwd: ROOT });
  assert.ok(
    readFileSync(out).equals(committed),
    "proto/descriptors.binpb is stale: run scripts/gen-descriptors.sh",
  );
});

test("the index finds every service, message and method, and each file's own bytes", () => {
  const idx = indexDescriptorSet(readFileSync(join(ROOT, "proto", "descriptors.binpb")));
  assert.ok(idx.services.includes("overlayscope.v1.ProfilerService"));
  assert.ok(idx.services.includes("grpc.health.v1.Health"));
  assert.equal(idx.symbols.get("overlayscope.v1.ProbeSpec"), "overlayscope/v1/profiler.proto");
  assert.equal(idx.symbols.get("overlayscope.v1.ProbeSpec.ParamsEntry"), "overlayscope/v1/profiler.proto");
  assert.equal(
    idx.symbols.get("overlayscope.v1.ProfilerService.StartSession"),
    "overlayscope/v1/profiler.proto",
  );
  assert.ok(idx.files.get("overlayscope/v1/profiler.proto")!.bytes.length > 1000);
});
