import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSockperfLatency as parseSockperf } from "../../src/benchmarks/sockperf-report.js";
import { fixtureText } from "../helpers/fixtures.js";

test("sockperf 3.7 ping-pong output (recorded, with ANSI colours) parses into latency figures", () => {
  const r = parseSockperf(fixtureText("tools/sockperf-pp-3.7.txt"), 64);
  assert.ok(r);
  assert.ok(r.avgUs > 0 && r.p50Us > 0 && r.p99Us >= r.p50Us && r.p999Us >= r.p99Us);
  assert.ok(r.observations > 100);
  assert.equal(parseSockperf("sockperf: error", 64), undefined);
});
