import { createServer, type Server } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { HostCollector } from "../collectors/host-collector.js";
import type { ProbeReading } from "../probes/probe-run.js";
import type { SessionManager } from "../session/manager.js";
import { componentLogger } from "../util/log.js";
import { BucketHistogram } from "./bucket-histogram.js";
import { parseInterruptRows } from "../collectors/proc-interrupts.js";

const log = componentLogger("metrics");

/** /proc/stat counts CPU time in these ticks (USER_HZ, 100 on every Linux architecture). */
const USER_HZ = 100;

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
  private readonly probeCpuRatio: Gauge;
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
    this.probeCpuRatio = new Gauge({
      name: "overlayscope_probe_cpu_ratio",
      help: "a probe's cost over its last interval, as a fraction of one CPU (0-1)",
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

  /**
   * The kernel's cumulative counters as they stand at this scrape, as node_exporter exports them:
   * every series is present from the first scrape (zero-valued where nothing moved yet), and
   * `overlayscope_cpu_seconds_total` equals /proc/stat's. A device that disappears and returns
   * restarts from its own counters, which Prometheus's rate() reads as a counter reset.
   */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      await this.collector.sampleNow();
      const r = this.collector.latest;
      if (!r) return;
      this.cpuSeconds.reset();
      for (const [cpu, t] of r.stat.cpus) {
        const modes: Record<string, number> = {
          user: t.user,
          nice: t.nice,
          system: t.system,
          iowait: t.iowait,
          irq: t.irq,
          softirq: t.softirq,
          steal: t.steal,
          idle: t.idle,
        };
        for (const [mode, ticks] of Object.entries(modes))
          this.cpuSeconds.inc({ cpu: String(cpu), mode }, ticks / USER_HZ);
      }
      this.softirqs.reset();
      for (const row of r.softirqs.rows)
        for (const [cpu, n] of row.counts) this.softirqs.inc({ cpu: String(cpu), vector: row.key }, n);
      this.interrupts.reset();
      for (const line of parseInterruptRows(r.interrupts)) {
        const n = [...line.counts.values()].reduce((a, b) => a + b, 0);
        this.interrupts.inc(
          { irq: this.bounded("irq", line.irq), name: this.bounded("irqname", line.name.slice(0, 64)) },
          n,
        );
      }
      this.packets.reset();
      this.bytes.reset();
      this.drops.reset();
      for (const ns of r.netns.values()) {
        const netns = ns.ref.names[0] ?? `inode:${ns.ref.inode}`;
        for (const d of ns.devices.value) {
          const device = this.bounded("device", `${netns}/${d.name}`) === "other" ? "other" : d.name;
          const l = { netns: device === "other" ? "other" : netns, device };
          this.packets.inc({ ...l, direction: "rx" }, d.rxPackets);
          this.packets.inc({ ...l, direction: "tx" }, d.txPackets);
          this.bytes.inc({ ...l, direction: "rx" }, d.rxBytes);
          this.bytes.inc({ ...l, direction: "tx" }, d.txBytes);
          this.drops.inc(l, d.rxDropped + d.txDropped);
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
    if (r.cost) {
      // A cost spans from the last measured reading: its own seconds, not this reading's.
      const seconds = r.cost.seconds;
      const events = r.cost.eventsPerSec * seconds;
      if (events > 0) this.probeEvents.inc({ probe }, events);
      const kernelSeconds = (r.cost.cpuPercent / 100) * seconds;
      if (kernelSeconds > 0) this.probeKernelSeconds.inc({ probe }, kernelSeconds);
      this.probeCpuRatio.set({ probe }, r.cost.cpuPercent / 100);
    }
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

/**
 * GET /metrics and GET /healthz on their own port; anything else is 404. /healthz answers 200
 * while the gRPC server serves (503 once it shuts down): what an httpGet liveness probe needs,
 * instead of a Node process per probe. Returns the bound port.
 */
export async function serveMetrics(
  metrics: DaemonMetrics,
  listen: string,
  serving: () => boolean = () => true,
): Promise<{ server: Server; port: number }> {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(listen.slice(i + 1));
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const ok = serving();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "SERVING\n" : "NOT_SERVING\n");
      return;
    }
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics or /healthz\n");
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
