import assert from "node:assert/strict";
import { test } from "node:test";
import { STUDY_PRESETS, studyPlan } from "../../src/cli/commands/study.js";
import { cellId } from "../../src/lab/study-model.js";

const base = { seconds: 3, hz: 99, output: "x" };

test("study plan: every combination once, topologies innermost; a preset's values, replaced by flags beside it", () => {
  const { plan } = studyPlan({
    ...base,
    topology: ["host", "overlay"],
    parallel: [1, 2],
    length: [64, 1400],
  });
  assert.deepEqual(plan.map(cellId), [
    "host-udp64-p1-3s",
    "overlay-udp64-p1-3s",
    "host-udp64-p2-3s",
    "overlay-udp64-p2-3s",
    "host-udp1400-p1-3s",
    "overlay-udp1400-p1-3s",
    "host-udp1400-p2-3s",
    "overlay-udp1400-p2-3s",
  ]);
  const preset = studyPlan({ ...base, preset: "flow-scaling" });
  assert.equal(preset.plan.length, STUDY_PRESETS["flow-scaling"]!.topology.length * 3);
  assert.ok(preset.plan.every((k) => k.protocol === "tcp" && k.length === 65536));
  const replaced = studyPlan({ ...base, preset: "flow-scaling", parallel: [8] });
  assert.deepEqual([...new Set(replaced.plan.map((k) => k.parallel))], [8]);
  assert.equal(studyPlan({ ...base, preset: "latency" }).latency, 3);
});

test("study plan: unknown presets, topologies and protocols are usage errors naming the flag", () => {
  assert.throws(
    () => studyPlan({ ...base, preset: "nope" }),
    /--preset: unknown 'nope' \(known: modes, flow-scaling/,
  );
  assert.throws(() => studyPlan({ ...base, topology: ["moon"] }), /--topology: unknown 'moon'/);
  assert.throws(
    () => studyPlan({ ...base, protocol: ["sctp"] }),
    /--protocol: must be udp or tcp, got 'sctp'/,
  );
});
