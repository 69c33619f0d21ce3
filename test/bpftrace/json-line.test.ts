import assert from "node:assert/strict";
import { test } from "node:test";
import { counterToNumber, quoteLongIntegers, toCounter } from "../../src/bpftrace/json-line.js";
import { parseLine } from "../../src/bpftrace/messages.js";

test("u64 values above 2^53 keep every digit as a bigint", () => {
  const msgs = parseLine('{"type": "map", "data": {"@ns": 18446744073709551615}}');
  assert.ok(Array.isArray(msgs));
  const m = msgs[0]!;
  assert.equal(m.type, "map");
  assert.equal(m.type === "map" && m.scalar, 18446744073709551615n);
});

test("safe integers stay plain numbers", () => {
  assert.equal(toCounter(9007199254740991), 9007199254740991);
  assert.equal(toCounter("12345"), 12345);
  assert.equal(counterToNumber(2n ** 60n), 2 ** 60);
});

test("digits inside strings (map keys) are never quoted", () => {
  const line = '{"@m": {"12345678901234567890,3": 5}}';
  assert.equal(quoteLongIntegers(line), line);
});

test("escaped quotes inside strings do not confuse the scanner", () => {
  const line = '{"a": "x\\"1234567890123456789", "b": 12345678901234567890}';
  assert.equal(quoteLongIntegers(line), '{"a": "x\\"1234567890123456789", "b": "12345678901234567890"}');
});

test("0.24+ prints big integers as strings; they parse to the same bigint", () => {
  const msgs = parseLine('{"type": "map", "data": {"@ns": {"1,3": "18446744073709551615"}}}');
  assert.ok(Array.isArray(msgs));
  const m = msgs[0]!;
  assert.ok(m.type === "map" && m.entries);
  assert.equal(m.entries.get("1,3"), 18446744073709551615n);
});

test("floats and negative numbers pass through", () => {
  assert.equal(quoteLongIntegers('{"a": -3.25, "b": 1e10}'), '{"a": -3.25, "b": 1e10}');
});
