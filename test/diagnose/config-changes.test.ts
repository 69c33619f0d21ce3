import assert from "node:assert/strict";
import { test } from "node:test";
import { causeFindings } from "../../src/diagnose/diagnose.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { symptom } from "../../src/diagnose/verdict.js";
import { mtuMismatch, offloadChanged, rpsChanged } from "../../src/diagnose/rules/config-changes.js";
import type { DeviceEnv } from "../../src/collectors/env-snapshot.js";
import { fixtureRun } from "../helpers/fixtures.js";

// A UDP 64 B flood through the hand-built overlay (ossc-c1 → ossc-h1 → VXLAN → ossc-h2 → ossc-c2);
// the root namespace's eth0, ifb0 and ifb1 carried next to nothing.
const fig = sideFigures([fixtureRun("overlay-udp64-run.json")]);

/** The run with one device's settings changed in its environment snapshot. */
function changed(netns: string | undefined, device: string, edit: (d: DeviceEnv) => void): RunFigures {
  const env = structuredClone(fig.environment!);
  const n = env.netns.find((x) => (netns ? x.names.includes(netns) : x.names.length === 0))!;
  edit(n.devices.find((d) => d.link.name === device)!);
  return { ...fig, environment: env };
}

const toggleFirstOffload = (d: { offloads: Record<string, { on: boolean }> }): void => {
  const [name] = Object.keys(d.offloads);
  d.offloads[name!]!.on = !d.offloads[name!]!.on;
};

test("the devices that carried the run are the path's, not the idle ones beside it", () => {
  const carried = [...fig.carriers].map((k) => {
    const [inode, device] = k.split("/");
    const n = fig.environment!.netns.find((x) => String(x.inode) === inode)!;
    return `${n.names[0] ?? "root"}/${device}`;
  });
  for (const d of [
    "ossc-c1/eth0",
    "ossc-h1/osscv1",
    "ossc-h1/vx0",
    "ossc-h1/wire0",
    "ossc-h2/wire0",
    "ossc-c2/eth0",
  ])
    assert.ok(carried.includes(d), `${d} carried the flood (${carried.join(", ")})`);
  for (const d of ["root/eth0", "root/ifb0", "root/ifb1"]) assert.ok(!carried.includes(d), `${d} was idle`);
});

test("an offload toggled on a device the benchmark did not cross is not OFFLOAD_CHANGED", () => {
  // The effect is there (the subject 30% slower); only the device is wrong.
  const idle = changed(undefined, "ifb0", toggleFirstOffload);
  assert.equal(offloadChanged.evaluate({ b: fig, s: idle, gap: 0.3, costRise: 0 }), undefined);
  const onPath = changed("ossc-c1", "eth0", toggleFirstOffload);
  const named = offloadChanged.evaluate({ b: fig, s: onPath, gap: 0.3, costRise: 0 });
  assert.ok(named, "the same toggle on the sending container's eth0 is named");
  assert.match(named.title, /ossc-c1\/eth0/);
});

test("an MTU changed on an idle device is not MTU_MISMATCH, though the subject fragments", () => {
  const fragmenting = (f: RunFigures): RunFigures => ({
    ...f,
    snmp: new Map([...f.snmp, ["Ip.FragFails", f.packets / 10]]),
  });
  const idle = fragmenting(changed(undefined, "ifb1", (d) => (d.link.mtu = 1000)));
  assert.equal(mtuMismatch.evaluate({ b: fig, s: idle, gap: 0.2, costRise: 0 }), undefined);
  const onPath = fragmenting(changed("ossc-h1", "wire0", (d) => (d.link.mtu = 1000)));
  assert.ok(
    mtuMismatch.evaluate({ b: fig, s: onPath, gap: 0.2, costRise: 0 }),
    "the underlay's MTU is named",
  );
});

test("RPS turned on at an idle device is not RPS_CHANGED, though NET_RX moved between the CPUs", () => {
  const rpsOn = (d: { rps: Record<string, string> }): void => {
    for (const q of Object.keys(d.rps)) d.rps[q] = "3";
  };
  // NET_RX all on CPU 0 in the baseline, shared in the subject: the effect RPS has.
  const b: RunFigures = { ...fig, netRxByCpu: { "0": 1000, "1": 0 } };
  const spread = (f: RunFigures): RunFigures => ({ ...f, netRxByCpu: { "0": 500, "1": 500 } });
  const idle = spread(changed(undefined, "ifb0", rpsOn));
  assert.ok(
    Object.keys(idle.environment!.netns[0]!.devices.find((d) => d.link.name === "ifb0")!.rps).length > 0,
  );
  assert.equal(rpsChanged.evaluate({ b, s: idle, gap: 0, costRise: 0 }), undefined);
  const onPath = spread(changed("ossc-c2", "eth0", rpsOn));
  assert.ok(
    rpsChanged.evaluate({ b, s: onPath, gap: 0, costRise: 0 }),
    "the receiving container's eth0 is named",
  );
});

test("a baseline that delivered nothing against one that delivered: faster, for the same cause as the pair exchanged", () => {
  // Measured 2026-12-07: both containers' MTU raised 1450 → 1500 over the 1450 overlay under
  // iperf3 -u -l 1460 -b 200M: the bridge dropped every datagram (102 726 sent, 0/0 received).
  const broken: RunFigures = {
    ...changed("ossc-c1", "eth0", (d) => (d.link.mtu = 1500)),
    packetsPerSecond: 0,
    bitsPerSecond: 0,
    packets: 0,
    // The per-interval series stay the sender's device counters (iperf3 printed 0 each second).
    cpuUsPerPacket: undefined,
    snmp: new Map([...fig.snmp, ["Ip.FragFails", fig.packets]]),
  };
  const forward = symptom(fig, broken);
  assert.equal(forward.verdict, "slower");
  const exchanged = symptom(broken, fig);
  assert.equal(exchanged.verdict, "faster", "until 2026-12-07: no material difference");
  assert.match(exchanged.summary, /from nothing/);
  const causes = causeFindings(broken, fig, exchanged).filter((f) => f.kind === "cause");
  assert.deepEqual(
    causes.map((f) => [f.code, f.slowed]),
    [["MTU_MISMATCH", "baseline"]],
  );
  assert.ok(
    causes.every((f) => Number.isFinite(f.impact)),
    JSON.stringify(causes.map((f) => f.impact)),
  );
});
