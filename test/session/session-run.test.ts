import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCgroup, parseProcessStat } from "../../src/collectors/process-cpu.js";
import type { EnvSnapshot } from "../../src/collectors/env-snapshot.js";
import { envChanges } from "../../src/session/env-changes.js";
import { RunFileSchema } from "../../src/run/run-file.js";
import { EnvSnapshotSchema } from "../../src/session/run-model.js";

test("a process's stat line: comm with spaces and parentheses, parent, utime + stime, start time", () => {
  const line =
    "4242 (my (odd) comm) R 17 4242 4242 0 -1 4194304 100 0 0 0 150 25 0 0 20 0 1 0 98765 1000 100";
  assert.deepEqual(parseProcessStat(4242, line), {
    pid: 4242,
    ppid: 17,
    comm: "my (odd) comm",
    startTicks: 98765,
    cpuTicks: 175,
  });
});

test("the cgroup is the v2 path, else the first hierarchy's", () => {
  assert.equal(parseCgroup("0::/system.slice/docker-abc.scope\n"), "/system.slice/docker-abc.scope");
  assert.equal(parseCgroup("12:cpu,cpuacct:/docker/abc\n11:memory:/docker/abc\n"), "/docker/abc");
});

const dev = (name: string, mtu: number, gro: boolean): EnvSnapshot["netns"][number]["devices"][number] => ({
  link: { ifindex: 2, name, kind: "veth", mtu, up: true },
  offloads: { "generic-receive-offload": { on: gro, fixed: false } },
  rps: { "rx-0": "0" },
  xps: {},
});
const env = (devices: EnvSnapshot["netns"][number]["devices"]): EnvSnapshot => ({
  takenAt: 0,
  netns: [{ inode: 1, names: ["c1"], devices, qdiscs: [] }],
  irqAffinity: {},
  perfEventMaxStack: 127,
  pmu: { core: false, uncoreImc: [], amdDf: false, resctrlMbm: false },
  problems: [],
});

test("changes between the environment at start and at stop: an offload flipped, an MTU, a device gone", () => {
  const changes = envChanges(
    env([dev("eth0", 1500, true), dev("eth1", 1500, true)]),
    env([dev("eth0", 1450, false)]),
  );
  assert.deepEqual(
    changes.map((c) => `${c.netns}/${c.device} ${c.what}: ${c.before} → ${c.after}`),
    [
      "c1/eth0 mtu: 1500 → 1450",
      "c1/eth0 offload generic-receive-offload: true → false",
      "c1/eth1 device: present → gone",
    ],
  );
  assert.deepEqual(envChanges(env([dev("eth0", 1500, true)]), env([dev("eth0", 1500, true)])), []);
});

test("a socket buffer sysctl changed during the run is a change; one snapshot without them is none", () => {
  const buffers = { rmemDefault: 212992, rmemMax: 4194304, wmemDefault: 212992, wmemMax: 212992 };
  const start: EnvSnapshot = { ...env([dev("eth0", 1500, true)]), socketBuffers: buffers };
  const stop: EnvSnapshot = { ...start, socketBuffers: { ...buffers, rmemDefault: 8192 } };
  assert.deepEqual(
    envChanges(start, stop).map((c) => `${c.what}: ${c.before} → ${c.after}`),
    ["net.core.rmem_default: 212992 → 8192"],
  );
  assert.deepEqual(envChanges(start, { ...stop, socketBuffers: undefined }), []);
});

test("IPsec SAs added during the run are a change of their namespace; a snapshot without IPsec read is none", () => {
  const start = env([dev("eth0", 1500, true)]);
  start.netns[0]!.ipsec = { states: 0, algorithms: [] };
  const stop = structuredClone(start);
  stop.netns[0]!.ipsec = { states: 2, algorithms: ["rfc4106(gcm(aes))"] };
  assert.deepEqual(
    envChanges(start, stop).map((c) => `${c.netns} ${c.what}: ${c.before} → ${c.after}`),
    ["c1 ipsec: 0 SAs - → 2 SAs rfc4106(gcm(aes))"],
  );
  delete stop.netns[0]!.ipsec;
  assert.deepEqual(envChanges(start, stop), []);
});

test("a stop snapshot that did not read a quiet namespace again reports no change there; one that appeared is present", () => {
  const start = env([dev("eth0", 1500, true)]);
  const quiet: EnvSnapshot = { ...start, netns: [], notReread: [{ inode: 1, names: ["c1"] }] };
  assert.deepEqual(envChanges(start, quiet), []);
  const gone: EnvSnapshot = { ...start, netns: [] };
  assert.deepEqual(
    envChanges(start, gone).map((c) => `${c.netns} ${c.what}: ${c.before} → ${c.after}`),
    ["c1 namespace: present → gone"],
  );
  const appeared: EnvSnapshot = { ...start, notReread: [{ inode: 2, names: ["pod-7"] }] };
  assert.deepEqual(
    envChanges(start, appeared).map((c) => `${c.netns} ${c.what}: ${c.before} → ${c.after}`),
    ["pod-7 namespace: absent → present"],
  );
  // The run file keeps the list: a quiet namespace must not read as gone after a round trip.
  assert.deepEqual(EnvSnapshotSchema.parse(quiet).notReread, quiet.notReread);
});
test("a start snapshot that did not read a quiet namespace: quiet at stop too is no change; gone is gone", () => {
  const start: EnvSnapshot = {
    ...env([dev("eth0", 1500, true)]),
    notReread: [{ inode: 9, names: ["pod-9"] }],
  };
  const stop = (extra: Partial<EnvSnapshot>): EnvSnapshot => ({
    ...env([dev("eth0", 1500, true)]),
    ...extra,
  });
  const show = (cs: ReturnType<typeof envChanges>): string[] =>
    cs.map((c) => `${c.netns} ${c.what}: ${c.before} → ${c.after}`);
  assert.deepEqual(envChanges(start, stop({ notReread: [{ inode: 9, names: ["pod-9"] }] })), []);
  assert.deepEqual(show(envChanges(start, stop({}))), ["pod-9 namespace: present → gone"]);
  // Read at stop only (it moved in the last interval): it was there at the start, not new.
  const readAtStop = stop({});
  readAtStop.netns.push({ inode: 9, names: ["pod-9"], devices: [], qdiscs: [] });
  assert.deepEqual(envChanges(start, readAtStop), []);
});

test("v1 run files stay readable: counters get metric and attributes, environment becomes start", () => {
  for (const name of ["host-udp64.json", "overlay-udp64.json"]) {
    const raw = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "fixtures", "runs", name), "utf8"),
    ) as Record<string, unknown>;
    const run = RunFileSchema.parse(raw);
    assert.equal(run.schema, "overlayscope.run/v2");
    assert.equal(run.hardware.supported, false);
    assert.match(run.hardware.reason, /not recorded/);
    assert.ok(run.snapshots.every((s) => s.counters.every((c) => typeof c.attributes === "object")));
    // The forms v1 wrote for environment, benchmark and SNMP counters.
    const first = (raw.snapshots as Array<Record<string, unknown>>)[0]!;
    const withMore = {
      ...raw,
      environment: env([dev("eth0", 1500, true)]),
      benchmark: {
        tool: "iperf3",
        protocol: "udp",
        messageBytes: 64,
        seconds: 6,
        bitsPerSecond: 1e6,
        packetsSent: 10,
        packetsReceived: 9,
        lostPercent: 10,
        raw: {},
      },
      snapshots: [
        {
          ...first,
          counters: [{ probe: "snmp", name: "lab-h1 Udp.RcvbufErrors", value: 5, unit: "packets" }],
        },
      ],
    };
    const up = RunFileSchema.parse(withMore);
    assert.equal(up.environment?.start.netns[0]?.names[0], "c1");
    assert.deepEqual(up.snapshots[0]!.counters[0], {
      probe: "snmp",
      metric: "RcvbufErrors",
      value: 5,
      unit: "packets",
      attributes: { netnsName: "lab-h1", protocol: "Udp" },
    });
    assert.equal(up.benchmark?.packetsReceived, 9);
  }
});
