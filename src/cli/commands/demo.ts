import type { ProbeEngine } from "../../probes/engine.js";
import { measure, type Measurement } from "../../lab/measure.js";
import { labDown, labUp } from "../../lab/topology.js";
import { progress } from "../progress.js";
import { formatNumber, renderTable } from "../table.js";

export interface DemoOptions {
  seconds: number;
  length: number;
  topologies: string[];
  verbose: boolean;
}

/** Softirq counts per CPU and vector summed over every reading of a run. */
export function softirqTotals(m: Measurement): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of m.readings) {
    if (r.data.probe !== "softirq") continue;
    for (const c of r.data.data.cells) {
      const k = `${c.cpu},${c.vector}`;
      totals.set(k, (totals.get(k) ?? 0) + c.count);
    }
  }
  return totals;
}

/** Share of on-CPU samples whose stack contains each function (inclusive), over a whole run. */
export function functionShares(m: Measurement): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const r of m.readings) {
    if (r.data.probe !== "stacks") continue;
    for (const s of r.data.data.samples) {
      if (s.context === "idle") continue;
      total += s.count;
      for (const fn of new Set(s.frames)) counts.set(fn, (counts.get(fn) ?? 0) + s.count);
    }
  }
  return new Map([...counts].map(([fn, n]) => [fn, total ? n / total : 0]));
}

function vxlanNsPerPacket(m: Measurement): number | undefined {
  let calls = 0;
  let ns = 0;
  for (const r of m.readings) {
    if (r.data.probe !== "vxlan") continue;
    for (const f of r.data.data.functions) {
      if (f.fn === "vxlan_xmit") {
        calls += f.calls;
        ns += f.timeNs;
      }
    }
  }
  return calls > 0 ? ns / calls : undefined;
}

export async function runDemo(engine: ProbeEngine, opts: DemoOptions): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const topology of opts.topologies) {
    progress(opts.verbose, `building the '${topology}' lab topology in network namespaces`);
    const lab = await labUp(topology);
    try {
      progress(
        opts.verbose,
        `${topology}: attaching probes and running iperf3 UDP ${opts.length} B for ${opts.seconds} s`,
      );
      const probes = [{ name: "softirq" }, { name: "stacks" }];
      if (engine.choices.get("vxlan")?.variant) probes.push({ name: "vxlan" });
      out.push(
        await measure(engine, lab, probes, { protocol: "udp", length: opts.length, seconds: opts.seconds }),
      );
    } finally {
      await labDown(lab);
    }
  }
  return out;
}

export function formatDemo(results: Measurement[]): string {
  const parts: string[] = [];
  for (const m of results) {
    const totals = softirqTotals(m);
    const cpus = m.procSoftirqs.cpus;
    const rows = ["NET_RX", "NET_TX", "TIMER", "SCHED", "RCU"].map((vec) => {
      const proc = m.procSoftirqs.rows.find((r) => r.key === vec);
      return [vec, ...cpus.flatMap((c) => [totals.get(`${c},${vec}`) ?? 0, proc?.counts.get(c) ?? 0])];
    });
    const header = ["softirq", ...cpus.flatMap((c) => [`cpu${c} probe`, `cpu${c} /proc`])];
    const b = m.benchmark;
    const rxSoftirqs = cpus.reduce((s, c) => s + (totals.get(`${c},NET_RX`) ?? 0), 0);
    const pps = b.packetsReceived / b.seconds;
    const shares = functionShares(m);
    const vx = vxlanNsPerPacket(m);
    const interesting = [...shares]
      .filter(([fn]) => /vxlan|udp_tunnel|br_|veth|ip_finish_output|udp_sendmsg/.test(fn))
      .sort((a, c) => c[1] - a[1])
      .slice(0, 8);
    parts.push(
      [
        `== ${m.topology}: iperf3 UDP ${b.length} B, ${b.seconds.toFixed(1)} s: ${formatNumber(pps)} packets/s received, ${(b.bitsPerSecond / 1e6).toFixed(1)} Mbit/s, ${b.lostPercent.toFixed(1)}% lost`,
        renderTable(header, rows),
        `NET_RX softirqs per received packet: ${formatNumber(b.packetsReceived ? rxSoftirqs / b.packetsReceived : 0)}`,
        vx === undefined ? "" : `vxlan_xmit time per packet: ${formatNumber(vx)} ns`,
        interesting.length
          ? `network-path functions in sampled stacks (share of busy samples):\n` +
            renderTable(
              ["function", "share %"],
              interesting.map(([fn, s]) => [fn, s * 100]),
            )
          : "",
      ]
        .filter(Boolean)
        .join("\n"),
    );
  }
  return parts.join("\n\n");
}
