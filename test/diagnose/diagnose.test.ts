import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { diagnose } from "../../src/diagnose/diagnose.js";
import { proportionChange, relativeChange } from "../../src/diagnose/noise.js";
import { RunFileSchema } from "../../src/run/run-file.js";

const load = (name: string) =>
  RunFileSchema.parse(
    JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "runs", name), "utf8")),
  );

test("an A/A pair (the same run twice) has no material difference and names no cause", () => {
  const run = load("overlay-udp64.json");
  const d = diagnose(run, run);
  assert.equal(d.verdict, "no-material-difference");
  assert.deepEqual(
    d.findings.filter((f) => f.kind !== "note").map((f) => f.code),
    [],
  );
});

test("host vs overlay (recorded v1 runs): slower, the symptom first, encapsulation work among the causes", () => {
  const d = diagnose(load("host-udp64.json"), load("overlay-udp64.json"));
  assert.equal(d.verdict, "slower");
  assert.equal(d.findings[0]!.kind, "symptom");
  const causes = d.findings.filter((f) => f.kind === "cause");
  assert.ok(
    causes.some((f) => f.code === "ENCAPSULATION_WORK"),
    causes.map((f) => f.code).join(","),
  );
  assert.ok(causes.every((f) => f.evidence.length > 0 && f.mechanism.length > 0));
  // Notes never rank among causes.
  const lastCause = Math.max(...d.findings.map((f, i) => (f.kind === "cause" ? i : -1)));
  assert.ok(d.findings.slice(0, lastCause).every((f) => f.kind !== "note"));
});

test("a change counts only beyond the runs' own noise and a minimum effect", () => {
  const steady = { level: 100, series: [99, 101, 100, 100, 100] };
  assert.equal(
    relativeChange(steady, { level: 95, series: [95, 95, 94, 96, 95] }).material,
    false,
    "5% < minimum effect",
  );
  assert.equal(relativeChange(steady, { level: 70, series: [70, 71, 69, 70, 70] }).material, true);
  const noisy = { level: 70, series: [20, 120, 40, 110, 60] };
  assert.equal(relativeChange(steady, noisy).material, false, "30% within a noisy run's spread");
  // 2 of 200 samples vs 0 of 200: not a difference; 60 of 200 vs 2 of 200: one.
  assert.equal(
    proportionChange({ events: 0, trials: 200 }, { events: 2, trials: 200 }, 0.05).material,
    false,
  );
  assert.equal(
    proportionChange({ events: 2, trials: 200 }, { events: 60, trials: 200 }, 0.05).material,
    true,
  );
});
