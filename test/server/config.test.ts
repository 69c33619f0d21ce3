import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDaemonConfig } from "../../src/server/config.js";
import { isOverlayscopeError } from "../../src/util/errors.js";

test("daemon config: flags over the environment over the defaults; OVERLAYSCOPE_NICE checked like the rest", async () => {
  assert.equal((await loadDaemonConfig(undefined, {}, {})).nice, 10);
  assert.equal((await loadDaemonConfig(undefined, { OVERLAYSCOPE_NICE: "0" }, {})).nice, 0);
  assert.equal((await loadDaemonConfig(undefined, { OVERLAYSCOPE_NICE: "0" }, { nice: 5 })).nice, 5);
  for (const bad of ["abc", "20", "-1"])
    await assert.rejects(
      loadDaemonConfig(undefined, { OVERLAYSCOPE_NICE: bad }, {}),
      (e: unknown) => isOverlayscopeError(e) && e.code === "INVALID_ARGUMENT" && /^nice: /.test(e.message),
      bad,
    );
});

test("daemon config: SCHED_BATCH by default; OVERLAYSCOPE_BATCH=0 turns it off", async () => {
  assert.equal((await loadDaemonConfig(undefined, {}, {})).batch, true);
  assert.equal((await loadDaemonConfig(undefined, { OVERLAYSCOPE_BATCH: "0" }, {})).batch, false);
  assert.equal((await loadDaemonConfig(undefined, { OVERLAYSCOPE_BATCH: "1" }, {})).batch, true);
});
