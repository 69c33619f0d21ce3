import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ProfilerApi } from "../../src/client/api.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { kernelSkipReason, requireKernel, requireTool } from "../helpers/kernel.js";

interface Family {
  name: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

let d: RunningDaemon | undefined;
let port = 0;
before(async () => {
  if (kernelSkipReason()) return;
  d = await startDaemon(["--metrics", "127.0.0.1:0"]);
  port = Number(/"metricsPort":(\d+)/.exec(d.stderr())?.[1] ?? 0);
});
after(async () => {
  await d?.stop();
});

/** Scrapes the endpoint and parses it with the Prometheus project's own parser. */
async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const json = execFileSync(
    "/usr/bin/python3",
    [join(import.meta.dirname, "..", "python", "parse_metrics.py")],
    {
      input: await res.text(),
      encoding: "utf8",
    },
  );
  return new Map((JSON.parse(json) as Family[]).map((f) => [f.name, f]));
}

async function sendUdp(n: number): Promise<void> {
  const rx = createSocket("udp4");
  await new Promise<void>((r) => rx.bind(0, "127.0.0.1", () => r()));
  const tx = createSocket("udp4");
  const buf = Buffer.alloc(64);
  for (let i = 0; i < n; i++) {
    await new Promise<void>((r) => tx.send(buf, rx.address().port, "127.0.0.1", () => r()));
  }
  tx.close();
  rx.close();
}

test("/metrics: host counters, probe histograms and self-cost, session state, parsed by Prometheus's own parser", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "/usr/bin/python3", ["-c", "import prometheus_client"])) return;
  assert.ok(port > 0, d!.stderr());
  const api = new ProfilerApi(d!.client);
  // The first scrape already carries every series, cumulative as the kernel counts (node_exporter's way).
  const first = await scrape();
  const procIdle0 =
    Number(
      readFileSync("/proc/stat", "utf8")
        .split("\n")
        .find((l) => l.startsWith("cpu0 "))!
        .split(/\s+/)[4],
    ) / 100;
  const idle0 = first
    .get("overlayscope_cpu_seconds")!
    .samples.find((x) => x.labels.cpu === "0" && x.labels.mode === "idle")!;
  assert.ok(Math.abs(idle0.value - procIdle0) < 5, `cpu0 idle ${idle0.value} s vs /proc/stat ${procIdle0} s`);
  assert.ok(
    first.get("overlayscope_netdev_packets")!.samples.some((x) => x.labels.device === "lo"),
    "every known device has its series on the first scrape",
  );
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), "SERVING\n");
  const loBefore = first
    .get("overlayscope_netdev_packets")!
    .samples.filter((x) => x.labels.device === "lo" && x.labels.direction === "rx")
    .reduce((a, x) => a + x.value, 0);
  const s = await api.startSession({ probes: [{ name: "softirq" }, { name: "udp_sendmsg" }] });
  await sendUdp(5000);
  await new Promise((r) => setTimeout(r, 2500));
  const m = await scrape();

  const cpu = m.get("overlayscope_cpu_seconds")!;
  assert.equal(cpu.type, "counter");
  assert.ok(cpu.samples.some((x) => x.labels.mode === "idle" && x.labels.cpu === "0" && x.value > 0));
  const softirqs = m.get("overlayscope_softirqs")!;
  assert.ok(softirqs.samples.some((x) => x.labels.vector === "NET_RX" && x.value > 0));
  assert.ok(m.get("overlayscope_interrupts")!.samples.length > 0);
  const lo = m
    .get("overlayscope_netdev_packets")!
    .samples.filter((x) => x.labels.device === "lo" && x.labels.direction === "rx");
  assert.ok(lo.reduce((a, x) => a + x.value, 0) - loBefore >= 5000, JSON.stringify(lo));
  const ratio = m.get("overlayscope_probe_cpu_ratio")!.samples;
  assert.ok(ratio.length > 0 && ratio.every((x) => x.value >= 0 && x.value <= 1), JSON.stringify(ratio));

  const events = m.get("overlayscope_probe_events")!.samples;
  assert.ok(
    events.some((x) => x.labels.probe === "udp_sendmsg" && x.value >= 5000),
    JSON.stringify(events),
  );
  assert.ok(m.get("overlayscope_probe_kernel_seconds")!.samples.some((x) => x.value > 0));

  const hist = m.get("overlayscope_udp_sendmsg_latency_seconds")!;
  assert.equal(hist.type, "histogram");
  const buckets = hist.samples.filter((x) => x.name.endsWith("_bucket"));
  const count = hist.samples.find((x) => x.name.endsWith("_count"))!.value;
  assert.ok(count >= 5000);
  assert.equal(buckets.find((x) => x.labels.le === "+Inf")!.value, count);
  for (let i = 1; i < buckets.length; i++)
    assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, "cumulative");
  assert.ok(m.get("overlayscope_softirq_runtime_seconds")!.samples.some((x) => x.labels.vector === "NET_RX"));

  const sessions = m.get("overlayscope_sessions")!.samples;
  assert.equal(sessions.find((x) => x.labels.state === "RUNNING")?.value, 1);
  assert.ok((m.get("overlayscope_daemon_process_resident_memory_bytes")?.samples[0]?.value ?? 0) > 0);

  // Bounded labels: nothing per pid, session or packet, and no family explodes.
  for (const f of m.values()) {
    for (const x of f.samples)
      for (const k of Object.keys(x.labels)) assert.ok(!/pid|session|comm/.test(k), `${f.name}{${k}}`);
    assert.ok(f.samples.length < 2000, `${f.name} has ${f.samples.length} series`);
  }
  await api.stopSession(s.id);
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
});
