import assert from "node:assert/strict";
import { test } from "node:test";
import { mapLimit } from "../../src/util/map-limit.js";

test("mapLimit keeps the items' order and never runs more than the limit at once", async () => {
  let inFlight = 0;
  let most = 0;
  const releases: Array<() => void> = [];
  const run = mapLimit([5, 1, 4, 2, 3, 0], 2, async (x) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise<void>((r) => releases.push(r));
    inFlight--;
    return x * 10;
  });
  // Release calls one at a time, newest first, until all six have run: each release is an event.
  while (releases.length > 0 || inFlight > 0) {
    await new Promise((r) => setImmediate(r));
    releases.pop()?.();
  }
  assert.deepEqual(await run, [50, 10, 40, 20, 30, 0]);
  assert.equal(most, 2);
});

test("mapLimit over nothing is nothing, and a failure rejects", async () => {
  assert.deepEqual(await mapLimit([], 4, () => Promise.resolve(1)), []);
  await assert.rejects(
    mapLimit([1, 2], 4, (x) => (x === 2 ? Promise.reject(new Error("no")) : Promise.resolve(x))),
    /no/,
  );
});
