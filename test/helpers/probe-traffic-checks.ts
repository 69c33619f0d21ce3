import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { ip } from "../../src/lab/ip-command.js";
import { measure, type Measurement } from "../../src/lab/measure.js";
import type { Lab } from "../../src/lab/topology.js";
import type { ProbeEngine, ProbeRequest } from "../../src/probes/engine.js";
import type { NetdevSnapshot } from "../../src/probes/parsers/netdev.js";
import type { SoftirqSnapshot } from "../../src/probes/parsers/softirq.js";
import type { StacksSnapshot } from "../../src/probes/parsers/stacks.js";
import type { UdpSendSnapshot } from "../../src/probes/parsers/udp-sendmsg.js";
import type { VxlanSnapshot } from "../../src/probes/parsers/vxlan.js";

/**
 * The checks of each probe against an independent source, on one measured run through the overlay
 * lab: shared by the kernel test on this machine (probes-traffic) and by the kernel matrix, which
 * runs them inside other kernels under QEMU where the kprobe variants attach.
 */
export interface TrafficRun {
  engine: ProbeEngine;
  lab: Lab;
  m: Measurement;
}

export interface TrafficOptions {
  /** Stack samples per second (99 fits every stacks variant; 499 takes the timer variant here). */
  stacksHz: number;
  /** Offered UDP bit rate: below what the path carries, so nothing is lost. */
  bitrate: number;
  /** How long the flow runs. */
  seconds: number;
}

const DEFAULTS: TrafficOptions = { stacksHz: 499, bitrate: 16_000_000, seconds: 3 };

/** Per-probe parameters that keep every probe cheap enough to run all at once on a busy path. */
function trafficRequest(probe: string, opts: TrafficOptions): ProbeRequest {
  return {
    name: probe,
    params: probe === "udp_sendmsg" ? { sample_every: 50 } : probe === "stacks" ? { hz: opts.stacksHz } : {},
  };
}

/**
 * Every given probe attached while iperf3 sends UDP 64 B at a fixed rate below saturation (so
 * nothing is lost and the sender's count is the truth). measure() waits for each probe's intervals
 * around the window, so a bpftrace starved by the flood still gives its in-window readings.
 */
export async function recordTraffic(
  engine: ProbeEngine,
  lab: Lab,
  probes: string[],
  options: Partial<TrafficOptions> = {},
): Promise<TrafficRun> {
  const opts = { ...DEFAULTS, ...options };
  const m = await measure(
    engine,
    lab,
    probes.map((p) => trafficRequest(p, opts)),
    { protocol: "udp", length: 64, seconds: opts.seconds, bitrate: opts.bitrate },
  );
  return { engine, lab, m };
}

function readings<T>(run: TrafficRun, probe: string): T[] {
  return run.m.readings.filter((r) => r.probe === probe).map((r) => r.data.data as T);
}

function near(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= expected * rel + 20,
    `${what}: ${actual} vs expected ${expected} (±${rel * 100}%)`,
  );
}

/** Readings at every tick, with the probe's own kernel cost (hardirq: no hard IRQs on veth paths). */
export function checkReadings(run: TrafficRun, probe: string): void {
  const rs = run.m.readings.filter((r) => r.probe === probe);
  assert.ok(rs.length >= 2, `${probe}: ${rs.length} readings`);
  if (probe !== "hardirq")
    assert.ok(
      rs.some((r) => (r.cost?.eventsPerSec ?? 0) > 0 && (r.cost?.runNsPerEvent ?? 0) > 0),
      `${probe}: no reading carries its kernel cost`,
    );
}

export interface ProbeCheck {
  probe: string;
  name: string;
  check: (run: TrafficRun) => void | Promise<void>;
  /**
   * A check on sampled data that looks for something to appear: finding nothing in a short window
   * may be chance (too few samples), never a disagreement with an independent source.
   */
  sampled?: boolean;
}

/** What each probe's numbers must agree with; a probe without an entry is checked by its readings only. */
export const TRAFFIC_CHECKS: ProbeCheck[] = [
  {
    probe: "softirq",
    name: "softirq NET_RX counts agree with /proc/softirqs over the same window",
    check: (run) => {
      const probe = readings<SoftirqSnapshot>(run, "softirq")
        .flatMap((s) => s.cells)
        .filter((c) => c.vector === "NET_RX")
        .reduce((a, c) => a + c.count, 0);
      const proc = [
        ...(run.m.procSoftirqs.rows.find((r) => r.key === "NET_RX")?.counts.values() ?? []),
      ].reduce((a, b) => a + b, 0);
      assert.ok(proc > 1000, `NET_RX in /proc/softirqs: ${proc}`);
      // The probe window encloses the /proc window by the attach/stop margins only.
      near(probe, proc, 0.1, "NET_RX softirqs probe vs /proc");
    },
  },
  {
    probe: "udp_sendmsg",
    name: "udp_sendmsg counts the sender's datagrams and finds a call path below udp_sendmsg through VXLAN",
    check: (run) => {
      const snaps = readings<UdpSendSnapshot>(run, "udp_sendmsg");
      const calls = snaps
        .flatMap((s) => s.processes)
        .filter((p) => p.comm === "iperf3")
        .reduce((a, p) => a + p.calls, 0);
      near(calls, run.m.benchmark.packetsSent, 0.03, "UDP sends vs iperf3 packets");
      const fns = new Set(snaps.flatMap((s) => s.pathFunctions.map((f) => f.fn)));
      assert.ok(fns.has("vxlan_xmit"), `functions below udp_sendmsg: ${[...fns].join(", ")}`);
      const depths = snaps.flatMap((s) => s.depth.map((d) => d.depth));
      assert.ok(Math.max(...depths) >= 10, `depths ${depths.join(",")}`);
    },
  },
  {
    probe: "vxlan",
    name: "vxlan transmit and receive counts match iperf3's packets",
    check: (run) => {
      const fns = readings<VxlanSnapshot>(run, "vxlan").flatMap((s) => s.functions);
      const sum = (fn: string): number => fns.filter((f) => f.fn === fn).reduce((a, f) => a + f.calls, 0);
      near(sum("vxlan_xmit"), run.m.benchmark.packetsSent, 0.03, "vxlan_xmit");
      near(sum("vxlan_rcv"), run.m.benchmark.packetsReceived, 0.03, "vxlan receive");
    },
  },
  {
    probe: "netdev",
    name: "netdev counts the VXLAN device's packets in the sender host's namespace",
    check: async (run) => {
      const host1 = run.lab.namespaces.find((n) => n.endsWith("-h1"))!;
      const inode = (await stat(`/run/netns/${host1}`)).ino;
      const link = JSON.parse(await ip(["-j", "link", "show", "vx0"], host1)) as Array<{ ifindex: number }>;
      const vx = readings<NetdevSnapshot>(run, "netdev")
        .flatMap((s) => s.devices)
        .filter((d) => d.netns === inode && d.ifindex === link[0]!.ifindex);
      near(
        vx.reduce((a, d) => a + d.txPackets, 0),
        run.m.benchmark.packetsSent,
        0.03,
        "vx0 transmit packets",
      );
    },
  },
  {
    probe: "stacks",
    name: "sampled stacks see VXLAN encapsulation frames in the sender",
    sampled: true,
    check: (run) => {
      const samples = readings<StacksSnapshot>(run, "stacks").flatMap((s) => s.samples);
      assert.ok(samples.length > 0, "no stack samples");
      const count = (list: typeof samples): number => list.reduce((a, s) => a + s.count, 0);
      const vxlan = samples.filter((s) => s.frames.some((f) => f.startsWith("vxlan_")));
      assert.ok(
        vxlan.length > 0,
        `a vxlan_* frame in some sample (none in ${count(samples)} samples, ${samples.length} stacks)`,
      );
    },
  },
];
