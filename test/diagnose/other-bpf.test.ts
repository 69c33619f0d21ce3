import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBpftoolProgs, type BpfProgramsSnapshot } from "../../src/collectors/bpf-programs.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { otherBpfPrograms } from "../../src/diagnose/rules/other-bpf.js";
import type { RunFile } from "../../src/run/run-file.js";
import { bpfProgramUse } from "../../src/session/bpf-program-use.js";
import { DISPATCH_NS_BY_PROG_TYPE } from "../../src/probes/self-cost.js";
import { fixtureRun } from "../helpers/fixtures.js";

const run = fixtureRun("overlay-udp64-run.json");

test("bpftool's program list: type names to numbers, stats where the kernel keeps them", () => {
  // As bpftool v7.1 printed it here with kernel.bpf_stats_enabled=1 (a bpftrace tracer).
  const json =
    '[{"id":39818,"type":"tracepoint","name":"netif_receive_s","tag":"022a9a687ac966a0","gpl_compatible":true,"run_time_ns":1798454312,"run_cnt":696044,"loaded_at":1796601528,"uid":0},{"id":7,"type":"cgroup_device","tag":"ab","uid":0}]';
  assert.deepEqual(parseBpftoolProgs(json), [
    {
      id: 39818,
      type: 5,
      typeName: "tracepoint",
      name: "netif_receive_s",
      runTimeNs: 1798454312,
      runCount: 696044,
    },
    { id: 7, type: 15, typeName: "cgroup_device", name: "", runTimeNs: 0, runCount: 0 },
  ]);
});

test("bpftool output that is not its program list leaves the reading to fdinfo", () => {
  assert.equal(parseBpftoolProgs('[{"id":1,"type":"tracepoint"'), undefined); // cut short
  assert.equal(parseBpftoolProgs('{"error":"can\'t get next program: Operation not permitted"}'), undefined);
  assert.equal(parseBpftoolProgs(""), undefined);
  // Entries without an id or type are skipped, the rest kept.
  assert.deepEqual(
    parseBpftoolProgs('[{"name":"x"},{"id":3,"type":"kprobe","name":"y"}]')?.map((p) => [p.id, p.typeName]),
    [[3, "kprobe"]],
  );
});

const reading = (
  takenAt: number,
  programs: Array<[id: number, runs: number, ns: number, holderPid?: number, holderPpid?: number]>,
): BpfProgramsSnapshot => ({
  takenAt,
  statsEnabled: true,
  source: "fdinfo+bpftool",
  programs: programs.map(([id, runCount, runTimeNs, pid, ppid]) => ({
    id,
    type: 5,
    typeName: "tracepoint",
    name: `p${id}`,
    runTimeNs,
    runCount,
    holders: pid ? [{ pid, ppid: ppid ?? 1, comm: "bpftrace" }] : [],
  })),
});

test("a window's BPF program use: deltas, a program loaded mid-window from zero, idle ones left out, own ones marked", () => {
  const daemon = 100;
  const use = bpfProgramUse(
    reading(1000, [
      [1, 500, 1e6, 200],
      [2, 10, 1e4],
      [3, 7, 7e3, 101, daemon],
    ]),
    reading(3000, [
      [1, 1500, 3e6, 200],
      [2, 10, 1e4],
      [3, 9, 9e3, 101, daemon],
      [4, 40, 4e4],
    ]),
    daemon,
  );
  assert.equal(use.seconds, 2);
  assert.equal(use.statsEnabled, true);
  const dispatch = DISPATCH_NS_BY_PROG_TYPE[5]!;
  assert.deepEqual(
    use.programs.map((p) => [p.id, p.runCount, p.runTimeNs, p.own, p.holders.map((h) => h.pid)]),
    [
      [1, 1000, 2e6, false, [200]],
      [4, 40, 4e4, false, []],
      [3, 2, 2e3, true, [101]],
    ],
  );
  assert.ok(Math.abs(use.programs[0]!.cpuSeconds - (2e6 + 1000 * dispatch) / 1e9) < 1e-12);
  // Statistics off at either reading: run times did not move, so nothing can be said.
  assert.equal(
    bpfProgramUse({ ...reading(0, []), statsEnabled: false }, reading(1, []), daemon).statsEnabled,
    false,
  );
});

const withBpf = (bpf: RunFile["bpfPrograms"]): RunFigures => sideFigures([{ ...run, bpfPrograms: bpf }]);
const program = (
  cpuSeconds: number,
  own = false,
  comm = "bpftrace",
): NonNullable<RunFile["bpfPrograms"]>["programs"][number] => ({
  id: 9,
  type: "tracepoint",
  name: "netif_receive_s",
  holders: [{ pid: 4242, comm }],
  own,
  runTimeNs: cpuSeconds * 1e9,
  runCount: 1000,
  cpuSeconds,
});

test("a run's other BPF programs: not overlayscope's own, as a share of all CPUs' time; unknown when statistics were off", () => {
  // The fixture ran on 2 CPUs; 6 s: 2.4 CPU-seconds is 20% of all CPUs' time.
  const f = withBpf({
    seconds: 6,
    statsEnabled: true,
    source: "fdinfo",
    programs: [program(2.4), program(1, true)],
  });
  assert.ok(f.otherBpf);
  assert.ok(Math.abs(f.otherBpf.share - 2.4 / (6 * run.host.cpus)) < 1e-9);
  assert.equal(f.otherBpf.programs[0]?.label, "netif_receive_s (tracepoint, held by bpftrace)");
  assert.equal(
    withBpf({ seconds: 6, statsEnabled: false, source: "fdinfo", programs: [] }).otherBpf,
    undefined,
  );
  assert.equal(withBpf(undefined).otherBpf, undefined);
});

test("OTHER_BPF_PROGRAMS: named in the run where others' programs took ≥10% more of all CPUs, never for the same programs or our own", () => {
  const side = (others: number, own = 0): RunFigures =>
    withBpf({
      seconds: 6,
      statsEnabled: true,
      source: "fdinfo+bpftool",
      programs: [
        ...(others ? [program(others * 6 * run.host.cpus)] : []),
        ...(own ? [program(own * 12, true)] : []),
      ],
    });
  const ctx = (b: RunFigures, s: RunFigures, gap: number) => ({ b, s, gap, costRise: 0 });
  // Measured here: a tracer on net:netif_receive_skb, 19.9% of all CPUs, 71 k → 37 k packets/s.
  const named = otherBpfPrograms.evaluate(ctx(side(0), side(0.199), 0.6));
  assert.ok(named);
  assert.match(
    named.title,
    /took 19\.9% more of all CPUs' time in the subject: netif_receive_s \(tracepoint, held by bpftrace\) 19\.9%/,
  );
  assert.equal(named.slowed, undefined);
  assert.ok(named.explains !== undefined && named.explains > 0.3 && named.explains < 0.35);
  // In the baseline it explains a faster subject.
  assert.equal(otherBpfPrograms.evaluate(ctx(side(0.199), side(0), -0.6))?.slowed, "baseline");
  // The same programs on both sides, below the bar, overlayscope's own (PROBE_COST's), or unmeasured.
  assert.equal(otherBpfPrograms.evaluate(ctx(side(0.2), side(0.22), 0.1)), undefined);
  assert.equal(otherBpfPrograms.evaluate(ctx(side(0), side(0.05), 0.1)), undefined);
  assert.equal(otherBpfPrograms.evaluate(ctx(side(0), side(0, 0.5), 0.6)), undefined);
  assert.equal(otherBpfPrograms.evaluate(ctx(withBpf(undefined), side(0.199), 0.6)), undefined);
});
