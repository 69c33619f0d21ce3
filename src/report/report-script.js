// @ts-check
// Renders the report from the embedded run data. Plain browser JS (type-checked against the run
// file's types: tsconfig.report.json); uPlot is inlined before it; nothing comes from a network.
(function () {
  "use strict";
  var dataEl = /** @type {HTMLElement} */ (document.getElementById("run-data"));
  /** @type {import("../run/run-file.js").RunFile} */
  var run = JSON.parse(dataEl.textContent || "{}");
  var OVERLAY = new RegExp(dataEl.dataset.overlay || "^$");
  /** @type {typeof import("uplot")} */
  var UPlot = /** @type {any} */ (window).uPlot;
  var SVGNS = "http://www.w3.org/2000/svg";
  /**
   * @param {string} tag
   * @param {Record<string, string | number>} attrs
   * @param {Element} [parent]
   * @param {string} [text]
   */
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  /**
   * @param {string} container
   * @param {number} w
   * @param {number} h
   */
  function svg(container, w, h) {
    var s = el("svg", { viewBox: "0 0 " + w + " " + h, width: "100%", role: "img" });
    /** @type {HTMLElement} */ (document.getElementById(container)).appendChild(s);
    return s;
  }

  // Flame graph: root at the bottom, outermost frame first; width = samples.
  /** @typedef {{ name: string; user: boolean; value: number; children: Record<string, FlameNode> }} FlameNode */
  function flame() {
    /** @type {FlameNode} */
    var root = { name: "all", user: false, value: 0, children: {} };
    run.profile.stacks.forEach(function (s) {
      if (s.context === "idle") return;
      var node = root;
      root.value += s.samples;
      var user = (s.userFrames || []).slice().reverse();
      var path = [s.comm, "[" + s.context + "]"].concat(user, s.frames.slice().reverse());
      path.forEach(function (f, i) {
        var isUser = i >= 2 && i < 2 + user.length;
        var k = isUser ? "u:" + f : f;
        var child = node.children[k] || { name: f, user: isUser, value: 0, children: {} };
        node.children[k] = child;
        node = child;
        node.value += s.samples;
      });
    });
    var depth = 0;
    (
      /** @param {FlameNode} n @param {number} l */ function d(n, l) {
        depth = Math.max(depth, l);
        for (var k in n.children) d(/** @type {FlameNode} */ (n.children[k]), l + 1);
      }
    )(root, 0);
    var W = 1200,
      H = 17,
      total = root.value || 1;
    var s = svg("flamegraph", W, (depth + 1) * H + 4);
    var drawn = 0;
    (
      /** @param {FlameNode} n @param {number} x @param {number} level */ function draw(n, x, level) {
        var w = (n.value / total) * W;
        if (w < 0.3) return;
        var y = (depth - level) * H;
        var overlay = !n.user && OVERLAY.test(n.name);
        var g = el("g", { class: overlay ? "frame overlay" : n.user ? "frame user" : "frame" }, s);
        var hue = overlay ? 200 : n.user ? 95 + ((n.name.length * 7) % 30) : 20 + ((n.name.length * 7) % 40);
        el(
          "rect",
          {
            x: x,
            y: y,
            width: Math.max(w - 0.5, 0.1),
            height: H - 1,
            fill: "hsl(" + hue + ",75%," + (overlay ? 55 : 62) + "%)",
            rx: 2,
          },
          g,
        );
        el(
          "title",
          {},
          g,
          n.name + " — " + n.value + " samples (" + ((n.value / total) * 100).toFixed(1) + "%)",
        );
        if (w > 40)
          el("text", { x: x + 3, y: y + 12, "font-size": 11 }, g, n.name.slice(0, Math.floor(w / 7)));
        drawn++;
        var cx = x;
        Object.keys(n.children)
          .sort()
          .forEach(function (k) {
            var child = /** @type {FlameNode} */ (n.children[k]);
            draw(child, cx, level + 1);
            cx += (child.value / total) * W;
          });
      }
    )(root, 0, 0);
    /** @type {HTMLElement} */ (document.getElementById("flame-count")).textContent =
      drawn + " frames, " + total + " busy samples; overlay frames in blue, user-space frames in green";
  }

  var COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  // Each interval's figures are plotted at its end, in wall-clock time (uPlot's time axis).
  var times = run.snapshots.map(function (s) {
    return s.atMs / 1000;
  });

  /**
   * A time series chart (uPlot, inlined): x is the time of day, y the figure. The container keeps
   * its axes' ranges and labels as data attributes, so a headless browser (the test) can read them.
   * @param {string} containerId
   * @param {string} yLabel
   * @param {Array<{ name: string; values: number[] }>} series
   * @param {number} [yMax]
   */
  function timeChart(containerId, yLabel, series, yMax) {
    var target = /** @type {HTMLElement} */ (document.getElementById(containerId));
    /** @type {import("uplot").Options} */
    var opts = {
      width: 1200,
      height: 260,
      scales: {
        x: { time: true },
        y: yMax ? { range: [0, yMax] } : { range: (_u, _min, max) => [0, max || 1] },
      },
      axes: [
        { label: "time (UTC)", stroke: "#445" },
        { label: yLabel, size: 70, stroke: "#445" },
      ],
      series: /** @type {import("uplot").Series[]} */ ([{ label: "time" }]).concat(
        series.map(function (x, i) {
          return { label: x.name, stroke: COLORS[i % COLORS.length], width: 2 };
        }),
      ),
      tzDate: function (ts) {
        return UPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
      },
    };
    /** @type {import("uplot").AlignedData} */
    var data = /** @type {import("uplot").AlignedData} */ (
      [times].concat(
        series.map(function (x) {
          return times.map(function (_t, i) {
            return x.values[i] || 0;
          });
        }),
      )
    );
    // The axes' ranges once uPlot has drawn (its scales are set on the first draw).
    opts.hooks = {
      draw: [
        function (u) {
          target.dataset.xAxis = "time (UTC)";
          target.dataset.xMin = String(u.scales.x && u.scales.x.min);
          target.dataset.xMax = String(u.scales.x && u.scales.x.max);
          target.dataset.yAxis = yLabel;
          target.dataset.yMax = String(u.scales.y && u.scales.y.max);
          target.dataset.series = String(series.length);
        },
      ],
    };
    new UPlot(opts, data, target);
  }

  function cpuCharts() {
    /** @type {Record<string, { usr: number[]; sys: number[]; softirq: number[]; irq: number[] }>} */
    var cpus = {};
    run.snapshots.forEach(function (snap, i) {
      snap.cpus.forEach(function (c) {
        var x = (cpus[c.cpu] = cpus[c.cpu] || { usr: [], sys: [], softirq: [], irq: [] });
        x.usr[i] = c.usr + c.nice;
        x.sys[i] = c.sys;
        x.softirq[i] = c.softirq;
        x.irq[i] = c.irq;
      });
    });
    Object.keys(cpus).forEach(function (cpu) {
      var id = "cpu-chart-" + cpu;
      var div = document.createElement("div");
      div.id = id;
      div.className = "chart";
      div.innerHTML = "<h3>CPU " + cpu + "</h3>";
      /** @type {HTMLElement} */ (document.getElementById("cpu-charts")).appendChild(div);
      var c = /** @type {{ usr: number[]; sys: number[]; softirq: number[]; irq: number[] }} */ (cpus[cpu]);
      timeChart(
        id,
        "% of the core",
        [
          { name: "usr %", values: c.usr },
          { name: "sys %", values: c.sys },
          { name: "softirq %", values: c.softirq },
          { name: "irq %", values: c.irq },
        ],
        100,
      );
    });
  }

  function softirqChart() {
    /** @type {Record<string, number[]>} */
    var series = {};
    run.snapshots.forEach(function (snap, i) {
      snap.softirqs.forEach(function (x) {
        if (x.vector !== "NET_RX" && x.vector !== "NET_TX") return;
        var k = x.vector + " cpu" + x.cpu;
        (series[k] = series[k] || [])[i] = x.perSecond;
      });
    });
    timeChart(
      "softirq-chart",
      "softirqs per second",
      Object.keys(series).map(function (k) {
        return { name: k + " /s", values: series[k] || [] };
      }),
    );
  }

  // Packets per second over time on the busiest devices (received and sent), from the device
  // counters of every interval, and the benchmark's own per-interval rate where it printed one.
  function packetChart() {
    /** @type {Record<string, { total: number; rx: number[]; tx: number[] }>} */
    var devs = {};
    run.snapshots.forEach(function (snap, i) {
      snap.devices.forEach(function (d) {
        var k = (d.netnsName || d.netns) + " " + d.device;
        var x = (devs[k] = devs[k] || { total: 0, rx: [], tx: [] });
        x.rx[i] = d.rxPacketsPerSecond;
        x.tx[i] = d.txPacketsPerSecond;
        x.total += (d.rxPacketsPerSecond + d.txPacketsPerSecond) * snap.seconds;
      });
    });
    var top = Object.keys(devs)
      .filter(function (k) {
        return (devs[k] || { total: 0 }).total > 0;
      })
      .sort(function (a, b) {
        return (devs[b] || { total: 0 }).total - (devs[a] || { total: 0 }).total;
      })
      .slice(0, 3);
    /** @type {Array<{ name: string; values: number[] }>} */
    var series = [];
    top.forEach(function (k) {
      var d = devs[k] || { total: 0, rx: [], tx: [] };
      series.push({ name: k + " rx", values: d.rx }, { name: k + " tx", values: d.tx });
    });
    timeChart("packet-chart", "packets per second", series);
    var b = run.benchmark;
    var note = /** @type {HTMLElement} */ (document.getElementById("packet-note"));
    note.textContent =
      b && b.intervals && b.intervals.length
        ? b.tool +
          " reported per interval (packets/s): " +
          b.intervals
            .map(function (x) {
              return x.seconds > 0 ? (x.packets / x.seconds).toFixed(0) : "0";
            })
            .join(", ")
        : "The benchmark printed no per-interval report.";
  }

  /**
   * A histogram of call depths with each bar's count above it.
   * @param {string} containerId
   * @param {Array<{ depth: number; samples: number }>} buckets
   * @param {string} empty what to say when there are no samples
   */
  function depthBars(containerId, buckets, empty) {
    var target = /** @type {HTMLElement} */ (document.getElementById(containerId));
    /** @type {Record<number, number>} */
    var depth = {};
    buckets.forEach(function (d) {
      depth[d.depth] = (depth[d.depth] || 0) + d.samples;
    });
    var keys = Object.keys(depth)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      });
    if (!keys.length) {
      target.textContent = empty;
      return;
    }
    var total = keys.reduce(function (a, k) {
      return a + (depth[k] || 0);
    }, 0);
    var W = 1200,
      H = 170,
      max = Math.max.apply(
        null,
        keys.map(function (k) {
          return depth[k] || 0;
        }),
      ),
      bw = (W - 60) / keys.length;
    var s = svg(containerId, W, H + 40);
    keys.forEach(function (k, i) {
      var n = depth[k] || 0;
      var h = (n / max) * H;
      var g = el("g", { class: "bar" }, s);
      el("rect", { x: 50 + i * bw, y: H + 12 - h, width: bw - 2, height: h, fill: "#4a90d9" }, g);
      el(
        "text",
        { x: 50 + i * bw + bw / 2, y: H + 8 - h, "font-size": 10, "text-anchor": "middle", class: "count" },
        g,
        String(n),
      );
      el(
        "text",
        { x: 50 + i * bw + bw / 2, y: H + 26, "font-size": 11, "text-anchor": "middle" },
        g,
        String(k),
      );
    });
    el("text", { x: 2, y: H + 38, "font-size": 11, fill: "#555" }, s, "frames deep (" + total + " samples)");
  }

  function depthCharts() {
    depthBars("depth-send", run.summary.callDepth.send, "No stack sample inside udp_sendmsg or tcp_sendmsg.");
    depthBars("depth-receive", run.summary.callDepth.receive, "No stack sample inside the receive path.");
    /** @type {Array<{ depth: number; samples: number }>} */
    var probe = [];
    run.snapshots.forEach(function (s) {
      probe = probe.concat(s.callDepth);
    });
    depthBars("depth-chart", probe, "Not recorded: the udp_sendmsg probe (opt-in) measures it.");
  }

  /**
   * @param {string} container
   * @param {string[]} header
   * @param {Array<Array<string | number>>} rows
   */
  function table(container, header, rows) {
    var t = document.createElement("table");
    t.innerHTML =
      "<tr>" +
      header
        .map(function (h) {
          return "<th>" + h + "</th>";
        })
        .join("") +
      "</tr>" +
      rows
        .map(function (r) {
          return (
            "<tr>" +
            r
              .map(function (c) {
                return "<td>" + String(c).replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</td>";
              })
              .join("") +
            "</tr>"
          );
        })
        .join("");
    /** @type {HTMLElement} */ (document.getElementById(container)).appendChild(t);
  }

  // Every device over the same window (the whole run): an interval in which a device did not
  // appear counts as zero for it. Averaging each over its own intervals once made one flow read
  // 82 k packets/s at a container and 48 k on the host devices, a loss that never happened.
  function devices() {
    /** @type {Record<string, { rx: number; tx: number; drops: number }>} */
    var acc = {};
    var window = 0;
    run.snapshots.forEach(function (s) {
      window += s.seconds;
      s.devices.forEach(function (d) {
        var k = (d.netnsName || d.netns) + " " + d.device;
        var a = (acc[k] = acc[k] || { rx: 0, tx: 0, drops: 0 });
        a.rx += d.rxPacketsPerSecond * s.seconds;
        a.tx += d.txPacketsPerSecond * s.seconds;
        a.drops += d.dropsPerSecond * s.seconds;
      });
    });
    window = window || 1;
    var rows = Object.keys(acc)
      .map(function (k) {
        var a = acc[k] || { rx: 0, tx: 0, drops: 0 };
        return [k, (a.rx / window).toFixed(0), (a.tx / window).toFixed(0), (a.drops / window).toFixed(1)];
      })
      .filter(function (r) {
        return Number(r[1]) + Number(r[2]) > 0;
      })
      .sort(function (a, b) {
        return Number(b[2]) + Number(b[1]) - Number(a[2]) - Number(a[1]);
      });
    table("devices", ["namespace device", "rx packets/s", "tx packets/s", "drops/s"], rows);
  }

  function costs() {
    table(
      "costs",
      ["probe", "variant", "events/s", "run ns/event", "dispatch ns/event (est.)", "CPU % of one core"],
      run.summary.probeCosts.map(function (c) {
        return [
          c.probe,
          c.variant,
          c.eventsPerSecond.toFixed(0),
          c.runNsPerEvent.toFixed(0),
          c.dispatchNsPerEvent.toFixed(0),
          c.cpuPercent.toFixed(2),
        ];
      }),
    );
  }

  function topFunctions() {
    table(
      "top-functions",
      ["function", "share of busy samples %"],
      run.summary.topFunctions.slice(0, 25).map(function (f) {
        return [f.function, (f.share * 100).toFixed(1)];
      }),
    );
  }

  var parts = [flame, cpuCharts, softirqChart, packetChart, depthCharts, devices, costs, topFunctions];
  /** @type {string[]} */
  var failures = [];
  parts.forEach(function (p) {
    try {
      p();
    } catch (e) {
      failures.push(p.name + ": " + (e instanceof Error ? e.message : String(e)));
    }
  });
  /** @type {HTMLElement} */ (document.getElementById("env")).textContent = run.environment
    ? JSON.stringify(run.environment, null, 1)
    : "No environment snapshot in this run.";
  document.body.dataset.rendered = failures.length ? "failed" : "ok";
  if (failures.length)
    /** @type {HTMLElement} */ (document.getElementById("errors")).textContent = failures.join("\n");
})();
