import assert from "node:assert/strict";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { testCaps } from "../helpers/caps.js";
import { loadCatalogue } from "../../src/probes/manifest.js";
import type { StacksSnapshot } from "../../src/probes/parsers/stacks.js";
import { ProbeRun, type ProbeReading } from "../../src/probes/probe-run.js";
import { tempDir } from "../helpers/temp-dir.js";

// A stand-in bpftrace that prints one interval at once; on SIGINT an interval that closed just
// then and, like bpftrace, its maps once more before exiting, so the
// ordering between bpftrace's exit and the readings is what is tested, not the kernel.
let dir: string;
let fake: string;

function mapLine(pid: number, userAddress: string): string {
  const key = `${pid},0,\\n    do_syscall_64+93\\n,\\n    ${userAddress}\\n,node`;
  return JSON.stringify({ type: "map", data: { "@usamples": { PLACEHOLDER: 3 } } }).replace(
    "PLACEHOLDER",
    key,
  );
}

/** An address inside this process's own executable text, which the symbolizer reads from disk. */
async function ownTextAddress(): Promise<string> {
  const exe = await readFile("/proc/self/maps", "utf8");
  const line = exe.split("\n").find((l) => / r-xp /.test(l) && l.endsWith(process.execPath));
  assert.ok(line, "node's text mapping");
  const start = BigInt(`0x${line.split("-")[0]}`);
  return `0x${(start + 0x2000n).toString(16)}`;
}

before(async () => {
  dir = tempDir("probe-run");
  fake = join(dir, "bpftrace");
  const line = mapLine(process.pid, await ownTextAddress()).replaceAll("'", "'\\''");
  const tick = JSON.stringify({ type: "printf", data: "overlayscope:tick\n" });
  await writeFile(
    fake,
    `#!/bin/bash
last() { echo '${line}'; echo '${tick}'; echo '${line}'; exit 0; }
trap last INT
echo '{"type": "attached_probes", "data": {"probes": 3}}'
echo '{"type": "printf", "data": "overlayscope:ready\\n"}'
echo '${line}'
echo '${tick}'
while true; do sleep 0.02; done
`,
  );
  await chmod(fake, 0o755);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Only the bpftrace version matters here (it adapts the script); the fake ignores the rest.
const caps = testCaps();

test("stop() resolves only after the final interval's reading was emitted, user frames resolved", async () => {
  const entry = (await loadCatalogue()).get("stacks")!;
  const params = { interval_s: 1, hz: 19, max_frames: 127, user_stacks: true, filter: "1" };
  const variant = entry.manifest.variants.find((v) => v.name === "perf_event")!;
  const run = new ProbeRun(entry, variant, params, caps, fake);
  const readings: ProbeReading[] = [];
  run.on("reading", (r: ProbeReading) => readings.push(r));
  await run.start();
  await run.stop();
  assert.equal(readings.length, 3, `readings when stop() resolved: ${readings.length}`);
  assert.ok(readings[2]!.final, "the last reading is the final one");
  // Printed after the stop request: bpftrace detaches its programs as it exits, so no cost is
  // measured (a cost over the programs left read as a probe that saw no events).
  assert.equal(readings[1]!.cost, undefined, "no cost measured during the stop");
  assert.equal(readings[2]!.cost, undefined, "nor on the final print");
  for (const r of readings) {
    const s = r.data.data as StacksSnapshot;
    assert.equal(s.total, 3);
    const user = s.samples[0]!.userFrames[0] ?? "";
    assert.doesNotMatch(user, /^0x/, `user frame resolved: ${user}`);
  }
});
