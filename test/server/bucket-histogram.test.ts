import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { BucketHistogram } from "../../src/server/bucket-histogram.js";

test("bpftrace log2 buckets become cumulative Prometheus buckets with exact power-of-two bounds", async () => {
  const r = new Registry();
  const h = new BucketHistogram("x_seconds", "help", "vector", 1e-9);
  h.register(r);
  h.add("NET_RX", [
    { max: 0, count: 1 },
    { min: 1024, max: 2047, count: 5 },
    { min: 4096, count: 2 },
  ]);
  h.add("NET_RX", [{ min: 1024, max: 2047, count: 1 }]);
  h.add("TIMER", [{ min: 2048, max: 4095, count: 4 }]);
  const text = await r.metrics();
  assert.match(text, /^# TYPE x_seconds histogram$/m);
  assert.match(text, /^x_seconds_bucket\{vector="NET_RX",le="1e-9"\} 1$/m);
  assert.match(text, /^x_seconds_bucket\{vector="NET_RX",le="0.000002048"\} 7$/m);
  // every series reports every bound, so they aggregate
  assert.match(text, /^x_seconds_bucket\{vector="NET_RX",le="0.000004096"\} 7$/m);
  assert.match(text, /^x_seconds_bucket\{vector="TIMER",le="1e-9"\} 0$/m);
  assert.match(text, /^x_seconds_bucket\{vector="NET_RX",le="\+Inf"\} 9$/m);
  assert.match(text, /^x_seconds_count\{vector="NET_RX"\} 9$/m);
  assert.match(text, /^x_seconds_count\{vector="TIMER"\} 4$/m);
});
