/**
 * Observer effect: how much overlayscope moves the benchmark it watches (issue 8).
 * Worst case: UDP 64 B through the `overlay` lab topology, packets/s received by the server.
 * Interleaved on/off pairs (off, on, off, on …) so drift hits both sides; median and spread.
 *
 *   node --import tsx bench/observer-effect.ts [--pairs 10] [--seconds 4] [--only A,B] [--no-calibrate]
 *
 * Configurations: the default session (every collector + default probes + stack sampling), each
 * per-packet probe alone (with its self-reported cost turned into a predicted loss), and the
 * naive anchors (per-packet count() and kstack one-liners).
 */
import { BpftraceRunner } from "../src/bpftrace/runner.js";
import { runIperf } from "../src/lab/iperf.js";
import { labDown, labUp } from "../src/lab/topology.js";
import { ProbeEngine } from "../src/probes/engine.js";
import { applyCalibration, calibrateTracepointDispatch } from "../src/probes/dispatch-calibration.js";
import { ProfilingSession } from "../src/session/session.js";
import { resolveTarget } from "../src/session/target.js";
import type { Snapshot } from "../src/generated/overlayscope/v1/Snapshot.js";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAIRS = arg("--pairs", 10);
const SECONDS = arg("--seconds", 4);

interface Config {
  name: string;
  start: () => Promise<{ stop: () => Promise<number | undefined> }>;
}

const engine = await ProbeEngine.create();
// Self-cost predictions use this kernel's measured tracepoint dispatch, not the bare-metal figure.
const calibration = process.argv.includes("--no-calibrate") ? undefined : await calibrateTracepointDispatch();
if (calibration) applyCalibration(calibration);
const host = await resolveTarget(undefined);

function sessionConfig(
  name: string,
  probes: Array<{ name: string; params?: Record<string, unknown> }>,
): Config {
  return {
    name,
    start: async () => {
      const s = new ProfilingSession(engine, {
        target: host,
        probes,
        intervalMs: 1000,
        stackHz: 19, // the daemon's default (StartSession stack_hz 0)
        durationMs: 0,
        detached: true,
        hardwareCounters: true,
        label: name,
        idleGraceMs: 3_600_000,
      });
      const snaps: Snapshot[] = [];
      s.on("snapshot", (x: Snapshot) => snaps.push(x));
      await s.start();
      return {
        stop: async () => {
          await s.stop();
          // Predicted CPU share of the per-packet probes, from their own BPF stats.
          const costs = snaps
            .flatMap((x) => x.probeCosts ?? [])
            .filter((c) => c.probe !== "stacks" && c.probe !== "softirq" && c.probe !== "hardirq");
          if (!costs.length) return undefined;
          return (
            costs.reduce((a, c) => a + Number(c.cpuPercent ?? 0), 0) /
            Math.max(1, snaps.filter((x) => (x.probeCosts ?? []).length).length) /
            100
          );
        },
      };
    },
  };
}

function oneLiner(name: string, script: string): Config {
  return {
    name,
    start: async () => {
      const r = new BpftraceRunner({ label: name, script });
      await r.start();
      return { stop: async () => (await r.stop(), undefined) };
    },
  };
}

const configs: Config[] = [
  sessionConfig(
    `default session (collectors + ${engine.defaultProbes().join(", ")}, stacks at 19 Hz)`,
    engine.defaultProbes().map((name) => ({ name })),
  ),
  sessionConfig("former default: collectors + hardirq + stacks at 19 Hz", [
    { name: "hardirq" },
    { name: "stacks" },
  ]),
  sessionConfig("collectors only (/proc every 1 s, no bpftrace)", []),
  sessionConfig("stacks probe only (default rate, 19 Hz)", [{ name: "stacks" }]),
  sessionConfig("zhz stacks probe at 19 Hz", [{ name: "stacks", params: { hz: 19 } }]),
  sessionConfig("zhz stacks probe at 49 Hz", [{ name: "stacks", params: { hz: 49 } }]),
  sessionConfig("zhz stacks probe, kernel stacks only", [{ name: "stacks", params: { user_stacks: false } }]),
  sessionConfig("zhz stacks probe, maps printed every 5 s", [{ name: "stacks", params: { interval_s: 5 } }]),
  sessionConfig("hardirq probe only", [{ name: "hardirq" }]),
  sessionConfig("softirq probe (per softirq run; ~1 per packet on veth paths)", [
    { name: "softirq", params: { latency: false } },
  ]),
  sessionConfig("netdev probe (per packet)", [{ name: "netdev" }]),
  sessionConfig("netdev probe, sampled 1 in 100", [{ name: "netdev", params: { sample_every: 100 } }]),
  sessionConfig("vxlan probe (per packet)", [{ name: "vxlan" }]),
  sessionConfig("udp_sendmsg probe (per send, stacks 1 in 1000)", [{ name: "udp_sendmsg" }]),
  oneLiner(
    "xstack: profile:hz:19 @[kstack] one-liner, no printing",
    "profile:hz:19 { @s[kstack] = count(); }",
  ),
  oneLiner(
    "xstack: profile:hz:99 @[kstack] one-liner, no printing",
    "profile:hz:99 { @s[kstack] = count(); }",
  ),
  oneLiner(
    "xstack: profile:hz:99 @[kstack] printed and cleared every second",
    "profile:hz:99 { @s[kstack] = count(); } interval:s:1 { print(@s); clear(@s); }",
  ),
  oneLiner(
    "xstack: profile:hz:99 @[pid, cpu, kstack, comm] printed every second",
    "profile:hz:99 { @s[pid, cpu, kstack, comm] = count(); } interval:s:1 { print(@s); clear(@s); }",
  ),
  oneLiner("naive: count() on net:net_dev_queue", "tracepoint:net:net_dev_queue { @n = count(); }"),
  oneLiner(
    "naive: @[kstack] = count() on net:net_dev_start_xmit",
    "tracepoint:net:net_dev_start_xmit { @s[kstack] = count(); }",
  ),
];

// --only A,B runs the configurations whose names contain A or B.
const only = process.argv.includes("--only") ? (process.argv[process.argv.indexOf("--only") + 1] ?? "") : "";
const selected = configs.filter((c) => only.split(",").some((o) => c.name.includes(o)));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const lab = await labUp("overlay");
const rows: string[] = [];
try {
  const pps = async (): Promise<number> => {
    const r = await runIperf(lab, { protocol: "udp", length: 64, seconds: SECONDS });
    return r.packetsReceived / r.seconds;
  };
  await pps(); // warm-up: ARP, caches, CPU frequency
  for (const c of selected) {
    const ratios: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const off = await pps();
      const h = await c.start();
      const on = await pps();
      const share = await h.stop();
      ratios.push(on / off);
      // The share is measured while the probe runs, at the reduced rate: if its events all land on
      // the bottleneck core, c/(T+c) of that core is exactly the packet-rate loss.
      if (share !== undefined) predicted.push(share);
      process.stderr.write(`${c.name}: pair ${i + 1}/${PAIRS} off ${off.toFixed(0)} on ${on.toFixed(0)}\n`);
    }
    const loss = 1 - median(ratios);
    const pred = predicted.length ? median(predicted) : undefined;
    const factor = pred !== undefined && loss > 0.005 ? Math.max(pred / loss, loss / pred).toFixed(2) : "-";
    rows.push(
      `| ${c.name} | ${(median(ratios) * 100).toFixed(1)}% | ${(Math.min(...ratios) * 100).toFixed(1)}–${(Math.max(...ratios) * 100).toFixed(1)}% | ${(loss * 100).toFixed(1)}% | ${pred === undefined ? "-" : `${(pred * 100).toFixed(1)}%`} | ${factor} |`,
    );
  }
} finally {
  await labDown(lab);
}
console.log(
  `UDP 64 B through the overlay lab, ${PAIRS} interleaved off/on pairs of ${SECONDS} s, packets/s received (${new Date().toISOString().slice(0, 10)})`,
);
console.log(
  calibration
    ? `tracepoint dispatch calibrated here: ${calibration.dispatchNsPerEvent.toFixed(0)} ns per event (+ ${calibration.runNsPerEvent.toFixed(0)} ns count() run time)`
    : "tracepoint dispatch: bare-metal estimate (--no-calibrate)",
);
console.log("| configuration | median on/off | spread | median loss | predicted loss (self-cost) | factor |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
