import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunFile } from "../run/run-file.js";
import type { MultiHostRun } from "../run/multi-host-run.js";
import { OVERLAY_FRAME } from "./overlay-frames.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, "..", "..", "src", "report", "report-script.js");
// uPlot (MIT), inlined so the report stays one file that needs no network.
const UPLOT = join(HERE, "..", "..", "node_modules", "uplot", "dist");

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON inside <script> must not close the tag. */
export function embedJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#b8c0d0}
main{padding:8px 28px 40px;max-width:1280px}section{background:#fff;border-radius:8px;padding:14px 18px;margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 8px}h3{font-size:14px;margin:10px 0 2px;color:#445}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #e6e8ec;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f0f2f5}.frame text{pointer-events:none;fill:#111}.frame:hover rect{stroke:#000}pre{max-height:360px;overflow:auto;background:#f3f4f6;padding:8px;font-size:12px}
#errors{color:#b00020;white-space:pre}.note{color:#667}`;

const fmt = (n: number, digits = 1): string =>
  Math.abs(n) >= 1e9
    ? `${(n / 1e9).toFixed(digits)} G`
    : Math.abs(n) >= 1e6
      ? `${(n / 1e6).toFixed(digits)} M`
      : Math.abs(n) >= 1e3
        ? `${(n / 1e3).toFixed(digits)} k`
        : n.toFixed(digits);

/** The run's own sections, rendered on the server side: benchmark, processes, hardware, changes. */
function runSections(run: RunFile): string {
  const b = run.benchmark;
  const bench = b
    ? `<table><tr><th>tool</th><th>protocol</th><th>message</th><th>seconds</th><th>bit/s</th><th>packets received</th><th>lost</th></tr>
<tr><td>${esc(b.tool)}</td><td>${esc(b.protocol || "-")}</td><td>${b.messageBytes || "-"} B</td><td>${b.seconds.toFixed(2)}</td><td>${fmt(b.bitsPerSecond)}</td><td>${b.packetsReceived}</td><td>${b.lostPercent}%</td></tr></table>
<p class="note">rate: ${esc(b.source)}; packets: ${esc(b.packetsSource || "not counted")}</p>`
    : `<p class="note">No benchmark report and no device traffic in this run.</p>`;
  const procs = run.processes.length
    ? `<table><tr><th>pid</th><th>command</th><th>CPU seconds</th><th>share of all CPUs</th><th>netns</th><th>cgroup</th><th>may run on CPUs</th></tr>${run.processes
        .slice(0, 12)
        .map(
          (p) =>
            `<tr><td>${p.pid}</td><td>${esc(p.comm)}</td><td>${p.cpuSeconds.toFixed(2)}</td><td>${(p.cpuShare * 100).toFixed(1)}%</td><td>${esc(p.netnsName || String(p.netns))}</td><td>${esc(p.cgroup)}</td><td>${p.allowedCpus.length ? p.allowedCpus.join(",") : "all"}</td></tr>`,
        )
        .join("")}</table>`
    : `<p class="note">No per-process CPU in this run.</p>`;
  const hw = run.hardware.supported
    ? `<table><tr><th>event</th><th>count over the window</th></tr>${Object.entries(run.hardware.totals)
        .map(([e, v]) => `<tr><td>${esc(e)}</td><td>${fmt(v, 2)}</td></tr>`)
        .join(
          "",
        )}</table><p class="note">memory traffic: ${run.hardware.memorySupported ? `${fmt(run.hardware.memoryBytes)}B` : esc(run.hardware.memoryReason)}</p>`
    : `<p class="note">Not measurable here: ${esc(run.hardware.reason)}</p>`;
  const changes = run.environment?.changes ?? [];
  const env = changes.length
    ? `<table><tr><th>where</th><th>what</th><th>at start</th><th>at stop</th></tr>${changes
        .map(
          (c) =>
            `<tr><td>${esc(`${c.netns}/${c.device}`)}</td><td>${esc(c.what)}</td><td>${esc(c.before)}</td><td>${esc(c.after)}</td></tr>`,
        )
        .join("")}</table>`
    : `<p class="note">${run.environment ? "Nothing changed between session start and stop." : "No environment snapshot in this run."}</p>`;
  return `<section id="benchmark"><h2>Benchmark</h2>${bench}</section>
<section id="processes"><h2>Processes by CPU over the window</h2>${procs}</section>
<section id="hardware"><h2>Hardware counters</h2>${hw}</section>
<section id="env-changes"><h2>Environment changes during the run</h2>${env}</section>`;
}

/** uPlot's stylesheet and script, inlined: a report or study page fetches nothing. */
export const uplotCss = (): string => readFileSync(join(UPLOT, "uPlot.min.css"), "utf8");
export const uplotJs = (): string =>
  readFileSync(join(UPLOT, "uPlot.iife.min.js"), "utf8").replace(/<\/script/gi, "<\\/script");

/** One self-contained HTML file: data, styles and script inline; nothing fetched from a network. */
export function renderReport(run: RunFile, extraSections = ""): string {
  const title = run.label || run.target;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>overlayscope — ${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style>
<style>${uplotCss()}</style></head>
<body>
<header><h1>overlayscope report — ${esc(title)}</h1>
<p>${esc(run.host.hostname)} · kernel ${esc(run.host.kernel)} · bpftrace ${esc(run.host.bpftraceVersion)} · ${run.host.cpus} CPUs${run.host.cpuModel ? ` (${esc(run.host.cpuModel)})` : ""} · ${run.durationSeconds.toFixed(1)} s · target ${esc(run.target)} · probes ${esc(run.probes.map((p) => `${p.name}/${p.variant}`).join(", "))}</p></header>
<main>
<div id="errors"></div>
${extraSections}
${runSections(run)}
<section><h2>Kernel stacks (flame graph)</h2><p class="note" id="flame-count"></p><div id="flamegraph"></div></section>
<section><h2>Packets per second over time (the busiest devices)</h2><div id="packet-chart" class="chart"></div><p class="note" id="packet-note"></p></section>
<section><h2>Per-core CPU over time</h2><div id="cpu-charts"></div></section>
<section><h2>Network softirqs per second (from /proc/softirqs)</h2><div id="softirq-chart" class="chart"></div></section>
<section><h2>Call depth</h2>
<h3>Frames below udp_sendmsg/tcp_sendmsg in the sampled stacks (default session)</h3><div id="depth-send"></div>
<h3>Frames below __netif_receive_skb/net_rx_action in the sampled stacks (default session)</h3><div id="depth-receive"></div>
<h3>Frames from udp_sendmsg to the device transmit (udp_sendmsg probe)</h3><div id="depth-chart"></div></section>
<section><h2>Device path: average packet rates</h2><div id="devices"></div></section>
<section><h2>Hottest kernel functions</h2><div id="top-functions"></div></section>
<section><h2>Probe self-cost</h2><div id="costs"></div></section>
<section><h2>Environment snapshot</h2><pre id="env"></pre></section>
</main>
<script type="application/json" id="run-data" data-overlay="${esc(OVERLAY_FRAME.source)}">${embedJson(run)}</script>
<script>${uplotJs()}</script>
<script>${readFileSync(SCRIPT, "utf8")}</script>
</body></html>
`;
}

/** One run's full report inside a frame of its own (its script and charts stay separate). */
function framedReport(title: string, run: RunFile): string {
  return `<section><h2>${esc(title)}</h2><iframe title="${esc(title)}" style="width:100%;height:1400px;border:0" srcdoc="${esc(renderReport(run))}"></iframe></section>`;
}

/** A page of sections around framed reports: the multi-host and the comparison reports. */
function framedPage(title: string, subtitle: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>overlayscope — ${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p>${subtitle}</p></header>
<main>
${body}
</main>
</body></html>
`;
}

/**
 * A diagnosis of two runs on one page: the diagnosis first, then the baseline's and the subject's
 * own full reports, so every figure the diagnosis compares can be seen on both sides.
 */
export function renderComparisonReport(
  baseline: RunFile,
  subject: RunFile,
  diagnosisSection: string,
): string {
  return framedPage(
    `overlayscope diagnosis — ${subject.label || subject.target} vs ${baseline.label || baseline.target}`,
    `baseline: ${esc(baseline.label || baseline.target)} · subject: ${esc(subject.label || subject.target)}`,
    `${diagnosisSection}\n${framedReport(`baseline — ${baseline.label || baseline.target}`, baseline)}\n${framedReport(`subject — ${subject.label || subject.target}`, subject)}`,
  );
}

/**
 * A multi-host run on one page: the cross-host diagnosis first, then each host's own full report
 * (its flame graph, CPU, softirqs, devices) in a frame of its own, sender before receiver.
 */
export function renderMultiHostReport(m: MultiHostRun, extraSections = ""): string {
  const order = { sender: 0, receiver: 1, unknown: 2 };
  const hosts = [...m.hosts].sort((a, b) => order[a.role] - order[b.role]);
  const frames = hosts
    .map((h) =>
      h.ok && h.run
        ? framedReport(`${h.name} — ${h.role} (${h.address})`, h.run)
        : `<section><h2>${esc(h.name)} — not recorded</h2><p id="errors">${esc(h.error)}</p></section>`,
    )
    .join("\n");
  return framedPage(
    `overlayscope multi-host report — ${m.label || m.groupId}`,
    `group ${esc(m.groupId)} · ${hosts.map((h) => `${esc(h.name)}: ${h.ok ? esc(h.role) : "failed"}`).join(" · ")} · window ${((m.window.endMs - m.window.startMs) / 1000).toFixed(1)} s`,
    `${extraSections}\n${frames}`,
  );
}
