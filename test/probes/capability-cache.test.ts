import assert from "node:assert/strict";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capabilityKey } from "../../src/probes/capability-cache.js";
import { probeCapabilities } from "../../src/probes/capabilities.js";
import { tempDir } from "../helpers/temp-dir.js";

/** A stand-in bpftrace that counts how often it is started. */
function fakeBpftrace(dir: string): { binary: string; calls: () => number } {
  const count = join(dir, "calls");
  writeFileSync(count, "");
  const binary = join(dir, "bpftrace");
  writeFileSync(
    binary,
    `#!/bin/sh\necho x >> ${count}\n[ "$1" = --version ] && echo "bpftrace v0.17.0"\nexit 0\n`,
    { mode: 0o755 },
  );
  return { binary, calls: () => readFileSync(count, "utf8").split("\n").filter(Boolean).length };
}

test("trial attaches run once per boot and binary; a changed binary is tried again", async () => {
  const dir = tempDir("caps");
  const cache = join(dir, "capabilities.json");
  const fake = fakeBpftrace(dir);
  const first = await probeCapabilities(fake.binary, cache);
  assert.equal(fake.calls(), 4, "version and three trial attaches");
  assert.equal(first.kprobe.ok, true);
  const second = await probeCapabilities(fake.binary, cache);
  assert.equal(fake.calls(), 4, "the second start reads the cache");
  assert.deepEqual(second.bpftrace, first.bpftrace);
  assert.deepEqual(second.kprobe, first.kprobe);
  // Another binary (here: the same path, modified) is not trusted to behave the same.
  const before = await capabilityKey(fake.binary);
  utimesSync(fake.binary, new Date(), new Date(Date.now() + 5000));
  assert.notEqual(await capabilityKey(fake.binary), before);
  await probeCapabilities(fake.binary, cache);
  assert.equal(fake.calls(), 8);
  // Without a cache file, always afresh.
  await probeCapabilities(fake.binary, undefined);
  assert.equal(fake.calls(), 12);
});
