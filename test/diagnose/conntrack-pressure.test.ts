import assert from "node:assert/strict";
import { test } from "node:test";
import { causeFindings, compareSides } from "../../src/diagnose/diagnose.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { conntrackPressure } from "../../src/diagnose/rules/conntrack-pressure.js";
import { packetLoss } from "../../src/diagnose/rules/packet-loss.js";
import { fixtureRun } from "../helpers/fixtures.js";

const fig = sideFigures([fixtureRun("overlay-udp64-run.json")]);

const withConntrack = (
  f: RunFigures,
  stats: Record<string, number>,
  max?: number,
  entries = 5,
): RunFigures => ({
  ...f,
  conntrack: new Map(Object.entries(stats)),
  conntrackEntriesMax: entries,
  conntrackMax: max,
});

// Measured (2026-12-07): nf_conntrack_max lowered from 262144 to 3 with a stateful rule on the
// receiving host, iperf3 TCP -P 4 through the overlay: iperf3 exited 1 after 71.5 s ("unable to
// connect to server: No route to host"), conntrack counted 22 drops and no insert failure, and
// the run's device counters 3 of 20 packets dropped. BENCHMARK_FAILED was named first (explaining
// all), PACKET_LOSS second, and the table, which the user had shrunk, last without a share.
test("a conntrack table that refused the packets of a benchmark that failed explains the failure, before the failure and without the loss", () => {
  const base = withConntrack(fig, { insert_failed: 0, drop: 0, early_drop: 0 }, 262144);
  const subj: RunFigures = {
    ...withConntrack({ ...fig, packets: 17 }, { insert_failed: 0, drop: 22, early_drop: 0 }, 3, 21),
    benchmarkExits: [
      { code: 1, seconds: 71.5, lastError: "iperf3: error - unable to connect to server: No route to host" },
    ],
    deviceDrops: [{ netns: "tr-h2", device: "vx0", drops: 3 }],
    benchmarkLost: 0,
    udpReceiveErrors: 0,
    udpRcvbufErrors: 0,
    dropReasons: new Map(),
    lossSeries: [],
  };
  const findings = causeFindings(base, subj, { verdict: "slower", gap: 1, costRise: 0 });
  const causes = findings.filter((f) => f.kind === "cause");
  assert.equal(causes[0]?.code, "CONNTRACK_PRESSURE");
  assert.equal(causes[0].explains, 1);
  assert.equal(causes[0].confidence, "high");
  assert.match(causes[0].title, /it dropped 22 packets where the subject's benchmark failed/);
  const failure = causes.find((f) => f.code === "BENCHMARK_FAILED");
  assert.ok(failure, "the failure is still said");
  assert.equal(failure.explains, undefined);
  assert.match(failure.title, /connection tracking dropped 22 of its packets \(CONNTRACK_PRESSURE\)/);
  assert.equal(
    causes.find((f) => f.code === "PACKET_LOSS"),
    undefined,
    "the table's drops are not loss again",
  );

  // Failed at once (iperf3 --connect-timeout): no interval to compare, so only what explains the
  // failure stands — the table's drops among it.
  const atOnce: RunFigures = {
    ...subj,
    rateSeries: [],
    bitsSeries: [],
    packetsPerSecond: 6,
    bitsPerSecond: 3000,
    benchmarkExits: [{ code: 1, seconds: 3.1, lastError: "iperf3: error - unable to connect to server" }],
  };
  const quick = compareSides(base, atOnce);
  assert.equal(quick.verdict, "slower");
  assert.deepEqual(
    quick.findings.filter((f) => f.kind === "cause").map((f) => f.code),
    ["CONNTRACK_PRESSURE", "BENCHMARK_FAILED"],
  );

  // The same failure without conntrack drops (a server not listening): the failure explains it.
  const noServer = { ...subj, conntrack: base.conntrack, conntrackMax: 262144, conntrackEntriesMax: 5 };
  const alone = causeFindings(base, noServer, { verdict: "slower", gap: 1, costRise: 0 }).filter(
    (f) => f.kind === "cause",
  );
  assert.equal(alone[0]?.code, "BENCHMARK_FAILED");
  assert.equal(alone[0].explains, 1);
  assert.equal(
    alone.find((f) => f.code === "CONNTRACK_PRESSURE"),
    undefined,
  );
});

test("conntrack drops in a benchmark that ran explain the share of the path's packets they were; none on either side, or alike, name nothing", () => {
  const clean = withConntrack(fig, { insert_failed: 0, drop: 0, early_drop: 0 }, 262144);
  const dropped = Math.round(fig.packets * 0.1);
  const pressed = withConntrack(fig, { insert_failed: 0, drop: dropped, early_drop: 40 }, 1024, 1024);
  const named = conntrackPressure.evaluate({ b: clean, s: pressed, gap: 0.2, costRise: 0 });
  assert.ok(named);
  assert.equal(named.confidence, "medium");
  // 10% of the packets refused, of a 20% gap: about half.
  assert.ok(Math.abs(named.explains! - 0.45) < 0.01, String(named.explains));
  // The datagrams the benchmark counted lost are the table's: PACKET_LOSS leaves them to it.
  const lostToTable: RunFigures = { ...pressed, benchmarkLost: dropped, lossSeries: [] };
  assert.equal(
    packetLoss.evaluate({ b: clean, s: lostToTable, gap: 0.2, costRise: 0 }),
    undefined,
    "no loss beyond the table's",
  );
  assert.ok(
    packetLoss.evaluate({
      b: clean,
      s: { ...lostToTable, conntrack: clean.conntrack, conntrackMax: 262144 },
      gap: 0.2,
      costRise: 0,
    }),
    "the same loss without the table's drops is loss",
  );
  assert.equal(conntrackPressure.evaluate({ b: clean, s: clean, gap: 0, costRise: 0 }), undefined);
  assert.equal(conntrackPressure.evaluate({ b: pressed, s: pressed, gap: 0, costRise: 0 }), undefined);
});
