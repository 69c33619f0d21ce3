import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BpftraceRunner, READY_MARKER } from "../../src/bpftrace/runner.js";
import type { BpftraceMessage } from "../../src/bpftrace/messages.js";

// Stands in for a bpftrace that lost the first stop signal (its main loop only notices one that
// interrupts epoll_wait): it ignores SIGINT and, on SIGTERM, prints its final map and exits.
const LOSES_SIGINT = `#!/bin/bash
trap '' INT
trap 'echo "{\\"type\\": \\"map\\", \\"data\\": {\\"@n\\": 7}}"; exit 0' TERM
echo '{"type": "printf", "data": "${READY_MARKER}\\n"}'
while :; do sleep 0.05; done
`;

test("a stop request bpftrace lost is repeated until it exits on its own, final maps printed", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "overlayscope-runner-stop-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = join(dir, "bpftrace");
  await writeFile(fake, LOSES_SIGINT);
  await chmod(fake, 0o755);

  const r = new BpftraceRunner({ label: "loses-sigint", script: "BEGIN {}", binary: fake });
  const msgs: BpftraceMessage[] = [];
  r.on("message", (m: BpftraceMessage) => msgs.push(m));
  await r.start();
  const exit = await r.stop(20_000);
  assert.equal(exit.signal, null, "exited by itself, not killed at the deadline");
  assert.equal(exit.code, 0);
  const n = msgs.find((m) => m.type === "map" && m.name === "@n");
  assert.ok(n && n.type === "map" && n.scalar === 7, "the final map arrived");
});
