import type { Study } from "../lab/study-model.js";
import { embedJson, esc, STYLE, uplotCss, uplotJs } from "./html-report.js";

/**
 * The study page's script (runs in the browser): per protocol and message size, throughput, CPU
 * per packet and scaling efficiency against the number of flows (or of container pairs, when
 * those are what the study varies), a series per topology; latency
 * percentiles per topology where measured. Sets data-rendered="ok" on <body> once every chart is
 * drawn, "error: …" otherwise (headless Chromium reads it in the tests).
 */
const STUDY_SCRIPT = `
(function () {
  try {
    var study = JSON.parse(document.getElementById("study-data").textContent);
    var root = document.getElementById("charts");
    var groups = {};
    study.cells.forEach(function (c) {
      var g = c.protocol + " " + c.length + " B";
      (groups[g] = groups[g] || []).push(c);
    });
    var charts = 0;
    var palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
    function distinct(cells, f) {
      return Array.from(new Set(cells.map(f))).sort(function (a, b) { return a - b; });
    }
    function pairsOf(c) { return c.pairs || 1; }
    // Against container pairs when only the pairs vary, else against flows; the dimension that
    // is not on the x axis, when it varies, splits the series.
    function chart(title, cells, value, unit) {
      var flowCounts = distinct(cells, function (c) { return c.parallel; });
      var pairCounts = distinct(cells, pairsOf);
      var byPairs = pairCounts.length > 1 && flowCounts.length === 1;
      var xOf = byPairs ? pairsOf : function (c) { return c.parallel; };
      var xs = byPairs ? pairCounts : flowCounts;
      var keyOf = function (c) {
        return c.topology + (!byPairs && pairCounts.length > 1 ? " · " + pairsOf(c) + " pairs" : "");
      };
      var keys = Array.from(new Set(cells.map(keyOf)));
      var data = [xs];
      keys.forEach(function (k) {
        data.push(xs.map(function (n) {
          var c = cells.find(function (x) { return keyOf(x) === k && xOf(x) === n; });
          var v = c ? value(c, cells, xOf, keyOf) : null;
          return v === null || v === undefined || !isFinite(v) ? null : v;
        }));
      });
      var box = document.createElement("div");
      box.className = "chart";
      var h = document.createElement("h3");
      h.textContent = title;
      root.appendChild(h);
      root.appendChild(box);
      var axis = byPairs ? "container pairs" : "parallel flows";
      new uPlot({
        width: Math.min(900, (root.clientWidth || 900) - 20), height: 260,
        scales: { x: { time: false } },
        axes: [{ label: axis, splits: function () { return xs; } }, { label: unit }],
        series: [{ label: axis }].concat(keys.map(function (k, i) {
          return { label: k, stroke: palette[i % palette.length], width: 2, points: { show: true } };
        })),
      }, data, box);
      charts++;
    }
    Object.keys(groups).forEach(function (g) {
      var cells = groups[g];
      var section = document.createElement("h2");
      section.textContent = g;
      root.appendChild(section);
      chart(g + ": throughput", cells, function (c) { return c.row.bitsPerSecond / 1e6; }, "Mbit/s");
      chart(g + ": packets per second", cells, function (c) { return c.row.packetsPerSecond; }, "packets/s");
      chart(g + ": CPU per packet (service demand)", cells, function (c) { return c.row.cpuUsPerPacket; }, "µs of CPU per packet");
      chart(g + ": scaling efficiency", cells, function (c, all, xOf, keyOf) {
        var one = all.find(function (x) { return keyOf(x) === keyOf(c) && xOf(x) === 1; });
        return one ? c.row.bitsPerSecond / (xOf(c) * one.row.bitsPerSecond) : null;
      }, "throughput / (n × one's)");
      chart(g + ": softirq time (hard-IRQ time is in the table)", cells, function (c) { return c.row.softirqPercent; }, "softirq, % of a core");
    });
    var lat = study.cells.filter(function (c) { return c.row.latencyP50Us !== null; });
    if (lat.length) {
      var h = document.createElement("h2");
      h.textContent = "Latency (sockperf ping-pong)";
      root.appendChild(h);
      var box = document.createElement("div");
      box.className = "chart";
      root.appendChild(box);
      var names = lat.map(function (c) { return c.topology + " " + c.protocol + c.length + " ×" + c.parallel + (pairsOf(c) > 1 ? " " + pairsOf(c) + " pairs" : ""); });
      new uPlot({
        width: Math.min(900, (root.clientWidth || 900) - 20), height: 260,
        scales: { x: { time: false } },
        axes: [{ label: "cell", values: function (u, ticks) { return ticks.map(function (t) { return names[t] || ""; }); } }, { label: "µs" }],
        series: [{ label: "cell" },
          { label: "p50", stroke: palette[0], width: 2, points: { show: true } },
          { label: "p99", stroke: palette[1], width: 2, points: { show: true } }],
      }, [lat.map(function (_c, i) { return i; }), lat.map(function (c) { return c.row.latencyP50Us; }), lat.map(function (c) { return c.row.latencyP99Us; })], box);
      charts++;
    }
    document.body.setAttribute("data-charts", String(charts));
    document.body.setAttribute("data-rendered", "ok");
  } catch (e) {
    document.body.setAttribute("data-rendered", "error: " + e);
  }
})();
`;

const fmt = (v: number | null, digits = 2): string => (v === null ? "-" : v.toFixed(digits));

/** One self-contained HTML page for a study: its table and plots, nothing fetched from a network. */
export function renderStudy(study: Study): string {
  const rows = study.cells
    .map(
      (c) =>
        `<tr><td>${esc(c.topology)}</td><td>${c.protocol}</td><td>${c.length}</td><td>${c.parallel}</td><td>${c.pairs}</td><td>${(c.row.bitsPerSecond / 1e6).toFixed(1)}</td><td>${Math.round(c.row.packetsPerSecond)}</td><td>${fmt(c.row.cpuUsPerPacket)}</td><td>${fmt(c.row.cpuUsPerKB)}</td><td>${c.row.busiestCorePercent.toFixed(0)}</td><td>${c.row.softirqPercent.toFixed(1)}</td><td>${c.row.hardirqPercent.toFixed(1)}</td><td>${fmt(c.row.softirqsPerPacket, 3)}</td><td>${fmt(c.row.callDepth, 1)}</td><td>${fmt(c.row.setupMs, 0)}</td><td>${fmt(c.row.cacheMissesPerPacket, 1)}</td><td>${c.row.memoryBytesPerSecond === null ? "-" : (c.row.memoryBytesPerSecond / 1e6).toFixed(0)}</td><td>${fmt(c.row.latencyP50Us, 1)} / ${fmt(c.row.latencyP99Us, 1)}</td><td>${esc(c.file)}</td></tr>`,
    )
    .join("");
  const state = study.complete
    ? `${study.cells.length} cells`
    : `partial: ${study.cells.length} of ${study.plan.length} cells (--resume continues it)`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>overlayscope study${study.preset ? ` — ${esc(study.preset)}` : ""}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style><style>${uplotCss()}</style></head>
<body>
<header><h1>overlayscope study${study.preset ? ` — ${esc(study.preset)}` : ""}</h1><p>${esc(study.createdAt)} · ${state}</p></header>
<main>
<section><h2>Cells</h2><table><tr><th>topology</th><th>protocol</th><th>bytes</th><th>flows</th><th>pairs</th><th>Mbit/s</th><th>packets/s</th><th>CPU µs/packet</th><th>CPU µs/KB</th><th>busiest core %</th><th>softirq % of a core</th><th>hard-IRQ % of a core</th><th>softirqs/packet</th><th>call depth</th><th>set-up ms</th><th>cache misses/packet</th><th>memory MB/s</th><th>latency p50/p99 µs</th><th>run file</th></tr>${rows}</table></section>
<section id="charts"></section>
</main>
<script type="application/json" id="study-data">${embedJson(study)}</script>
<script>${uplotJs()}</script>
<script>${STUDY_SCRIPT}</script>
</body></html>
`;
}
