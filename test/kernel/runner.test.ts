import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { acquireBpfStats, readProcessProgStats } from "../../src/bpftrace/bpf-stats.js";
import { BpftraceRunner } from "../../src/bpftrace/runner.js";
import type { BpftraceMessage } from "../../src/bpftrace/messages.js";
import { isOverlayscopeError } from "../../src/util/errors.js";
import { requireKernel } from "../helpers/kernel.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("a tracepoint script attaches, runs, and prints its final maps on stop", async (t) => {
  if (!requireKernel(t)) return;
  const r = new BpftraceRunner({
    label: "count-softirq",
    script: "tracepoint:irq:softirq_entry { @n = count(); @v[args->vec] = count(); }",
  });
  const msgs: BpftraceMessage[] = [];
  r.on("message", (m: BpftraceMessage) => msgs.push(m));
  await r.start();
  assert.equal(r.state, "running");
  await new Promise((res) => setTimeout(res, 300));
  // Generous deadline: on a loaded 2-core VM bpftrace can take seconds to detach and print.
  const exit = await r.stop(10_000);
  assert.equal(exit.requested, true);
  const n = msgs.find((m) => m.type === "map" && m.name === "@n");
  assert.ok(
    n && n.type === "map" && typeof n.scalar === "number" && n.scalar > 0,
    "final @n printed after SIGINT",
  );
  assert.equal(r.counters.invalid, 0);
  assert.equal(alive(r.pid!), false);
  // stop is idempotent
  assert.deepEqual((await r.stop()).requested, true);
});

test("a probe that cannot attach fails with PROBE_ATTACH_FAILED and the kernel's reason", async (t) => {
  if (!requireKernel(t)) return;
  const r = new BpftraceRunner({
    label: "bad",
    script: "tracepoint:net:no_such_tracepoint { @ = count(); }",
  });
  await assert.rejects(
    r.start(),
    (e: unknown) =>
      isOverlayscopeError(e) &&
      e.code === "PROBE_ATTACH_FAILED" &&
      /probe bad did not attach: .*tracepoint not found: net:no_such_tracepoint/.test(e.message),
  );
  assert.equal(r.state, "exited");
});

test("attached_probes alone is not success: a half-attached program is reported as failed", async (t) => {
  if (!requireKernel(t)) return;
  const caps = execFileSync("bpftrace", ["--info"], { encoding: "utf8" });
  t.diagnostic(`kprobe support per --info: ${/kprobe: (\w+)/.exec(caps)?.[1]}`);
  // On this kernel kprobes fail after bpftrace printed attached_probes; elsewhere this attaches.
  const r = new BpftraceRunner({
    label: "kprobe-trial",
    script: "kprobe:vfs_read { @ = count(); } tracepoint:irq:softirq_entry { @s = count(); }",
  });
  try {
    await r.start();
    await r.stop();
  } catch (e) {
    assert.ok(
      isOverlayscopeError(e) && e.code === "PROBE_ATTACH_FAILED" && /kprobe:vfs_read/.test(e.message),
      String(e),
    );
  }
  assert.notEqual(r.state, "running");
});

test("bpftrace dies with its parent even when the parent is SIGKILLed", async (t) => {
  if (!requireKernel(t)) return;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("${new URL("../../src/bpftrace/runner.ts", import.meta.url).pathname}").then(async ({ BpftraceRunner }) => {
        const r = new BpftraceRunner({ label: "orphan", script: "tracepoint:irq:softirq_entry { @n = count(); }" });
        await r.start();
        process.stdout.write(String(r.pid) + "\\n");
        setInterval(() => {}, 1000);
      });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const pid = await new Promise<number>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  assert.ok(alive(pid));
  child.kill("SIGKILL");
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(pid), false, `bpftrace ${pid} survived its parent`);
});

test("BPF run-time stats are enabled while held and restored afterwards", async (t) => {
  if (!requireKernel(t)) return;
  const sysctl = "/proc/sys/kernel/bpf_stats_enabled";
  const before = (await readFile(sysctl, "utf8")).trim();
  const release = await acquireBpfStats();
  assert.equal((await readFile(sysctl, "utf8")).trim(), "1");
  const r = new BpftraceRunner({ label: "stats", script: "tracepoint:irq:softirq_entry { @n = count(); }" });
  await r.start();
  await new Promise((res) => setTimeout(res, 500));
  const stats = await readProcessProgStats(r.pid!);
  await r.stop();
  await release();
  assert.ok(stats.length >= 1);
  assert.ok(
    stats.some((s) => s.runCount > 0 && s.runTimeNs > 0),
    JSON.stringify(stats),
  );
  assert.equal((await readFile(sysctl, "utf8")).trim(), before);
});
