import assert from "node:assert/strict";
import { test } from "node:test";
import { STUDY_PRESETS, studyPlan } from "../../src/cli/commands/study.js";
import { cellId, StudySchema } from "../../src/lab/study-model.js";

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

test("study plan: container pairs sweep inside flows; one pair keeps the names of studies made before pairs", () => {
  const { plan } = studyPlan({ ...base, topology: ["bridge", "macvlan"], pairs: [1, 2] });
  assert.deepEqual(plan.map(cellId), [
    "bridge-udp64-p1-3s",
    "macvlan-udp64-p1-3s",
    "bridge-udp64-p1-n2-3s",
    "macvlan-udp64-p1-n2-3s",
  ]);
  const preset = studyPlan({ ...base, preset: "pairs" }).plan;
  assert.deepEqual([...new Set(preset.map((k) => k.pairs))], [1, 2, 4]);
  // An older study file's cells have no pairs: they read as one pair.
  const old = StudySchema.parse({
    schema: "overlayscope.study/v1",
    createdAt: "2026-12-01T00:00:00Z",
    overlayscopeVersion: "0",
    plan: [{ topology: "host", protocol: "udp", length: 64, parallel: 1, seconds: 3 }],
    cells: [],
    complete: false,
  });
  assert.equal(cellId(old.plan[0]!), "host-udp64-p1-3s");
});

test("study plan: unknown presets, topologies and protocols are usage errors naming the flag", () => {
  assert.throws(
    () => studyPlan({ ...base, preset: "nope" }),
    /--preset: unknown 'nope' \(known: modes, docker-modes, flow-scaling/,
  );
  assert.throws(() => studyPlan({ ...base, topology: ["moon"] }), /--topology: unknown 'moon'/);
  assert.throws(
    () => studyPlan({ ...base, protocol: ["sctp"] }),
    /--protocol: must be udp or tcp, got 'sctp'/,
  );
});
