import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  calibrateTracepointDispatch,
  loadCalibration,
  saveCalibration,
} from "../../src/probes/dispatch-calibration.js";
import { DISPATCH_NS_BY_PROG_TYPE, selfCost } from "../../src/probes/self-cost.js";
import { requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

test("tracepoint dispatch is calibrated on this kernel and then used by every probe's self-cost", async (t) => {
  if (!requireKernel(t)) return;
  const c = await calibrateTracepointDispatch(100_000, 3);
  // two net_dev_queue hits per loopback ping (request and reply), plus a little other traffic
  assert.ok(c.eventsPerRun >= 200_000 && c.eventsPerRun < 260_000, `events per run ${c.eventsPerRun}`);
  assert.ok(c.runNsPerEvent > 0 && c.runNsPerEvent < 10_000, `run ns ${c.runNsPerEvent}`);
  assert.equal(c.dispatchNsPerEvent, Math.max(0, c.totalNsPerEvent - c.runNsPerEvent));
  assert.equal(c.offMs.length, 3);
  assert.equal(c.onMs.length, 3);

  const file = join(tempDir("cal"), "cal.json");
  await saveCalibration({ ...c, dispatchNsPerEvent: 321 }, file);
  assert.ok(await loadCalibration(file));
  assert.equal(DISPATCH_NS_BY_PROG_TYPE[5], 321);
  const cost = selfCost([{ progId: 1, events: 1000, runTimeNs: 50_000, nsPerEvent: 50, progType: 5 }], 1);
  assert.equal(cost.dispatchNsPerEvent, 321);

  // a calibration from another boot or kernel is ignored
  const stale = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...stale, bootId: "another-boot", dispatchNsPerEvent: 999 }));
  assert.equal(await loadCalibration(file), undefined);
  assert.equal(DISPATCH_NS_BY_PROG_TYPE[5], 321);
});
