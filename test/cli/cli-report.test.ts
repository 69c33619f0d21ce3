import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { requireTool } from "../helpers/kernel.js";
import { RunFileSchema, type RunFile } from "../../src/run/run-file.js";
import { tempDir } from "../helpers/temp-dir.js";
import { CHROMIUM_FLAGS, renderedDom } from "../helpers/chromium.js";

test("cli-report: the HTML report is self-contained and renders its flame graph and charts in headless Chromium", async (t) => {
  if (!requireTool(t, "chromium")) return;
  const dir = tempDir("report");
  const out = join(dir, "overlay.html");
  const r = await runCli(["report", join(FIXTURES, "runs", "overlay-udp64.json"), "-o", out]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(out, "utf8");
  assert.doesNotMatch(
    html,
    // (uPlot's licence comment names its home page; nothing refers to a network otherwise.)
    /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org|github\.com\/leeoniya\/uPlot)/,
    "nothing loaded from a network",
  );
  const dom = renderedDom(out, dir);
  assert.equal(dom.status, 0, dom.stderr);
  assert.match(dom.stdout, /data-rendered="ok"/, "every part rendered without a script error");
  const frames = (dom.stdout.match(/<g class="frame( overlay)?"/g) ?? []).length;
  const overlayFrames = (dom.stdout.match(/<g class="frame overlay"/g) ?? []).length;
  assert.ok(frames > 50, `flame graph frames: ${frames}`);
  assert.ok(overlayFrames > 0, "overlay frames highlighted");
  // Time-series charts (uPlot): a time axis spanning the run's intervals, a y axis with its label.
  const charts = [...dom.stdout.matchAll(/<div id="([a-z0-9-]+)" class="chart"([^>]*)>/g)].map((m) => ({
    id: m[1]!,
    attrs: Object.fromEntries([...m[2]!.matchAll(/data-([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  }));
  const run = RunFileSchema.parse(
    JSON.parse(readFileSync(join(FIXTURES, "runs", "overlay-udp64.json"), "utf8")),
  );
  const ids = charts.map((c) => c.id);
  for (const id of ["packet-chart", "softirq-chart", "cpu-chart-0", "cpu-chart-1"])
    assert.ok(ids.includes(id), `chart ${id} drawn: ${ids.join(", ")}`);
  const first = run.snapshots[0]!.atMs / 1000;
  const last = run.snapshots.at(-1)!.atMs / 1000;
  for (const c of charts) {
    assert.equal(c.attrs["x-axis"], "time (UTC)", `${c.id}: time axis`);
    assert.ok(
      Number(c.attrs["x-min"]) <= first && Number(c.attrs["x-max"]) >= last,
      `${c.id}: x axis ${c.attrs["x-min"]}–${c.attrs["x-max"]} covers ${first}–${last}`,
    );
    assert.ok(Number(c.attrs.series) > 0 && Number(c.attrs["y-max"]) > 0, `${c.id}: y axis and series`);
  }
  assert.equal(charts.find((c) => c.id === "cpu-chart-0")?.attrs["y-axis"], "% of the core");
  assert.equal(charts.find((c) => c.id === "packet-chart")?.attrs["y-axis"], "packets per second");
  assert.match(dom.stdout, /class="u-label">[^<]* (rx|tx)</, "the packet chart's legend names devices");
  // Call-depth bars carry their sample counts.
  const bars = [...dom.stdout.matchAll(/<g class="bar">[\s\S]*?class="count"[^>]*>(\d+)<\/text>/g)];
  assert.ok(bars.length > 0, "call-depth histogram drawn with counts");
  assert.match(dom.stdout, /vx0/, "device path lists the VXLAN device");
  // Every device averaged over the same window (a device missing from an interval counts 0 there).
  const window = run.snapshots.reduce((a, x) => a + x.seconds, 0);
  const table = /<div id="devices">([\s\S]*?)<\/table>/.exec(dom.stdout)?.[1] ?? "";
  for (const [key, rx] of deviceWindowAverages(run, window)) {
    const row = new RegExp(`<td>${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</td><td>(\\d+)</td>`).exec(
      table,
    );
    if (!row) continue; // rows without traffic are not listed
    assert.ok(Math.abs(Number(row[1]) - rx) <= 1, `${key}: ${row[1]} vs ${rx.toFixed(0)} over the window`);
  }
  const shot = join(dir, "report.png");
  const s = spawnSync(
    "chromium",
    [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${join(dir, "profile2")}`,
      "--window-size=1400,2400",
      `--screenshot=${shot}`,
      `file://${out}`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(s.status, 0, s.stderr);
  assert.ok(statSync(shot).size > 50_000, "a real screenshot");
});

function deviceWindowAverages(run: RunFile, window: number): Map<string, number> {
  const acc = new Map<string, number>();
  for (const snap of run.snapshots)
    for (const d of snap.devices) {
      const k = `${d.netnsName || d.netns} ${d.device}`;
      acc.set(k, (acc.get(k) ?? 0) + d.rxPacketsPerSecond * snap.seconds);
    }
  return new Map([...acc].map(([k, v]) => [k, v / window]));
}

test("cli-report: a diagnosis report shows the diagnosis, then the baseline's and the subject's own reports", async () => {
  const dir = tempDir("report");
  const out = join(dir, "why.html");
  const r = await runCli([
    "diagnose",
    join(FIXTURES, "runs", "host-udp64.json"),
    join(FIXTURES, "runs", "overlay-udp64.json"),
    "--report",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(out, "utf8");
  assert.match(html, /<section id="diagnosis">/);
  const frames = [...html.matchAll(/<h2>(baseline|subject) — [^<]*<\/h2><iframe[^>]+srcdoc="([^"]*)"/g)];
  assert.deepEqual(
    frames.map((f) => f[1]),
    ["baseline", "subject"],
  );
  for (const f of frames)
    assert.match(f[2]!, /id=&quot;packet-chart&quot;|id="packet-chart"/, "a full report in each frame");
  assert.ok(html.indexOf('id="diagnosis"') < html.indexOf("<iframe"), "the diagnosis first");
});
