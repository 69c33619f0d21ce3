import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fromFolded } from "../../src/export/folded.js";
import { labDown, labUp, type Lab } from "../../src/lab/topology.js";
import { readRunFile } from "../../src/run/read-run.js";
import { parseCpuList } from "../../src/util/cpu-list.js";
import { CLI_ARGV, runCli } from "../helpers/cli.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startUdpFlow } from "../helpers/lab-flow.js";

let lab: Lab | undefined;
const dir = tempDir("rec");

before(async () => {
  if (kernelSkipReason()) return;
  lab = await labUp("overlay");
});

after(async () => {
  if (lab) await labDown(lab);
});

test("cli-record: record --all while UDP crosses the overlay captures VXLAN frames and device rates", async (t) => {
  if (!requireKernel(t)) return;
  const flow = await startUdpFlow(lab!, { port: 5301, bitrate: "0", length: 64 });
  try {
    const out = join(dir, "overlay.json");
    const r = await runCli([
      "record",
      "--all",
      "--duration",
      "3s",
      "--probes",
      "softirq,stacks:hz=499,vxlan",
      "-o",
      out,
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { output: string }).output, out);
    // Progress goes to stderr: the session line always; the per-second line when an interval
    // arrives before the 3 s are up (a loaded machine can delay the first past the end).
    assert.match(r.stderr, /recording session [0-9a-f-]+ \(.*\) after \d+ ms/, "progress on stderr");
    const run = await readRunFile(out);
    assert.ok(run.snapshots.length >= 3);
    assert.ok(
      run.profile.stacks.some((s) => s.frames.some((f) => f.startsWith("vxlan_"))),
      "vxlan frames sampled",
    );
    assert.ok(
      run.snapshots.some((s) => s.devices.some((d) => d.device === "vx0" && d.txPacketsPerSecond > 1000)),
      "vx0 rate in a lab namespace",
    );
    assert.ok(
      run.snapshots.some((s) =>
        s.counters.some(
          (c) =>
            c.probe === "vxlan" &&
            c.metric === "calls" &&
            c.attributes.function === "vxlan_xmit" &&
            c.value > 0,
        ),
      ),
      `vxlan_xmit calls in no snapshot; the vxlan counters by snapshot: ${JSON.stringify(
        run.snapshots.map((s) =>
          s.counters
            .filter((c) => c.probe === "vxlan")
            .map((c) => [c.metric, c.attributes.function, c.value]),
        ),
      )}; probe costs ${JSON.stringify(run.summary.probeCosts)}; stderr ${r.stderr.slice(-2000)}`,
    );
    assert.ok(
      run.summary.probeCosts.some((c) => c.probe === "vxlan" && c.eventsPerSecond > 0),
      `no vxlan events in the probe costs: ${JSON.stringify(
        run.snapshots.map((s) => [s.final, s.probeCosts.map((c) => [c.probe, c.eventsPerSecond])]),
      )}; stderr ${r.stderr.slice(-3000)}`,
    );
  } finally {
    flow.stop();
  }
});

test("cli-run: run launches the benchmark, keeps its output visible and records its lifetime", async (t) => {
  if (!requireKernel(t)) return;
  const out = join(dir, "run.json");
  // Field 19 of /proc/<pid>/stat is the niceness: the benchmark's own, and its parent's (the CLI
  // with its embedded daemon).
  const r = await runCli([
    "run",
    "-o",
    out,
    "--",
    "sh",
    "-c",
    "echo from-the-benchmark nice=$(cut -d' ' -f19 /proc/$$/stat) cli=$(cut -d' ' -f19 /proc/$PPID/stat); sleep 2; echo 'bench: error - the reason' >&2; exit 4",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /from-the-benchmark/);
  const ours = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[16];
  // The embedded daemon yields to the benchmark as the standalone one does; the benchmark does not.
  assert.match(r.stdout, new RegExp(`nice=${ours} cli=10\\b`), r.stdout);
  // The run is kept, and the user is told the benchmark failed (diagnose names it: BENCHMARK_FAILED).
  assert.match(r.stdout, /warning: the benchmark exited with status 4/);
  const run = await readRunFile(out);
  assert.equal(run.command?.exitCode, 4);
  // Its stderr still reaches the terminal, and its tail is kept: where a failed benchmark says why.
  assert.match(r.stderr, /bench: error - the reason/);
  assert.equal(run.command?.errorOutput, "bench: error - the reason\n");
  assert.equal(run.command?.launcherPid, r.pid);
  assert.ok(run.durationSeconds >= 2 && run.durationSeconds < 6, `duration ${run.durationSeconds}`);
});

test("cli-run: a process confined with taskset carries the CPUs it may run on, as its /proc status says; a free one none", async (t) => {
  if (!requireKernel(t)) return;
  const out = join(dir, "affinity.json");
  const last = cpus().length - 1;
  // Two busy loops for 3 s: one confined to the last CPU (it prints its pid and its kernel-side
  // allowed list), one free. Sampled at 99 Hz so the sampler names both to the process reader
  // (a process born mid-run is read when sampled or at a full scan).
  const loop = (tag: string): string =>
    `timeout 3 sh -c 'echo ${tag}=$$ $(grep Cpus_allowed_list /proc/$$/status | cut -f2); while :; do :; done'`;
  const script = `taskset -c ${last} ${loop("pinned")} & ${loop("free")}; wait`;
  const r = await runCli(["run", "--hz", "99", "-o", out, "--", "sh", "-c", script]);
  assert.equal(r.code, 0, r.stderr);
  const pinned = /pinned=(\d+) (\S+)/.exec(r.stdout);
  const free = /free=(\d+) (\S+)/.exec(r.stdout);
  assert.ok(pinned && free, r.stdout);
  assert.equal(pinned[2], String(last), "taskset confined it");
  const run = await readRunFile(out);
  const of = (pid: string) => run.processes.find((p) => p.pid === Number(pid));
  // Recorded: on a busy CI host it shares its CPU with the recording itself, so no share is assumed.
  assert.ok(
    (of(pinned[1]!)?.cpuSeconds ?? 0) > 0,
    `the confined loop recorded: ${JSON.stringify(run.processes.map((p) => [p.pid, p.comm]))}`,
  );
  assert.deepEqual(of(pinned[1]!)?.allowedCpus, parseCpuList(pinned[2]));
  // Every online CPU allowed: nothing to carry.
  assert.deepEqual(of(free[1]!)?.allowedCpus, [], `free loop allowed ${free[2]}`);
  assert.ok(
    run.snapshots.some((s) =>
      s.processes.some((p) => p.pid === Number(pinned[1]) && p.allowedCpus[0] === last),
    ),
  );
});

test("cli-export: every format; go tool pprof reads our pprof and names kernel functions", async (t) => {
  if (!requireKernel(t)) return;
  const src = join(dir, "overlay.json");
  const pb = join(dir, "overlay.pb.gz");
  assert.equal((await runCli(["export", src, "--format", "pprof", "-o", pb])).code, 0);
  const top = execFileSync("go", ["tool", "pprof", "-top", pb], {
    encoding: "utf8",
    env: { ...process.env, HOME: dir, GOCACHE: join(dir, "gocache") },
  });
  assert.match(top, /Type: cpu/);
  assert.match(top, /vxlan_|udp_|__dev_queue_xmit|net_rx_action|pv_native_safe_halt/);
  const diff = execFileSync("go", ["tool", "pprof", "-top", "-diff_base", pb, pb], {
    encoding: "utf8",
    env: { ...process.env, HOME: dir, GOCACHE: join(dir, "gocache") },
  });
  assert.match(diff, /Showing nodes accounting for 0/);
  // Numeric labels keep 0 (cpu=0 once vanished), the profile's time is the recording's, and the
  // kernel is the main mapping.
  const goEnv = { ...process.env, HOME: dir, GOCACHE: join(dir, "gocache") };
  const cpu0 = execFileSync("go", ["tool", "pprof", "-top", "-tagfocus=cpu=0", pb], {
    encoding: "utf8",
    env: goEnv,
  });
  assert.doesNotMatch(cpu0, /Showing nodes accounting for 0, 0%/);
  assert.match(cpu0, /Active filters:\s+tagfocus=cpu=0/);
  const raw = execFileSync("go", ["tool", "pprof", "-raw", pb], { encoding: "utf8", env: goEnv });
  assert.match(raw, /\[kernel\.kallsyms\]/);
  const decoded = Profile.decode(gunzipSync(readFileSync(pb)));
  const rec = await readRunFile(src);
  assert.equal(Number(decoded.timeNanos), Math.round(rec.window.startMs * 1e6));
  assert.equal(Number(decoded.durationNanos), Math.round(rec.profile.durationSeconds * 1e9));
  const folded = await runCli(["export", src, "--format", "folded"]);
  assert.equal(folded.code, 0);
  const run = await readRunFile(src);
  const back = fromFolded(folded.stdout, run.profile.hz, run.profile.durationSeconds);
  const total = (p: { stacks: Array<{ samples: number }> }): number =>
    p.stacks.reduce((a, s) => a + s.samples, 0);
  assert.equal(total(back), total(run.profile), "folded round-trips every sample");
  const json = await runCli(["export", src, "--format", "json"]);
  assert.equal((JSON.parse(json.stdout) as { hz: number }).hz, 499);
});

test("cli-export: a file that is not a run file is a usage error naming the problem", async (t) => {
  if (!requireKernel(t)) return;
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ hello: 1 }));
  const r = await runCli(["export", bad, "--format", "folded"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: schema: .*overlayscope run file/);
  const missing = await runCli(["export", join(dir, "nope.json")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/i);
  const fmt = await runCli(["export", join(dir, "overlay.json"), "--format", "svg"]);
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /--format: must be one of pprof, folded, json/);
});

test("cli-record: Ctrl-C stops a recording early and still writes the run file", async (t) => {
  if (!requireKernel(t)) return;
  const out = join(dir, "early.json");
  const child = spawn(
    CLI_ARGV[0]!,
    [...CLI_ARGV.slice(1), "record", "--all", "--duration", "60s", "--probes", "softirq", "-o", out],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!/recording: \d+ s.*[3-9] snapshots/.test(stderr)) {
    assert.ok(Date.now() < deadline, `no snapshots: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const t0 = Date.now();
  child.kill("SIGINT");
  assert.equal(await exited, 0, stderr);
  assert.ok(Date.now() - t0 < 10_000, "stopped promptly");
  const run = await readRunFile(out);
  assert.ok(
    run.snapshots.length >= 3 && run.durationSeconds < 30,
    `${run.snapshots.length} snapshots, ${run.durationSeconds} s`,
  );
  assert.ok(run.snapshots.at(-1)!.final, "the final snapshot is in the file");
  // the CLI shows what the probe cost, with the figures behind it
  assert.match(
    stdout,
    /^probe self-cost: softirq [\d.]+% of a core \([\d.]+ [kM]? ?events\/s × \(\d+ ns run \+ \d+ ns dispatch\)\)$/m,
  );
});

test("cli-run: a run stopped by SIGTERM takes its benchmark with it and leaves no embedded daemon's directory", async (t) => {
  if (!requireKernel(t)) return;
  const embedded = (): string[] =>
    readdirSync(tmpdir()).filter((d) => d.startsWith("overlayscope-embedded-"));
  const before = new Set(embedded());
  // An odd duration marks this benchmark among the host's processes.
  const child = spawn(
    CLI_ARGV[0]!,
    [...CLI_ARGV.slice(1), "run", "-o", join(dir, "stopped.json"), "--", "sleep", "317"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const started = new Promise<number>((resolve) =>
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /running sleep 317 \(pid (\d+)\)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    }),
  );
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const pid = await started;
  assert.ok(existsSync(`/proc/${pid}`), "the benchmark runs");
  child.kill("SIGTERM");
  await exited;
  // The benchmark dies with its parent (a parent-death signal and the exit-time kill): wait for
  // the kernel to reap it, bounded.
  const deadline = Date.now() + 10_000;
  while (existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("317")) {
    assert.ok(Date.now() < deadline, `sleep 317 (pid ${pid}) outlived overlayscope run: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(
    embedded().filter((d) => !before.has(d)),
    [],
    "the embedded daemon's socket directory is removed",
  );
});

test("cli-run: a benchmark that is not on PATH is a clear error before anything is recorded", async (t) => {
  if (!requireKernel(t)) return;
  const r = await runCli(["run", "-o", join(dir, "missing.json"), "--", "no-such-benchmark-xyz", "-c", "x"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot run no-such-benchmark-xyz: not found on PATH/);
  assert.ok(!existsSync(join(dir, "missing.json")), "no run file");
});
