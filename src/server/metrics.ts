import { createServer, type Server } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { HostCollector } from "../collectors/host-collector.js";
import type { ProbeReading } from "../probes/probe-run.js";
import type { SessionManager } from "../session/manager.js";
import { componentLogger } from "../util/log.js";
import { BucketHistogram } from "./bucket-histogram.js";

const log = componentLogger("metrics");

/** Past this many series a device/IRQ label collapses into "other": labels stay bounded. */
const MAX_SERIES = 512;

/**
 * Prometheus exposition of what the daemon already knows. Host counters are read from /proc at
 * scrape time (nothing runs between scrapes) and accumulated as counters; probe readings from
 * any session feed the probe histograms and self-cost. No label carries a pid, a packet or a
 * session id: CPUs, vectors, IRQ lines, devices and probe names only.
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly collector: HostCollector;
  private readonly seen = new Map<string, Set<string>>();
  private readonly cpuSeconds: Counter;
  private readonly softirqs: Counter;
  private readonly interrupts: Counter;
  private readonly packets: Counter;
  private readonly bytes: Counter;
  private readonly drops: Counter;
  private readonly probeEvents: Counter;
  private readonly probeKernelSeconds: Counter;
  private readonly probeCpuPercent: Gauge;
  private readonly softirqRuntime: BucketHistogram;
  private readonly sendLatency: BucketHistogram;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(sessions: SessionManager, netnsFilter?: ReadonlySet<number>) {
    const registers = [this.registry];
    const counter = (name: string, help: string, labelNames: string[]): Counter =>
      new Counter({ name, help, labelNames, registers });
    this.collector = new HostCollector(
      { intervalMs: 1000, hardwareCounters: false, ...(netnsFilter ? { netnsFilter } : {}) },
      () => undefined,
    );
    this.cpuSeconds = counter("overlayscope_cpu_seconds_total", "CPU time per core and mode (/proc/stat)", [
      "cpu",
      "mode",
    ]);
    this.softirqs = counter(
      "overlayscope_softirqs_total",
      "softirqs raised per core and vector (/proc/softirqs)",
      ["cpu", "vector"],
    );
    this.interrupts = counter(
      "overlayscope_interrupts_total",
      "hard interrupts per IRQ line, all cores (/proc/interrupts)",
      ["irq", "name"],
    );
    this.packets = counter(
      "overlayscope_netdev_packets_total",
      "packets per device and direction, per network namespace (/proc/<pid>/net/dev)",
      ["netns", "device", "direction"],
    );
    this.bytes = counter(
      "overlayscope_netdev_bytes_total",
      "bytes per device and direction, per network namespace",
      ["netns", "device", "direction"],
    );
    this.drops = counter(
      "overlayscope_netdev_drops_total",
      "packets dropped per device (rx + tx), per network namespace",
      ["netns", "device"],
    );
    this.probeEvents = counter(
      "overlayscope_probe_events_total",
      "kernel events that ran a probe's BPF programs (BPF stats)",
      ["probe"],
    );
    this.probeKernelSeconds = counter(
      "overlayscope_probe_kernel_seconds_total",
      "time spent in a probe's BPF programs plus estimated dispatch (its observer cost)",
      ["probe"],
    );
    this.probeCpuPercent = new Gauge({
      name: "overlayscope_probe_cpu_percent",
      help: "a probe's cost over its last interval, percent of one CPU",
      labelNames: ["probe"],
      registers,
    });
    this.softirqRuntime = new BucketHistogram(
      "overlayscope_softirq_runtime_seconds",
      "softirq handler run time per vector (softirq probe)",
      "vector",
      1e-9,
    );
    this.sendLatency = new BucketHistogram(
      "overlayscope_udp_sendmsg_latency_seconds",
      "udp_sendmsg latency, all processes (udp_sendmsg probe)",
      "probe",
      1e-9,
    );
    this.softirqRuntime.register(this.registry);
    this.sendLatency.register(this.registry);
    new Gauge({
      name: "overlayscope_sessions",
      help: "profiling sessions by state",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        for (const st of ["RUNNING", "STOPPING", "STOPPED", "FAILED"]) this.set({ state: st }, 0);
        for (const s of sessions.list()) this.inc({ state: s.state });
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "overlayscope_daemon_" });
  }

  /** Keeps a label value, or "other" once a metric has MAX_SERIES distinct values. */
  private bounded(metric: string, value: string): string {
    let s = this.seen.get(metric);
    if (!s) this.seen.set(metric, (s = new Set()));
    if (s.has(value)) return value;
    if (s.size >= MAX_SERIES) return "other";
    s.add(value);
    return value;
  }

  /** One /proc reading since the previous scrape, added to the counters. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      const s = await this.collector.sampleNow();
      for (const [cpu, p] of s.cpu) {
        const modes: Record<string, number> = {
          user: p.usr,
          nice: p.nice,
          system: p.sys,
          iowait: p.iowait,
          irq: p.irq,
          softirq: p.soft,
          steal: p.steal,
          idle: p.idle,
        };
        for (const [mode, pct] of Object.entries(modes))
          if (pct > 0) this.cpuSeconds.inc({ cpu: String(cpu), mode }, (pct / 100) * s.seconds);
      }
      for (const row of s.softirqs.rows)
        for (const [cpu, n] of row.counts)
          if (n > 0) this.softirqs.inc({ cpu: String(cpu), vector: row.key }, n);
      for (const line of s.interrupts) {
        const n = [...line.counts.values()].reduce((a, b) => a + b, 0);
        if (n > 0)
          this.interrupts.inc(
            { irq: this.bounded("irq", line.irq), name: this.bounded("irqname", line.name.slice(0, 64)) },
            n,
          );
      }
      for (const ns of s.netns) {
        const netns = ns.names[0] ?? `inode:${ns.inode}`;
        for (const d of ns.devices) {
          const device = this.bounded("device", `${netns}/${d.name}`) === "other" ? "other" : d.name;
          const l = { netns: device === "other" ? "other" : netns, device };
          if (d.rxPackets) this.packets.inc({ ...l, direction: "rx" }, d.rxPackets);
          if (d.txPackets) this.packets.inc({ ...l, direction: "tx" }, d.txPackets);
          if (d.rxBytes) this.bytes.inc({ ...l, direction: "rx" }, d.rxBytes);
          if (d.txBytes) this.bytes.inc({ ...l, direction: "tx" }, d.txBytes);
          const dropped = d.rxDropped + d.txDropped;
          if (dropped) this.drops.inc(l, dropped);
        }
      }
    });
    const done = this.refreshing;
    this.refreshing = done.catch((e: unknown) => log.warn({ err: String(e) }, "metrics refresh failed"));
    return done;
  }

  /** Every probe reading, once per bpftrace process. */
  observe(r: ProbeReading): void {
    const probe = r.probe;
    const events = r.cost.eventsPerSec * r.seconds;
    if (events > 0) this.probeEvents.inc({ probe }, events);
    const kernelSeconds = (r.cost.cpuPercent / 100) * r.seconds;
    if (kernelSeconds > 0) this.probeKernelSeconds.inc({ probe }, kernelSeconds);
    this.probeCpuPercent.set({ probe }, r.cost.cpuPercent);
    if (r.data.probe === "softirq")
      for (const c of r.data.data.cells) this.softirqRuntime.add(c.vector, c.runtimeNs);
    if (r.data.probe === "udp_sendmsg")
      for (const p of r.data.data.processes) this.sendLatency.add("udp_sendmsg", p.latencyNs);
  }

  async exposition(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  async stop(): Promise<void> {
    await this.collector.stop();
  }
}

/** GET /metrics on its own port; anything else is 404. Returns the bound port. */
export async function serveMetrics(
  metrics: DaemonMetrics,
  listen: string,
): Promise<{ server: Server; port: number }> {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(listen.slice(i + 1));
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    metrics.exposition().then(
      (body) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
      (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(e)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return { server, port: typeof addr === "object" && addr ? addr.port : port };
}
