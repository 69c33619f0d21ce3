import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { fromFolded, toFolded } from "../../src/export/folded.js";
import { RunV2Schema as RunFileSchema, RUN_SCHEMA_ID } from "../../src/run/run-file.js";
import type { StackProfile } from "../../src/profile/stack-profile.js";

test("docs/run-file.schema.json is generated from the run-file types (npm run gen:schema)", () => {
  const committed = JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "..", "docs", "run-file.schema.json"), "utf8"),
  ) as unknown;
  const fresh = {
    $id: RUN_SCHEMA_ID,
    title: "overlayscope run file",
    ...z.toJSONSchema(RunFileSchema, { io: "input", unrepresentable: "any" }),
  };
  assert.deepEqual(committed, JSON.parse(JSON.stringify(fresh)));
});

test("folded stacks round-trip into the profile model: kernel and user frames, comm, context and counts", () => {
  const p: StackProfile = {
    hz: 99,
    durationSeconds: 2,
    stacks: [
      {
        frames: ["vxlan_xmit_one", "vxlan_xmit", "dev_hard_start_xmit"],
        userFrames: ["__libc_sendto", "iperf_udp_send", "main"],
        pid: 1,
        comm: "iperf3",
        cpu: 0,
        context: "task",
        samples: 7,
      },
      {
        frames: ["net_rx_action", "handle_softirqs"],
        userFrames: [],
        pid: 0,
        comm: "swapper/1",
        cpu: 1,
        context: "softirq",
        samples: 3,
      },
    ],
  };
  const back = fromFolded(toFolded(p), 99, 2);
  assert.deepEqual(
    back.stacks.map((s) => [s.frames, s.userFrames, s.comm, s.context, s.samples]),
    p.stacks.map((s) => [s.frames, s.userFrames, s.comm, s.context, s.samples]),
  );
  assert.match(
    toFolded(p),
    /^iperf3;\[task\];main;iperf_udp_send;__libc_sendto;dev_hard_start_xmit_\[k\];vxlan_xmit_\[k\];vxlan_xmit_one_\[k\] 7$/m,
  );
});
