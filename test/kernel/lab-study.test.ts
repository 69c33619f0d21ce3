import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { StudySchema, type Study } from "../../src/lab/study-model.js";
import { readRunFile } from "../../src/run/read-run.js";
import { renderedDom } from "../helpers/chromium.js";
import { CLI_ARGV, runCli } from "../helpers/cli.js";
import { requireKernel, requireTool } from "../helpers/kernel.js";
import { labNamespaces, labNamespacesSince } from "../helpers/lab-namespaces.js";
import { tempDir } from "../helpers/temp-dir.js";

const readStudy = (dir: string): Study =>
  StudySchema.parse(JSON.parse(readFileSync(join(dir, "study.json"), "utf8")));

const dir = tempDir("study");
/** Two topologies × one and two flows: four cells. */
const SWEEP = [
  "lab",
  "study",
  "--topology",
  "host",
  "overlay",
  "--parallel",
  "1",
  "2",
  "--seconds",
  "2",
  "-o",
  dir,
];

test("lab study: a row per (topology, flows) with throughput, CPU per packet and softirq figures, and its page renders", async (t) => {
  if (!requireKernel(t)) return;
  const r = await runCli([...SWEEP, "--json"], 300_000);
  assert.equal(r.code, 0, r.stderr);
  const study = StudySchema.parse(JSON.parse(r.stdout));
  assert.equal(study.complete, true);
  assert.deepEqual(
    study.cells.map((c) => `${c.topology}×${c.parallel}`),
    ["host×1", "overlay×1", "host×2", "overlay×2"],
  );
  for (const c of study.cells) {
    const where = `${c.topology}×${c.parallel}`;
    // The row is the cell's own run file's figures: its benchmark's throughput, as iperf3 counted it.
    const run = await readRunFile(join(dir, c.file));
    assert.equal(c.row.bitsPerSecond, run.benchmark!.bitsPerSecond, where);
    assert.ok(c.row.packetsPerSecond > 1000, `${where}: packets/s ${c.row.packetsPerSecond}`);
    assert.ok((c.row.cpuUsPerPacket ?? 0) > 0, `${where}: CPU per packet`);
    assert.ok((c.row.softirqsPerPacket ?? 0) > 0, `${where}: softirqs per packet`);
    assert.ok(c.row.softirqPercent > 0, `${where}: softirq time`);
    assert.ok(c.row.busiestCorePercent > 0 && c.row.busiestCorePercent <= 100, where);
    assert.ok((c.row.setupMs ?? 0) > 0, `${where}: set-up time`);
    assert.ok(c.probedFile && (c.row.callDepth ?? 0) > 0, `${where}: call depth from the probed phase`);
  }
  assert.deepEqual(readStudy(dir), study, "the study file is what was printed");

  if (!requireTool(t, "chromium")) return;
  const dom = renderedDom(join(dir, "study.html"), dir);
  assert.equal(dom.status, 0, dom.stderr);
  assert.match(dom.stdout, /data-rendered="ok"/, "every chart drawn without a script error");
  // throughput, packets/s, CPU per packet, scaling efficiency, softirq time: one protocol and size.
  assert.match(dom.stdout, /data-charts="5"/);
  assert.equal((dom.stdout.match(/class="uplot/g) ?? []).length, 5);
});

test("lab study --resume runs only the cells the earlier study had not finished", async (t) => {
  if (!requireKernel(t)) return;
  const before = readStudy(dir);
  // As Ctrl-C would have left it: the last cell not yet done.
  writeFileSync(
    join(dir, "study.json"),
    JSON.stringify({ ...before, cells: before.cells.slice(0, 3), complete: false }),
  );
  const r = await runCli([...SWEEP, "--resume"], 300_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kept 3 finished cell\(s\)/);
  assert.match(r.stderr, /cell 4\/4: overlay udp 64 B × 2 flow/);
  assert.doesNotMatch(r.stderr, /cell [123]\/4/);
  const after = readStudy(dir);
  assert.equal(after.complete, true);
  assert.deepEqual(after.cells.slice(0, 3), before.cells.slice(0, 3), "finished cells kept as they were");
  assert.match(r.stdout, /overlay\s+udp\s+64\s+2/);
});

test("lab study: Ctrl-C keeps the finished cells in a partial study and leaves no lab behind", async (t) => {
  if (!requireKernel(t)) return;
  const out = tempDir("study-int");
  const labsBefore = labNamespaces();
  const cli = spawn(
    CLI_ARGV[0]!,
    [
      ...CLI_ARGV.slice(1),
      "lab",
      "study",
      "--topology",
      "host",
      "--parallel",
      "1",
      "2",
      "3",
      "--seconds",
      "2",
      "--probes",
      "softirq",
      "-o",
      out,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  cli.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const second = new Promise<void>((resolve) =>
    cli.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/cell 2\/3/.test(stderr)) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => cli.once("exit", resolve));
  await Promise.race([second, exited]);
  cli.kill("SIGINT");
  const code = await exited;
  const study = readStudy(out);
  assert.equal(study.complete, false, `${stderr}\n${stdout}`);
  assert.ok(study.cells.length >= 1 && study.cells.length < 3, `${study.cells.length} cells`);
  assert.equal(study.plan.length, 3);
  assert.match(readFileSync(join(out, "study.html"), "utf8"), /partial: \d of 3 cells/);
  assert.ok(code === 0 || code === 130, `exit ${code}`);
  assert.deepEqual(labNamespacesSince(labsBefore), [], "no lab namespace left");
});

test("lab study --pairs: a two-pair cell sums both pairs' iperf3 reports, each pair's client sent its share, and the page plots against pairs", async (t) => {
  if (!requireKernel(t)) return;
  const out = tempDir("study-pairs");
  const r = await runCli(
    [
      "lab",
      "study",
      "--topology",
      "bridge",
      "macvlan",
      "--pairs",
      "1",
      "2",
      "--length",
      "1400",
      "--seconds",
      "2",
      "--probes",
      "stacks",
      "-o",
      out,
      "--json",
    ],
    300_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const study = StudySchema.parse(JSON.parse(r.stdout));
  assert.deepEqual(
    study.cells.map((c) => `${c.topology}×${c.pairs}`),
    ["bridge×1", "macvlan×1", "bridge×2", "macvlan×2"],
  );
  for (const c of study.cells.filter((x) => x.pairs === 2)) {
    const run = await readRunFile(join(out, c.file));
    assert.equal(run.lab?.pairs, 2, c.topology);
    const reports = run.benchmark!.raw as Array<{
      end: { sum: { packets: number }; sum_received: { bits_per_second: number } };
    }>;
    assert.equal(reports.length, 2, `${c.topology}: one iperf3 report per pair`);
    assert.equal(
      run.benchmark!.bitsPerSecond,
      reports[0]!.end.sum_received.bits_per_second + reports[1]!.end.sum_received.bits_per_second,
    );
    assert.equal(c.row.bitsPerSecond, run.benchmark!.bitsPerSecond);
    // Each pair's client container sent what its own report counted (the device counters are an
    // independent count: 1400 B datagrams are one packet each on these 1500 B paths).
    const clients = c.topology === "bridge" ? ["c1", "c2"] : ["c1", "c3"];
    for (const [k, client] of clients.entries()) {
      const tx = run.snapshots
        .flatMap((s) => s.devices.map((d) => ({ d, seconds: s.seconds })))
        .filter(({ d }) => d.netnsName.endsWith(`-${client}`) && d.device !== "lo")
        .reduce((a, { d, seconds }) => a + d.txPacketsPerSecond * seconds, 0);
      const sent = reports[k]!.end.sum.packets;
      assert.ok(sent > 1000, `${c.topology} pair ${k + 1}: ${sent} datagrams`);
      assert.ok(
        tx >= sent * 0.95 && tx <= sent * 1.05 + 50,
        `${c.topology} pair ${k + 1}: ${client} sent ${Math.round(tx)} packets, iperf3 counted ${sent}`,
      );
    }
  }
  if (!requireTool(t, "chromium")) return;
  const dom = renderedDom(join(out, "study.html"), out);
  assert.equal(dom.status, 0, dom.stderr);
  assert.match(dom.stdout, /data-rendered="ok"/);
  assert.match(dom.stdout, /container pairs/, "plotted against the pairs the study varied");
});
