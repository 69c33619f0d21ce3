import assert from "node:assert/strict";
import { test } from "node:test";
import { causeFindings } from "../../src/diagnose/diagnose.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { competingTraffic, packetsPerDatagram } from "../../src/diagnose/rules/competing-traffic.js";
import { mtuMismatch } from "../../src/diagnose/rules/config-changes.js";
import { fixtureRun } from "../helpers/fixtures.js";

const fig = sideFigures([fixtureRun("overlay-udp64-run.json")]);

/**
 * A UDP run of 8000 B datagrams sent from the client container (ossc-c1) at `mtu`, each cut into
 * `pieces` fragments, the busiest device carrying those fragments — as measured on 2026-12-07 with
 * iperf3 -u -l 8000 through the overlay: 180 594 datagrams in 6 s at MTU 1450 (6 fragments each),
 * 134 850 at MTU 1000 (9 each), the underlay carrying 5.93 and 8.89 packets per datagram.
 */
function fragmenting(sent: number, pieces: number, mtu: number, pathPerDatagram: number): RunFigures {
  const env = structuredClone(fig.environment!);
  for (const n of env.netns)
    for (const d of n.devices) if (n.names.includes("ossc-c1") && d.link.name === "eth0") d.link.mtu = mtu;
  return {
    ...fig,
    environment: env,
    seconds: 6,
    countsPackets: true,
    sentPacketsPerSecond: sent / 6,
    packets: sent,
    pathPacketsPerSecond: (sent / 6) * pathPerDatagram,
    snmp: new Map([
      ...fig.snmp,
      ["Ip.FragOKs", sent],
      ["Ip.FragCreates", sent * pieces],
      ["Ip.ReasmFails", 0],
      ["Ip.FragFails", 0],
    ]),
  };
}

test("a datagram's fragments are the benchmark's own packets, not other traffic on the path", () => {
  const b = fragmenting(180_594, 6, 1450, 5.93);
  const s = fragmenting(134_850, 9, 1000, 8.89);
  assert.equal(packetsPerDatagram(b), 6);
  assert.equal(packetsPerDatagram(s), 9);
  assert.equal(packetsPerDatagram({ ...b, snmp: fig.snmp }), 1, "nothing cut: one packet a datagram");
  // Before (counting datagrams only): "carried 789% more than the benchmark's own (baseline 493%)".
  assert.equal(competingTraffic.evaluate({ b, s, gap: 0.25, costRise: 0 }), undefined);
  // A second flow beside the fragments is still other traffic.
  const crowded = { ...s, pathPacketsPerSecond: s.pathPacketsPerSecond * 1.8 };
  assert.ok(competingTraffic.evaluate({ b, s: crowded, gap: 0.25, costRise: 0 }));
});

test("an MTU lowered on the path with more fragments to each datagram is MTU_MISMATCH, and the only cause", () => {
  const b = fragmenting(180_594, 6, 1450, 5.93);
  const s = fragmenting(134_850, 9, 1000, 8.89);
  const named = mtuMismatch.evaluate({ b, s, gap: 0.25, costRise: 0 });
  assert.ok(named, "named");
  assert.match(
    named.title,
    /MTU changed on .*eth0 \(1450 → 1000\).*fragments per datagram sent \(Ip.FragCreates\) 9 vs 6/,
  );
  const causes = causeFindings(b, s, { verdict: "slower", gap: 0.25, costRise: 0 }).filter(
    (f) => f.kind === "cause",
  );
  assert.deepEqual(
    causes.map((f) => f.code),
    ["MTU_MISMATCH"],
  );
  // The same MTU and the same fragments on both sides: nothing.
  assert.equal(
    mtuMismatch.evaluate({ b, s: fragmenting(150_000, 6, 1450, 5.93), gap: 0.2, costRise: 0 }),
    undefined,
  );
  // The MTU changed, but each datagram was cut alike (it still fitted the same number of pieces): nothing.
  assert.equal(
    mtuMismatch.evaluate({ b, s: fragmenting(170_000, 6, 1400, 5.93), gap: 0, costRise: 0 }),
    undefined,
  );
});

test("the same MTU in the baseline, the subject faster: the rule is asked about the baseline and names it as the baseline's", () => {
  const lowered = fragmenting(134_850, 9, 1000, 8.89);
  const healthy = fragmenting(180_594, 6, 1450, 5.93);
  // The subject 34% ahead: the baseline fell 25% short of it.
  const findings = causeFindings(lowered, healthy, { verdict: "faster", gap: -0.339, costRise: 0 });
  const causes = findings.filter((f) => f.kind === "cause");
  assert.deepEqual(
    causes.map((f) => f.code),
    ["MTU_MISMATCH"],
  );
  const [mtu] = causes;
  assert.equal(mtu!.slowed, "baseline");
  assert.match(
    mtu!.title,
    /^in the baseline, against the subject: MTU changed on .*the baseline shows fragments per datagram/,
  );
  // Evidence columns are the runs' own: the baseline's MTU and fragments on its side.
  assert.ok(
    mtu!.evidence.some((e) => e.what.endsWith("eth0 MTU") && e.baseline === "1000" && e.subject === "1450"),
  );
  assert.ok(
    mtu!.evidence.some(
      (e) => e.what.startsWith("fragments per datagram") && e.baseline === "9" && e.subject === "6",
    ),
  );
  // Only one finding per rule: the subject-side evaluation's note gives way.
  assert.equal(findings.filter((f) => f.code === "MTU_MISMATCH").length, 1);
  // Not asked when the subject is the slower one, or nothing differs.
  assert.equal(
    causeFindings(healthy, healthy, { verdict: "no-material-difference", gap: 0, costRise: 0 }).filter(
      (f) => f.code === "MTU_MISMATCH",
    ).length,
    0,
  );
});
