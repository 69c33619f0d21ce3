import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveTarget } from "../../src/session/target.js";
import type { OverlayscopeError } from "../../src/util/errors.js";

test("regression: a command whose arguments together pass the exec limit is refused up front (it leaked a bpftrace)", async () => {
  const argv = ["true", ...Array.from({ length: 200 }, () => "a".repeat(4000))];
  await assert.rejects(
    () => resolveTarget({ kind: "command", command: { argv, netns: "" } }, "target"),
    (e: OverlayscopeError) => e.code === "INVALID_ARGUMENT" && e.field === "target.command.argv",
  );
  const ok = await resolveTarget({ kind: "command", command: { argv: ["true", "x"], netns: "" } }, "target");
  assert.deepEqual(ok.command?.argv, ["true", "x"]);
});
