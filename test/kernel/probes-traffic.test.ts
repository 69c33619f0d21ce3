import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { labDown, labUp, type Lab } from "../../src/lab/topology.js";
import { ProbeEngine } from "../../src/probes/engine.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import {
  checkReadings,
  recordTraffic,
  TRAFFIC_CHECKS,
  type TrafficRun,
} from "../helpers/probe-traffic-checks.js";

// One overlay lab and one measured run shared by the checks below: every probe that works on this
// kernel, in the variant this kernel gets (the kernel matrix runs the same checks under QEMU on
// kernels where the kprobe variants are the ones chosen).
let lab: Lab | undefined;
let run: TrafficRun;

before(async () => {
  if (kernelSkipReason()) return;
  const engine = await ProbeEngine.create();
  lab = await labUp("overlay");
  const probes = [...engine.choices.values()].filter((c) => c.variant).map((c) => c.probe);
  run = await recordTraffic(engine, lab, probes);
});

after(async () => {
  if (lab) await labDown(lab);
});

test("every probe attached here produced readings with its own kernel cost", (t) => {
  if (!requireKernel(t)) return;
  const attached = [...run.engine.choices.values()].filter((c) => c.variant);
  assert.ok(attached.length >= 5, attached.map((c) => c.probe).join(", "));
  for (const c of attached) checkReadings(run, c.probe);
});

for (const c of TRAFFIC_CHECKS)
  test(c.name, async (t) => {
    if (!requireKernel(t)) return;
    await c.check(run);
  });
