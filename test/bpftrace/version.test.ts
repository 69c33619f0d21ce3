import assert from "node:assert/strict";
import { test } from "node:test";
import { adaptScript, atLeast, parseVersion } from "../../src/bpftrace/version.js";

test("versions from several bpftrace releases parse", () => {
  assert.deepEqual(parseVersion("bpftrace v0.17.0\n"), { major: 0, minor: 17, patch: 0, text: "0.17.0" });
  assert.equal(parseVersion("bpftrace v0.14.1")?.minor, 14);
  assert.equal(parseVersion("bpftrace v0.20.2-dirty")?.minor, 20);
  assert.equal(parseVersion("nonsense"), undefined);
});

test("args-> becomes args. only for versions that want it", () => {
  const s = "tracepoint:irq:softirq_entry { @[args->vec] = count(); }";
  assert.equal(adaptScript(s, parseVersion("v0.17.0")!), s);
  assert.equal(
    adaptScript(s, parseVersion("v0.25.0")!),
    "tracepoint:irq:softirq_entry { @[args.vec] = count(); }",
  );
  assert.ok(atLeast(parseVersion("v1.0.0")!, 0, 21));
});
