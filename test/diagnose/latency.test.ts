import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseBenchmarkOutput } from "../../src/benchmarks/benchmark-report.js";
import { diagnose } from "../../src/diagnose/diagnose.js";
import { sideFigures } from "../../src/diagnose/run-figures.js";
import { latencyChange } from "../../src/diagnose/verdict.js";
import { RunFileSchema, type RunFile } from "../../src/run/run-file.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const run = RunFileSchema.parse(
  JSON.parse(readFileSync(join(fixtures, "runs", "overlay-udp64-run.json"), "utf8")),
);
const ulArgv = [
  "ip",
  "netns",
  "exec",
  "c1",
  "sockperf",
  "ul",
  "-i",
  "10.91.0.2",
  "-t",
  "8",
  "--mps",
  "10000",
];
const ulReport = parseBenchmarkOutput(
  ulArgv,
  readFileSync(join(fixtures, "tools", "sockperf-ul-3.7.txt"), "utf8"),
)!;

/**
 * The recorded overlay run with its benchmark a sockperf under-load of this mean round trip and
 * spread (the fixture's report otherwise): the offered rate is the same whatever the latency.
 */
function underLoad(avgUs: number, sdUs: number, processes: RunFile["processes"] = []): RunFile {
  return {
    ...run,
    host: { ...run.host, daemonPid: 4242 },
    command: { argv: ulArgv, pid: 100, exitCode: 0, startedAtMs: 0, endedAtMs: 8000 },
    benchmark: { ...ulReport, latency: { ...ulReport.latency!, avgUs, sdUs, observations: 750 } },
    processes,
  };
}

const loop = (share: number): RunFile["processes"][number] => ({
  pid: 9000,
  ppid: 1,
  comm: "sh",
  netns: 0,
  netnsName: "",
  cgroup: "/",
  cpuCgroup: "/",
  allowedCpus: [],
  cpuSeconds: share * 16,
  cpuShare: share,
});

test("round trips: a change beyond their own spread and the minimum effect; identical runs' spread asked of one run a side", () => {
  const side = (avgUs: number, sdUs: number, repeats: number[] = []) => ({
    latency: { ...ulReport.latency!, avgUs, sdUs, observations: 750 },
    repeats: { ...sideFigures([run]).repeats, latencyUs: repeats },
  });
  // Two A/A draws of this machine (47.4 µs ± 89, 45.8 ± 65): nothing.
  assert.equal(latencyChange(side(47.4, 89.3), side(45.8, 65.2)).beyondIntervals, false);
  // Two busy loops beside the subject (2026-12-07): 89 → 534 µs, far beyond both tests.
  const hog = latencyChange(side(89.3, 139.2), side(534.0, 714.0));
  assert.ok(hog.beyondIntervals && hog.beyondRunToRun, JSON.stringify(hog));
  assert.ok(Math.abs(hog.change - (534 / 89.3 - 1)) < 1e-9);
  // 8% longer: within the minimum effect however exact the means.
  assert.equal(latencyChange(side(50, 5), side(54, 5)).beyondIntervals, false);
  // 20% longer with tight round trips: beyond the runs' own spread, within what identical runs
  // differ by (RUN_TO_RUN_NOISE each side)...
  const tight = latencyChange(side(50, 5), side(60, 5));
  assert.ok(tight.beyondIntervals && !tight.beyondRunToRun, JSON.stringify(tight));
  // ...unless repeats measure how far identical runs differ: steady repeats make it stand.
  const repeated = latencyChange(side(50, 5, [49.5, 50, 50.5]), side(60, 5, [59.5, 60, 60.5]));
  assert.ok(repeated.beyondRunToRun);
  // Repeats that scatter as widely as the difference do not.
  assert.equal(latencyChange(side(50, 5, [40, 50, 60]), side(60, 5, [50, 60, 70])).beyondRunToRun, false);
  // A report without the spread (runs recorded before it was kept) is not compared.
  const { sdUs: _sd, ...withoutSd } = ulReport.latency!;
  const noSd = { ...side(50, 5), latency: { ...withoutSd, avgUs: 50, observations: 750 } };
  assert.equal(latencyChange(noSd, side(500, 5)).change, 0);
});

test("sockperf under-load: a longer round trip at the same offered rate is the symptom, and a competitor explains it", () => {
  // The same messages per second on both sides: the rate alone reads no difference.
  const base = underLoad(89.3, 139.2);
  const hogged = underLoad(534.0, 714.0, [loop(0.377), { ...loop(0.376), pid: 9001 }]);
  const d = diagnose(base, hogged);
  assert.equal(d.verdict, "slower");
  const sym = d.findings[0]!;
  assert.equal(sym.code, "SLOWER");
  assert.match(sym.title, /a mean round trip 6\.0 times as long \(89\.3 → 534\.0 µs\)/);
  assert.doesNotMatch(sym.title, /same packets per second/);
  assert.deepEqual(
    sym.evidence.slice(0, 2).map((e) => [e.what, e.baseline, e.subject]),
    [
      ["mean round trip, µs", "89.3", "534.0"],
      ["p99 round trip, µs", "84.5", "84.5"],
    ],
  );
  // A `sh -c 'while :; do :; done'` loop is a competitor like any other process.
  const cause = d.findings.find((f) => f.kind === "cause");
  assert.equal(cause?.code, "CPU_COMPETITION");
  assert.match(cause.title, /^sh competed for the CPUs in the subject/);
  // A round trip 5.98 times as long is 83% of the subject's time per round trip; 75% of all CPUs
  // taken explains ~90% of that.
  assert.ok((cause.explains ?? 0) > 0.85, String(cause.explains));
});

test("sockperf under-load: without a mechanism one run a side withdraws the verdict and says so; an A/A pair reads nothing", () => {
  const d = diagnose(underLoad(89.3, 139.2), underLoad(534.0, 714.0));
  assert.equal(d.verdict, "no-material-difference");
  assert.match(d.caveat ?? "", /6\.0 times as long \(89\.3 → 534\.0 µs\).*each side is one run.*repeats/);
  const aa = diagnose(underLoad(47.4, 89.3), underLoad(45.8, 65.2));
  assert.equal(aa.verdict, "no-material-difference");
  assert.equal(aa.caveat, undefined);
  assert.deepEqual(
    aa.findings.filter((f) => f.kind !== "note").map((f) => f.code),
    [],
  );
  // Repeats of each side measure how far identical runs differ: a steady 20% stands alone.
  const rep = diagnose(
    [underLoad(50, 5), underLoad(49.5, 5), underLoad(50.5, 5)],
    [underLoad(60, 5), underLoad(59.5, 5), underLoad(60.5, 5)],
  );
  assert.equal(rep.verdict, "slower");
  assert.match(rep.findings[0]!.title, /20\.0% longer mean round trip \(50\.0 → 60\.0 µs\)/);
  // Shorter round trips are faster.
  const faster = diagnose(
    [underLoad(60, 5), underLoad(59.5, 5), underLoad(60.5, 5)],
    [underLoad(50, 5), underLoad(49.5, 5), underLoad(50.5, 5)],
  );
  assert.equal(faster.verdict, "faster");
  assert.match(faster.findings[0]!.title, /shorter mean round trip/);
});

/**
 * The run with its receiving socket's overflows (the fixture's UDP flood had its own) replaced by
 * `lost` datagrams in one interval's Udp.RcvbufErrors.
 */
function stalled(f: RunFile, lost: number): RunFile {
  const socketDrop = (c: RunFile["snapshots"][number]["counters"][number]): boolean =>
    c.probe === "snmp" && c.attributes.protocol === "Udp" && /^(InErrors|RcvbufErrors)$/.test(c.metric);
  const counter = (metric: string): RunFile["snapshots"][number]["counters"][number] => ({
    probe: "snmp",
    metric,
    value: lost,
    unit: "count",
    attributes: { netns: "4026532300", netnsName: "c2", protocol: "Udp" },
  });
  return {
    ...f,
    snapshots: f.snapshots.map((s, i) => {
      const counters = s.counters.filter((c) => !socketDrop(c));
      return {
        ...s,
        counters:
          i === 3 && lost > 0 ? [...counters, counter("InErrors"), counter("RcvbufErrors")] : counters,
      };
    }),
  };
}

test("sockperf under-load: a loss beside longer round trips is a note, never their cause (a lost datagram is no round trip)", () => {
  // An A/A pair from the project's CI (2026-12-07): the shared host stalled the baseline's server,
  // its socket overflowed (750 of 60 000 messages) and its round trips ran longer. The loss was
  // named as the cause of the subject being "faster".
  const hiccup = stalled(underLoad(60, 40), 750);
  const calm = stalled(underLoad(47, 30), 0);
  for (const [b, s] of [
    [hiccup, calm],
    [calm, hiccup],
  ] as const) {
    const d = diagnose(b, s);
    assert.equal(d.verdict, "no-material-difference", JSON.stringify(d.findings.map((f) => f.title)));
    assert.match(d.caveat ?? "", /mean round trip.*no mechanism in the evidence/);
    assert.deepEqual(
      d.findings.filter((f) => f.kind !== "note").map((f) => f.code),
      [],
    );
  }
  // The subject's loss is still there to read, as a note that explains no share.
  const loss = diagnose(calm, hiccup).findings.find((f) => f.code === "PACKET_LOSS");
  assert.equal(loss?.kind, "note");
  assert.equal(loss.explains, undefined);
  assert.match(loss.title, /full socket receive buffers/);
  // Beside a competitor that explains the round trips, the loss stays a note.
  const hog = diagnose(
    stalled(underLoad(89.3, 139.2), 0),
    stalled(underLoad(534.0, 714.0, [loop(0.377)]), 750),
  );
  assert.equal(hog.verdict, "slower");
  assert.equal(hog.findings.find((f) => f.kind === "cause")?.code, "CPU_COMPETITION");
  assert.equal(hog.findings.find((f) => f.code === "PACKET_LOSS")?.kind, "note");
});
