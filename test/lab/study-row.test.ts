import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runFigures } from "../../src/diagnose/run-figures.js";
import { studyRow } from "../../src/lab/study-row.js";
import { readRunFile } from "../../src/run/read-run.js";

const load = (name: string) => readRunFile(join(import.meta.dirname, "..", "fixtures", "runs", name));

test("study row: hardware figures are null without a PMU, and per packet / per second where the run has them", async () => {
  const run = await load("overlay-udp64-run.json");
  const none = studyRow(run);
  assert.equal(none.cacheMissesPerPacket, null, "this VM has no PMU: not zero, not measured");
  assert.equal(none.memoryBytesPerSecond, null);
  const packets = runFigures(run).packets;
  // The same run as a host with a PMU and an IMC would have recorded it.
  run.hardware = {
    ...run.hardware,
    supported: true,
    reason: "",
    totals: { "cache-misses": packets * 12 },
    memorySupported: true,
    memoryReason: "",
    memoryBytes: run.durationSeconds * 3e9,
  };
  const pmu = studyRow(run);
  assert.ok(Math.abs(pmu.cacheMissesPerPacket! - 12) < 1e-9);
  assert.ok(Math.abs(pmu.memoryBytesPerSecond! - 3e9) < 1);
});
