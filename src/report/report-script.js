// Renders the report from the embedded run data. Plain browser JS, no dependencies, no network.
(function () {
  "use strict";
  var run = JSON.parse(document.getElementById("run-data").textContent);
  var OVERLAY = new RegExp(document.getElementById("run-data").dataset.overlay);
  var SVGNS = "http://www.w3.org/2000/svg";
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(container, w, h) {
    var s = el("svg", { viewBox: "0 0 " + w + " " + h, width: "100%", role: "img" });
    document.getElementById(container).appendChild(s);
    return s;
  }

  // Flame graph: root at the bottom, outermost frame first; width = samples.
  function flame() {
    var root = { name: "all", value: 0, children: {} };
    run.profile.stacks.forEach(function (s) {
      if (s.context === "idle") return;
      var node = root;
      root.value += s.samples;
      var user = (s.userFrames || []).slice().reverse();
      var path = [s.comm, "[" + s.context + "]"].concat(user, s.frames.slice().reverse());
      path.forEach(function (f, i) {
        var isUser = i >= 2 && i < 2 + user.length;
        var k = isUser ? "u:" + f : f;
        node.children[k] = node.children[k] || { name: f, user: isUser, value: 0, children: {} };
        node = node.children[k];
        node.value += s.samples;
      });
    });
    var depth = 0;
    (function d(n, l) {
      depth = Math.max(depth, l);
      for (var k in n.children) d(n.children[k], l + 1);
    })(root, 0);
    var W = 1200,
      H = 17,
      total = root.value || 1;
    var s = svg("flamegraph", W, (depth + 1) * H + 4);
    var drawn = 0;
    (function draw(n, x, level) {
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
      if (w > 40) el("text", { x: x + 3, y: y + 12, "font-size": 11 }, g, n.name.slice(0, Math.floor(w / 7)));
      drawn++;
      var cx = x;
      Object.keys(n.children)
        .sort()
        .forEach(function (k) {
          draw(n.children[k], cx, level + 1);
          cx += (n.children[k].value / total) * W;
        });
    })(root, 0, 0);
    document.getElementById("flame-count").textContent =
      drawn + " frames, " + total + " busy samples; overlay frames in blue, user-space frames in green";
  }

  function lineChart(container, series, yLabel, yMax) {
    var W = 1200,
      H = 260,
      L = 50,
      B = 24;
    var s = svg(container, W, H);
    var n = Math.max.apply(
      null,
      series
        .map(function (x) {
          return x.values.length;
        })
        .concat([2]),
    );
    var max =
      yMax ||
      Math.max.apply(
        null,
        series.map(function (x) {
          return Math.max.apply(null, x.values.concat([1]));
        }),
      );
    el("line", { x1: L, y1: H - B, x2: W, y2: H - B, stroke: "#888" }, s);
    el("line", { x1: L, y1: 0, x2: L, y2: H - B, stroke: "#888" }, s);
    el("text", { x: 2, y: 12, "font-size": 11 }, s, max.toFixed(max < 10 ? 1 : 0));
    el("text", { x: 2, y: H - B, "font-size": 11 }, s, "0");
    el("text", { x: L + 4, y: 12, "font-size": 11, fill: "#555" }, s, yLabel);
    var colors = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    series.forEach(function (x, i) {
      var pts = x.values.map(function (v, j) {
        return (
          (L + (j / (n - 1)) * (W - L - 10)).toFixed(1) + "," + (H - B - (v / max) * (H - B - 16)).toFixed(1)
        );
      });
      el(
        "polyline",
        {
          points: pts.join(" "),
          fill: "none",
          stroke: colors[i % colors.length],
          "stroke-width": 2,
          class: "series",
        },
        s,
      );
      el("text", { x: W - 220, y: 14 + i * 13, "font-size": 11, fill: colors[i % colors.length] }, s, x.name);
    });
  }

  function cpuCharts() {
    var cpus = {};
    run.snapshots.forEach(function (snap) {
      snap.cpus.forEach(function (c) {
        cpus[c.cpu] = cpus[c.cpu] || { usr: [], sys: [], softirq: [], irq: [] };
        cpus[c.cpu].usr.push(c.usr + c.nice);
        cpus[c.cpu].sys.push(c.sys);
        cpus[c.cpu].softirq.push(c.softirq);
        cpus[c.cpu].irq.push(c.irq);
      });
    });
    Object.keys(cpus).forEach(function (cpu) {
      var id = "cpu-chart-" + cpu;
      var div = document.createElement("div");
      div.id = id;
      div.innerHTML = "<h3>CPU " + cpu + "</h3>";
      document.getElementById("cpu-charts").appendChild(div);
      lineChart(
        id,
        ["usr", "sys", "softirq", "irq"].map(function (k) {
          return { name: k + " %", values: cpus[cpu][k] };
        }),
        "% of the core",
        100,
      );
    });
  }

  function softirqChart() {
    var series = {};
    run.snapshots.forEach(function (snap, i) {
      snap.softirqs.forEach(function (x) {
        if (x.vector !== "NET_RX" && x.vector !== "NET_TX") return;
        var k = x.vector + " cpu" + x.cpu;
        series[k] = series[k] || [];
        series[k][i] = x.perSecond;
      });
    });
    lineChart(
      "softirq-chart",
      Object.keys(series).map(function (k) {
        return {
          name: k + " /s",
          values: Array.from(series[k], function (v) {
            return v || 0;
          }),
        };
      }),
      "softirqs per second",
    );
  }

  function depthChart() {
    var depth = {};
    run.snapshots.forEach(function (s) {
      s.callDepth.forEach(function (d) {
        depth[d.depth] = (depth[d.depth] || 0) + d.samples;
      });
    });
    var keys = Object.keys(depth)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      });
    var target = document.getElementById("depth-chart");
    if (!keys.length) {
      target.textContent = "No call-depth samples: record with the udp_sendmsg probe.";
      return;
    }
    var W = 1200,
      H = 200,
      max = Math.max.apply(
        null,
        keys.map(function (k) {
          return depth[k];
        }),
      ),
      bw = (W - 60) / keys.length;
    var s = svg("depth-chart", W, H + 20);
    keys.forEach(function (k, i) {
      var h = (depth[k] / max) * H;
      el("rect", { x: 50 + i * bw, y: H - h, width: bw - 2, height: h, fill: "#4a90d9", class: "bar" }, s);
      el("text", { x: 50 + i * bw + bw / 2 - 6, y: H + 14, "font-size": 11 }, s, String(k));
    });
  }

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
    document.getElementById(container).appendChild(t);
  }

  // Every device over the same window (the whole run): an interval in which a device did not
  // appear counts as zero for it. Averaging each over its own intervals once made one flow read
  // 82 k packets/s at a container and 48 k on the host devices, a loss that never happened.
  function devices() {
    var acc = {};
    var window = 0;
    run.snapshots.forEach(function (s) {
      window += s.seconds;
      s.devices.forEach(function (d) {
        var k = (d.netnsName || d.netns) + " " + d.device;
        acc[k] = acc[k] || { rx: 0, tx: 0, drops: 0 };
        acc[k].rx += d.rxPacketsPerSecond * s.seconds;
        acc[k].tx += d.txPacketsPerSecond * s.seconds;
        acc[k].drops += d.dropsPerSecond * s.seconds;
      });
    });
    window = window || 1;
    var rows = Object.keys(acc)
      .map(function (k) {
        var a = acc[k];
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

  var parts = [flame, cpuCharts, softirqChart, depthChart, devices, costs, topFunctions];
  var failures = [];
  parts.forEach(function (p) {
    try {
      p();
    } catch (e) {
      failures.push(p.name + ": " + e.message);
    }
  });
  document.getElementById("env").textContent = run.environment
    ? JSON.stringify(run.environment, null, 1)
    : "No environment snapshot in this run.";
  document.body.dataset.rendered = failures.length ? "failed" : "ok";
  if (failures.length) document.getElementById("errors").textContent = failures.join("\n");
})();
