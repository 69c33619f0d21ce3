import assert from "node:assert/strict";
import { test } from "node:test";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { coreSaturation } from "../../src/diagnose/rules/core-saturation.js";
import { fixtureRun } from "../helpers/fixtures.js";

const fig = sideFigures([fixtureRun("overlay-udp64-run.json")]);

/** A side whose repeats had these saturated intervals, six intervals each (one core full, the other idle). */
function side(saturatedPerRepeat: number[]): RunFigures {
  return {
    ...fig,
    cpuConfinement: undefined,
    saturation: saturatedPerRepeat.flatMap((n, repeat) =>
      [0, 1, 2, 3, 4, 5].map((i) => ({
        cpu: 1,
        kernelPercent: i < n ? 97 : 50,
        othersBusyPercent: 20,
        ...(saturatedPerRepeat.length > 1 ? { repeat } : {}),
      })),
    ),
  };
}

const ctx = (b: RunFigures, s: RunFigures) => ({ b, s, gap: 0, costRise: 0 });

test("one core saturated in most of the subject's intervals and none of the baseline's: named", () => {
  const f = coreSaturation.evaluate(ctx(side([0]), side([6])));
  assert.match(
    f?.title ?? "",
    /saturated with kernel work in 100% of the subject's intervals \(baseline 0%\)/,
  );
  assert.deepEqual([f!.evidence[0]!.baseline, f!.evidence[0]!.subject], ["0 of 6", "6 of 6"]);
});

test("repeats: a share of intervals varies by whole runs, so repeats that disagree name nothing", () => {
  // Six A/A runs of a UDP flood (2026-12-07): the subject's three saturated in 3, 6 and 0 of their
  // intervals, the baseline's in none; pooled as intervals, 50% vs 0% read as a change.
  assert.equal(coreSaturation.evaluate(ctx(side([0, 0, 0]), side([3, 6, 0]))), undefined);
  // Repeats that agree still show it.
  assert.ok(coreSaturation.evaluate(ctx(side([0, 0, 0]), side([6, 6, 5]))));
});
