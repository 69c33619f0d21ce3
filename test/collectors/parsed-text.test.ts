import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNetDev, netDevDelta, type DevCounters } from "../../src/collectors/net-dev.js";
import { deltaOf, parseUnlessSame } from "../../src/collectors/parsed-text.js";

const DEV = (
  rx: number,
): string => `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: ${rx * 100} ${rx} 0 0 0 0 0 0 ${rx * 100} ${rx} 0 0 0 0 0 0
`;

test("a quiet namespace's unchanged text is parsed and differenced once; a changed one again", () => {
  let parses = 0;
  let deltas = 0;
  const parse = (t: string): DevCounters[] => (parses++, parseNetDev(t));
  const delta = (a: DevCounters[], b: DevCounters[]): DevCounters[] => (deltas++, netDevDelta(a, b));
  let prev = parseUnlessSame<DevCounters[], DevCounters[]>(DEV(5), undefined, parse);
  for (let i = 0; i < 10; i++) {
    const cur = parseUnlessSame(DEV(5), prev, parse);
    assert.equal(deltaOf(prev, cur, delta)[0]!.rxPackets, 0);
    prev = cur;
  }
  assert.equal(parses, 1);
  assert.equal(deltas, 1);
  const moved = parseUnlessSame(DEV(12), prev, parse);
  assert.equal(deltaOf(prev, moved, delta)[0]!.rxPackets, 7);
  assert.equal(parses, 2);
});
