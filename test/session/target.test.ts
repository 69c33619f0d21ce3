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

test("pod and container targets: malformed names never reach a runtime; each error names its field", async () => {
  const refused = async (t: Parameters<typeof resolveTarget>[0], field: string, message: RegExp) =>
    assert.rejects(
      () => resolveTarget(t, "target"),
      (e: OverlayscopeError) => e.code === "INVALID_ARGUMENT" && e.field === field && message.test(e.message),
    );
  await refused(
    { kind: "pod", pod: { name: "Web;rm -rf /", namespace: "" } },
    "target.pod.name",
    /not a pod name/,
  );
  await refused({ kind: "pod", pod: { name: "", namespace: "" } }, "target.pod.name", /not a pod name/);
  await refused(
    { kind: "pod", pod: { name: "web", namespace: "Team A" } },
    "target.pod.namespace",
    /not a Kubernetes namespace/,
  );
  await refused(
    { kind: "container", container: { name: "$(reboot)", runtime: "" } },
    "target.container.name",
    /not a container name or id/,
  );
});
