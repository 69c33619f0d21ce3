import assert from "node:assert/strict";
import { test } from "node:test";
import { IntervalHistory, mergeIntervals } from "../../src/session/interval-history.js";
import type { Interval } from "../../src/session/interval-model.js";
import { FOLDED_FRAME, StackProfileBuilder } from "../../src/profile/stack-profile.js";

function interval(seq: number, rate: number): Interval {
  return {
    seq,
    atMs: 1000 * (seq + 1),
    seconds: 1,
    cpus: [
      { cpu: 0, usr: 10, nice: 0, sys: 20, iowait: 0, irq: 0, softirq: rate / 1000, steal: 0, idle: 70 },
    ],
    softirqs: [{ cpu: 0, vector: "NET_RX", perSecond: rate, probePerSecond: 0, probeTimeNsPerSecond: 0 }],
    devices: [
      {
        netns: 1,
        netnsName: "",
        device: "eth0",
        rxPacketsPerSecond: rate,
        txPacketsPerSecond: 0,
        rxBitsPerSecond: rate * 512,
        txBitsPerSecond: 0,
        dropsPerSecond: 0,
      },
    ],
    probeCosts: [
      {
        probe: "stacks",
        variant: "tick",
        eventsPerSecond: 38,
        runNsPerEvent: seq,
        dispatchNsPerEvent: 200,
        cpuPercent: 0.1,
      },
    ],
    histograms: [
      {
        probe: "softirq",
        metric: "latency",
        unit: "ns",
        attributes: { vector: "NET_RX" },
        buckets: [{ min: 1, max: 2, count: 3 }],
      },
    ],
    counters: [
      {
        probe: "snmp",
        metric: "InErrors",
        value: 2,
        unit: "count",
        attributes: { netns: "1", protocol: "Udp" },
      },
      { probe: "conntrack", metric: "entries", value: seq, unit: "entries", attributes: { netns: "1" } },
      {
        probe: "interrupts",
        metric: "interrupts_per_second",
        value: rate,
        unit: "interrupts/s",
        attributes: { irq: "1" },
      },
    ],
    callDepth: [{ depth: 10, samples: 1 }],
    topFunctions: [{ function: "udp_sendmsg", share: 0.5 }],
    events: [],
    final: false,
    processes: [
      {
        pid: 7,
        ppid: 1,
        comm: "iperf3",
        netns: 1,
        netnsName: "",
        cgroup: "/",
        cpuCgroup: "/",
        allowedCpus: [],
        cpuSeconds: 0.5,
      },
    ],
    busySamples: 10,
    frameClasses: [{ frameClasses: ["encapsulation", "bridge"], samples: 4 }],
    entryDepth: [
      { entry: "send", samples: 5, meanFrames: seq % 2 ? 10 : 20 },
      { entry: "receive", samples: 0, meanFrames: 0 },
    ],
  };
}

test("a long session keeps a bounded number of equal intervals, and every amount survives the merging", () => {
  const h = new IntervalHistory(64);
  const n = 10_000;
  for (let k = 0; k < n; k++) h.push(interval(k, k % 2 ? 1000 : 3000));
  const all = h.all();
  assert.ok(all.length <= 64, `${all.length} kept`);
  // Equal spans except the unfinished last group.
  const spans = new Set(all.slice(0, -1).map((i) => i.seconds));
  assert.equal(spans.size, 1, `spans ${[...spans].join(", ")}`);
  assert.equal(h.intervalsPerEntry, [...spans][0]);
  const sum = (f: (i: Interval) => number): number => all.reduce((a, i) => a + f(i), 0);
  assert.equal(
    sum((i) => i.seconds),
    n,
  );
  // Deltas add up; rates average over time; levels are the latest; histograms and depth add up.
  assert.equal(
    sum((i) => i.counters.find((c) => c.metric === "InErrors")!.value),
    2 * n,
  );
  const rxPackets = sum((i) => i.devices[0]!.rxPacketsPerSecond * i.seconds);
  assert.ok(Math.abs(rxPackets - 2000 * n) < 1e-6 * n, `${rxPackets}`);
  const irq = sum((i) => i.counters.find((c) => c.unit === "interrupts/s")!.value * i.seconds);
  assert.ok(Math.abs(irq - 2000 * n) < 1e-6 * n);
  assert.equal(all.at(-1)!.counters.find((c) => c.metric === "entries")!.value, n - 1);
  assert.equal(
    sum((i) => i.histograms[0]!.buckets[0]!.count),
    3 * n,
  );
  assert.equal(
    sum((i) => i.callDepth[0]!.samples),
    n,
  );
  assert.equal(
    sum((i) => i.processes[0]!.cpuSeconds),
    0.5 * n,
  );
  // Stack figures: sample counts add, mean depths average over their samples.
  assert.equal(
    sum((i) => i.busySamples),
    10 * n,
  );
  assert.equal(
    sum((i) => i.frameClasses[0]!.samples),
    4 * n,
  );
  const send = (i: Interval) => i.entryDepth.find((d) => d.entry === "send")!;
  assert.equal(
    sum((i) => send(i).samples),
    5 * n,
  );
  assert.ok(all.slice(0, -1).every((i) => Math.abs(send(i).meanFrames - 15) < 1e-9));
  assert.equal(all.at(-1)!.probeCosts[0]!.runNsPerEvent, n - 1, "the latest per-event cost stands");
  assert.equal(all.at(-1)!.seq, n - 1);
});

test("a merged interval is final when its last part was", () => {
  const m = mergeIntervals([interval(0, 1), { ...interval(1, 1), final: true }]);
  assert.equal(m.final, true);
  assert.equal(m.seconds, 2);
  assert.deepEqual(mergeIntervals([interval(3, 5)]), interval(3, 5));
});

test("a profile past its stack bound folds the rarest stacks and keeps every sample", () => {
  const b = new StackProfileBuilder(19, 100);
  let total = 0;
  for (let pid = 1; pid <= 1000; pid++) {
    const count = pid === 500 ? 10_000 : 1;
    total += count;
    b.add([
      {
        pid,
        cpu: 0,
        comm: pid % 2 ? "odd" : "even",
        context: "task",
        frames: ["f", `g${pid}`],
        userFrames: [],
        userAddresses: [],
        count,
      },
    ]);
  }
  const p = b.build(10);
  assert.ok(p.stacks.length <= 100, `${p.stacks.length} stacks`);
  assert.equal(
    p.stacks.reduce((a, s) => a + s.samples, 0),
    total,
  );
  assert.equal(p.stacks[0]!.pid, 500, "the hot stack is kept as it was");
  assert.ok(p.stacks.some((s) => s.frames[0] === FOLDED_FRAME && s.comm === "odd"));
});
