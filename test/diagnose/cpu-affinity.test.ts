import assert from "node:assert/strict";
import { test } from "node:test";
import { cpuConfinement } from "../../src/diagnose/cpu-confinement.js";
import { coreSaturation } from "../../src/diagnose/rules/core-saturation.js";
import { cpuAffinity } from "../../src/diagnose/rules/cpu-affinity.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { type RunFile, type RunSnapshot } from "../../src/run/run-file.js";
import { fixtureRun } from "../helpers/fixtures.js";

const run = fixtureRun("overlay-udp64-run.json");

const proc = (pid: number, comm: string, allowedCpus: number[]): RunFile["processes"][number] => ({
  pid,
  ppid: 1,
  comm,
  netns: 0,
  netnsName: "",
  cgroup: "/",
  cpuCgroup: "/",
  allowedCpus,
  cpuSeconds: 3,
  cpuShare: 0.25,
});

/** Intervals whose CPUs were this busy (%), one entry per CPU. */
const busy = (...perCpu: number[]): RunSnapshot[] =>
  [1, 2, 3].map(
    () =>
      ({
        cpus: perCpu.map((b, cpu) => ({
          cpu,
          usr: b,
          nice: 0,
          sys: 0,
          iowait: 0,
          irq: 0,
          softirq: 0,
          steal: 0,
          idle: 100 - b,
        })),
      }) as unknown as RunSnapshot,
  );

test("the benchmark's confinement: the CPUs its confined processes may use together, and how busy they and the others were", () => {
  const iperf = new Set(["iperf3"]);
  // What `taskset -c 0` on client and server did here (TCP through the overlay, 2 CPUs): 99% / 10%.
  const c = cpuConfinement(
    [proc(10, "iperf3", [0]), proc(11, "iperf3", [0]), proc(12, "stress", [1])],
    iperf,
    busy(99, 10),
  );
  assert.deepEqual(c, {
    cpus: [0],
    processes: [
      { comm: "iperf3", pid: 10 },
      { comm: "iperf3", pid: 11 },
    ],
    busyPercent: 99,
    othersBusyPercent: 10,
  });
  // Free processes, and a confined process that is not the benchmark's, confine nothing.
  assert.equal(
    cpuConfinement([proc(10, "iperf3", []), proc(12, "stress", [1])], iperf, busy(99, 10)),
    undefined,
  );
});

test("CPU_AFFINITY: named for a slower subject held to fewer, full CPUs, or a faster one each of whose packets cost less there; never for the same confinement or CPUs with time to spare", () => {
  const fig = sideFigures([run]);
  const side = (
    cpus: number[] | undefined,
    busyPercent: number,
    othersBusyPercent: number,
    busyCpus: number,
  ): RunFigures => ({
    ...fig,
    cpus: 2,
    seconds: 6,
    busySeconds: busyCpus * 6,
    cpuConfinement: cpus && {
      cpus,
      processes: [{ comm: "iperf3", pid: 10 }],
      busyPercent,
      othersBusyPercent,
    },
  });
  const ctx = (b: RunFigures, s: RunFigures, gap: number) => ({ b, s, gap, costRise: 0 });
  // Measured here: 13.4 → 10.8 Gbit/s, the baseline kept 1.62 CPUs busy, CPU 0 97% busy, CPU 1 12%.
  const named = cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 1.62), side([0], 97.4, 11.9, 1.09), 0.194));
  assert.ok(named, "CPU_AFFINITY named");
  assert.match(named.title, /could run on CPU 0 only \(1 of 2; the baseline's on all 2\), 97.4% busy/);
  // 1 CPU carries at most 1 ÷ 1.62 of the baseline's rate: a 38% gap by capacity, more than the 19% seen.
  assert.equal(named.explains, 1);
  assert.equal(named.confidence, "medium");
  // The same confinement on both sides (an A/A pair of pinned runs), or a wider one in the subject.
  assert.equal(
    cpuAffinity.evaluate(ctx(side([0], 97, 10, 1.1), side([0], 97.4, 11.9, 1.09), 0.19)),
    undefined,
  );
  // Confined CPUs with time to spare, or no CPU left anywhere: the confinement did not bind.
  assert.equal(
    cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 1.62), side([0], 70, 11.9, 0.8), 0.19)),
    undefined,
  );
  assert.equal(
    cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 1.62), side([0], 99, 95, 1.9), 0.19)),
    undefined,
  );
  // Not slower.
  assert.equal(
    cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 1.62), side([0], 97.4, 11.9, 1.09), 0)),
    undefined,
  );
  // Faster or no slower, and each packet cheaper beyond noise (client and server on CPU 0 cost 31%
  // less CPU per KB here in a noisy hour, 2026-12-06): the confinement is the cause of the lead.
  const cheaper = (f: RunFigures): RunFigures => ({
    ...f,
    cpuUsPerPacket: f.cpuUsPerPacket! * 0.69,
    cpuPerPacketSeries: f.cpuPerPacketSeries.map((x) => x * 0.69),
  });
  const lead = cpuAffinity.evaluate(
    ctx(side(undefined, 0, 0, 1.62), cheaper(side([0], 80, 11.9, 0.9)), -0.05),
  );
  assert.equal(lead?.slowed, "baseline");
  assert.match(lead.title, /CPU 0 only \(1 of 2\), and each packet cost 31% less CPU than spread over all 2/);
  // A cheaper subject free to use every CPU: not this rule's.
  assert.equal(
    cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 1.62), cheaper(side(undefined, 0, 0, 0.9)), -0.05)),
    undefined,
  );
  // A baseline that kept less than the subject's CPUs busy: named, but capacity explains no share.
  const weak = cpuAffinity.evaluate(ctx(side(undefined, 0, 0, 0.9), side([0], 97.4, 11.9, 1.09), 0.19));
  assert.equal(weak?.explains, undefined);
  assert.equal(weak?.confidence, "low");
});

test("a core full because the benchmark was confined to it is not single-core saturation; the same core full of a free benchmark's flow is", () => {
  const fig = sideFigures([run]);
  const saturated = Array.from({ length: 5 }, () => ({ cpu: 0, kernelPercent: 92, othersBusyPercent: 12 }));
  const calm = Array.from({ length: 5 }, () => ({ cpu: 0, kernelPercent: 55, othersBusyPercent: 50 }));
  const baseline: RunFigures = { ...fig, saturation: calm, cpuConfinement: undefined };
  const confined: RunFigures = {
    ...fig,
    saturation: saturated,
    cpuConfinement: {
      cpus: [0],
      processes: [{ comm: "iperf3", pid: 10 }],
      busyPercent: 97,
      othersBusyPercent: 12,
    },
  };
  const ctx = (s: RunFigures) => ({ b: baseline, s, gap: 0.2, costRise: 0 });
  assert.equal(coreSaturation.evaluate(ctx(confined)), undefined);
  // Confined elsewhere (CPU 1) while CPU 0 fills with kernel work: the flow's, named.
  const elsewhere: RunFigures = { ...confined, cpuConfinement: { ...confined.cpuConfinement!, cpus: [1] } };
  assert.equal(coreSaturation.evaluate(ctx(elsewhere))?.code, "SINGLE_CORE_SATURATION");
  assert.equal(
    coreSaturation.evaluate(ctx({ ...confined, cpuConfinement: undefined }))?.code,
    "SINGLE_CORE_SATURATION",
  );
});
