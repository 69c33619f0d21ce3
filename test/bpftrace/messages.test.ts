import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLine, unescapeStackKey } from "../../src/bpftrace/messages.js";

test("blank lines (printed before the exit-time dump) yield no messages", () => {
  assert.deepEqual(parseLine(""), []);
  assert.deepEqual(parseLine("   "), []);
});

test("attached_probes in the 0.17 and 0.24 shapes", () => {
  assert.deepEqual(parseLine('{"type": "attached_probes", "data": {"probes": 3}}'), [
    { type: "attached_probes", probes: 3 },
  ]);
  assert.deepEqual(parseLine('{"type":"attached_probes","data":{"probes":3,"count":3}}'), [
    { type: "attached_probes", probes: 3 },
  ]);
});

test("keyed hist, stats with avg and stats() shapes", () => {
  const h = parseLine(
    '{"type": "hist", "data": {"@h": {"0,9": [{"max": -1, "count": 2}, {"min": 64, "max": 127, "count": 2}]}}}',
  );
  assert.ok(Array.isArray(h) && h[0]?.type === "hist");
  assert.deepEqual(h[0].type === "hist" && h[0].entries?.get("0,9"), [
    { max: -1, count: 2 },
    { min: 64, max: 127, count: 2 },
  ]);
  const a = parseLine('{"type": "stats", "data": {"@a": 3}}');
  assert.deepEqual(a, [{ type: "stats", name: "@a", scalar: 3 }]);
  const s = parseLine('{"type": "stats", "data": {"@s": {"count": 2, "average": 5, "total": 10}}}');
  assert.deepEqual(s, [{ type: "stats", name: "@s", scalar: { count: 2, average: 5, total: 10 } }]);
});

test("an empty hist prints [] and parses as an empty scalar histogram", () => {
  assert.deepEqual(parseLine('{"type": "hist", "data": {"@h": []}}'), [
    { type: "hist", name: "@h", scalar: [] },
  ]);
});

test("string-valued maps are kept as text", () => {
  const m = parseLine('{"type": "map", "data": {"@comm": {"12": "iperf3"}}}');
  assert.ok(Array.isArray(m) && m[0]?.type === "map");
  assert.equal(m[0].type === "map" && m[0].entries?.get("12"), "iperf3");
});

test("unknown message types are reported as unknown, not thrown", () => {
  const m = parseLine('{"type": "tseries", "data": {"@t": []}}');
  assert.ok(Array.isArray(m));
  assert.equal(m[0]?.type, "unknown");
});

test("lost_events and helper_error are typed", () => {
  assert.deepEqual(parseLine('{"type": "lost_events", "data": {"events": 12}}'), [
    { type: "lost_events", lost: 12 },
  ]);
  const he = parseLine(
    '{"type": "helper_error", "data": {"helper": "map_update_elem", "retcode": -7, "line": 3, "col": 9}}',
  );
  assert.deepEqual(he, [{ type: "helper_error", helper: "map_update_elem", retcode: -7, line: 3, col: 9 }]);
});

test("garbage lines are values with a reason, never exceptions", () => {
  const bad = parseLine("Attaching 3 probes...");
  assert.ok(!Array.isArray(bad));
  assert.equal(bad.type, "invalid");
  const noType = parseLine('{"data": 1}');
  assert.ok(!Array.isArray(noType) && /no type/.test(noType.reason));
});

test("bpftrace 0.23's stack keys (newlines escaped once more) read as 0.17's; other keys untouched", () => {
  const k023 = "2296,1,\\n        vfs_read+187\\n,\\n        0x55c0acde2664\\n,sh";
  assert.equal(unescapeStackKey(k023), "2296,1,\n        vfs_read+187\n,\n        0x55c0acde2664\n,sh");
  const k017 = "2296,1,\n    vfs_read+187\n,sh";
  assert.equal(unescapeStackKey(k017), k017);
  assert.equal(unescapeStackKey("1,my\\nproc"), "1,my\\nproc");
});
