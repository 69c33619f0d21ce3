import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { waitForListen } from "../../src/lab/ip-command.js";
import { readRunFile } from "../../src/run/read-run.js";
import type { RunFile } from "../../src/run/run-file.js";
import { runCli } from "../helpers/cli.js";
import { handOverlay, udpClientArgv, type HandOverlay } from "../helpers/hand-overlay.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startTracer } from "../helpers/tracer.js";

// What every run carries, however it was made: a plain `run` around a user's own benchmark through
// an overlay built by hand, `record --pid` of a running server, and `record --netns`.
let ov: HandOverlay | undefined;
let server: ChildProcess | undefined;
const dir = tempDir("runmodel");

before(async () => {
  if (kernelSkipReason()) return;
  ov = handOverlay("osrm", 96);
  server = spawn("ip", ["netns", "exec", ov.c2, "iperf3", "-s", "-p", "5310"], { stdio: "ignore" });
  await waitForListen(ov.c2, "tcp", 5310);
});

after(() => {
  server?.kill("SIGKILL");
  ov?.down();
  rmSync(dir, { recursive: true, force: true });
});

/** The sections the issue promises in every run, checked the same way for each path. */
function assertSections(run: RunFile, how: string): void {
  const vx = run.environment?.start.netns
    .flatMap((n) => n.devices.map((d) => ({ ns: n.names[0], d })))
    .find((x) => x.ns === ov!.h1 && x.d.link.name === "vx0");
  assert.ok(vx, `${how}: the VXLAN device in the environment`);
  assert.deepEqual(
    { vni: vx.d.link.vxlan?.vni, port: vx.d.link.vxlan?.port, underlay: vx.d.link.vxlan?.underlay },
    { vni: 42, port: 4789, underlay: "wire0" },
    `${how}: VNI, port and underlay`,
  );
  assert.ok(run.environment?.stop, `${how}: environment at stop`);
  assert.ok(
    run.hardware.supported ? Object.keys(run.hardware.totals).length > 0 : run.hardware.reason.length > 0,
    `${how}: hardware counters or the reason`,
  );
  assert.ok(
    run.snapshots.filter((s) => !s.final).every((s) => s.hardware !== undefined),
    `${how}: every interval has its hardware section`,
  );
  assert.ok(
    run.processes.some((p) => p.comm === "iperf3" && p.cpuSeconds > 0),
    `${how}: iperf3 among the processes by CPU: ${run.processes.map((p) => p.comm).join(", ")}`,
  );
  assert.ok(run.benchmark && run.benchmark.packetsReceived > 0, `${how}: a packet count`);
  assert.ok(
    run.benchmark.source.length > 0 && run.benchmark.packetsSource.length > 0,
    `${how}: sources named`,
  );
  // The BPF programs that ran: at least the default sampler's, marked overlayscope's own and held
  // by the daemon's bpftrace (the daemon is the CLI itself for run, a child of it otherwise).
  assert.ok(run.bpfPrograms?.statsEnabled, `${how}: BPF statistics on during the window`);
  const own = run.bpfPrograms.programs.filter((p) => p.own);
  assert.ok(
    own.length > 0 && own.every((p) => p.holders.some((h) => h.comm === "bpftrace")),
    `${how}: own programs`,
  );
  assert.ok(
    Math.abs(run.bpfPrograms.seconds - run.durationSeconds) < 1.5,
    `${how}: BPF readings bracket the window (${run.bpfPrograms.seconds} s vs ${run.durationSeconds} s)`,
  );
}

test("run -- iperf3 through a hand-built overlay: iperf3's own figures, environment, hardware, processes, exact window", async (t) => {
  if (!requireKernel(t)) return;
  const out = join(dir, "run.json");
  const r = await runCli(["run", "-o", out, "--", ...udpClientArgv(ov!, 5310, "50M", 200, 3)]);
  assert.equal(r.code, 0, r.stderr);
  // The benchmark's output still reaches the terminal unchanged; read its receiver line ourselves.
  const line = r.stdout.split("\n").find((l) => / receiver\s*$/.test(l));
  assert.ok(line, r.stdout);
  const m = /([\d.]+) ([KMG])bits\/sec.*?(\d+)\/(\d+) \(/.exec(line)!;
  const ownBps = Number(m[1]) * { K: 1e3, M: 1e6, G: 1e9 }[m[2] as "K" | "M" | "G"];
  const run = await readRunFile(out);
  assert.equal(run.schema, "overlayscope.run/v2");
  assert.equal(run.benchmark?.tool, "iperf3");
  assert.ok(
    Math.abs(run.benchmark.bitsPerSecond / ownBps - 1) <= 0.01,
    `${run.benchmark.bitsPerSecond} vs ${ownBps}`,
  );
  assert.equal(run.benchmark.packetsReceived, Number(m[4]) - Number(m[3]));
  assertSections(run, "run");
  const c = run.command!;
  assert.equal(c.exitCode, 0);
  // The window is the command's lifetime (plus the stop call), not the attach time before it.
  const lifetime = (c.endedAtMs - c.startedAtMs) / 1000;
  assert.ok(
    run.durationSeconds >= lifetime && run.durationSeconds - lifetime < 0.5,
    `${run.durationSeconds} vs ${lifetime}`,
  );
});

test("run -- sh -c '… iperf3 …': the benchmark a shell script runs gives its own figures too", async (t) => {
  if (!requireKernel(t)) return;
  const out = join(dir, "script.json");
  const script = `${udpClientArgv(ov!, 5310, "30M", 200, 2).join(" ")} && echo done`;
  const r = await runCli(["run", "-o", out, "--", "sh", "-c", script]);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.split("\n").find((l) => / receiver\s*$/.test(l));
  assert.ok(line, r.stdout);
  const m = /(\d+)\/(\d+) \(/.exec(line)!;
  const run = await readRunFile(out);
  assert.equal(run.benchmark?.tool, "iperf3");
  assert.equal(run.benchmark.protocol, "udp");
  assert.equal(run.benchmark.messageBytes, 200, "the -l inside the script");
  assert.equal(run.benchmark.packetsReceived, Number(m[2]) - Number(m[1]));
});

/** Runs a paced flow for `seconds` while `record` runs with the given target flags. */
async function recordDuringFlow(targetFlags: string[], name: string): Promise<RunFile> {
  const [cmd, ...args] = udpClientArgv(ov!, 5310, "30M", 200, 30);
  const client = spawn(cmd!, args, { stdio: "ignore" });
  try {
    const out = join(dir, `${name}.json`);
    const r = await runCli(["record", ...targetFlags, "--duration", "3s", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    return await readRunFile(out);
  } finally {
    client.kill("SIGKILL");
    await new Promise((res) => client.once("close", res));
  }
}

test("record --pid <iperf3 server> carries the same sections, rates from the device counters", async (t) => {
  if (!requireKernel(t)) return;
  const run = await recordDuringFlow(["--pid", String(server!.pid)], "pid");
  assertSections(run, "record --pid");
  assert.equal(run.benchmark?.tool, "device counters");
  assert.match(run.benchmark.source, /^device counters: /);
});

test("record --netns carries the same sections", async (t) => {
  if (!requireKernel(t)) return;
  const run = await recordDuringFlow(["--netns", ov!.c2], "netns");
  assertSections(run, "record --netns");
});

test("run: a BPF program someone else runs is in the run with its holder and exactly the runs it made in the window", async (t) => {
  if (!requireKernel(t)) return;
  // Another tool's tracer on a syscall nothing else here makes, attached before the run; inside
  // the run's window the benchmark makes it exactly N times, so the program ran N times then.
  const N = 5000;
  const tracer = await startTracer("tracepoint:syscalls:sys_enter_getpgid { @n = count(); }");
  t.after(() => tracer.kill("SIGKILL"));
  const out = join(dir, "other-bpf.json");
  const r = await runCli([
    "run",
    "-o",
    out,
    "--",
    "python3",
    "-c",
    `import os\nfor _ in range(${N}): os.getpgid(0)`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const run = await readRunFile(out);
  const theirs = run.bpfPrograms?.programs.find((p) => p.holders.some((h) => h.pid === tracer.pid));
  assert.ok(theirs, JSON.stringify(run.bpfPrograms?.programs));
  assert.equal(theirs.own, false);
  assert.equal(theirs.type, "tracepoint");
  assert.deepEqual(theirs.holders, [{ pid: tracer.pid, comm: "bpftrace" }]);
  // python3 calls getpgid only where asked; a stray call elsewhere on the host would add one.
  assert.ok(theirs.runCount >= N && theirs.runCount <= N + 10, `runs ${theirs.runCount}, expected ${N}`);
  assert.ok(theirs.runTimeNs > 0 && theirs.cpuSeconds * 1e9 > theirs.runTimeNs, "run time, plus dispatch");
});
