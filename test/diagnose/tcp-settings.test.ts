import assert from "node:assert/strict";
import { test } from "node:test";
import type { NetnsEnv } from "../../src/collectors/env-snapshot.js";
import { parseSysctlText, sysctlNumbers } from "../../src/collectors/env-snapshot.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { tcpSettingsChanged } from "../../src/diagnose/rules/tcp-settings.js";
import { withTcpEnds } from "../helpers/tcp-ends.js";
import { fixtureRun } from "../helpers/fixtures.js";

const run = fixtureRun("overlay-udp64-run.json");

test("the namespace script's sysctl lines: text kept as read (blanks collapsed), numbers where all are numbers", () => {
  const out = [
    "/proc/sys/net/ipv4/tcp_rmem:4096\t131072\t6291456",
    "/proc/sys/net/ipv4/tcp_congestion_control:bbr",
    "/proc/sys/net/ipv4/tcp_window_scaling:1",
    "grep: /proc/sys/net/netfilter/nf_conntrack_max: No such file or directory",
  ].join("\n");
  assert.deepEqual(
    [...parseSysctlText(out)],
    [
      ["net/ipv4/tcp_rmem", "4096 131072 6291456"],
      ["net/ipv4/tcp_congestion_control", "bbr"],
      ["net/ipv4/tcp_window_scaling", "1"],
    ],
  );
  assert.deepEqual(
    [...sysctlNumbers(parseSysctlText(out))],
    [
      ["net/ipv4/tcp_rmem", [4096, 131072, 6291456]],
      ["net/ipv4/tcp_window_scaling", [1]],
    ],
  );
});

const CC = "net.ipv4.tcp_congestion_control";
const WS = "net.ipv4.tcp_window_scaling";

/** A TCP side whose connections ended in c1 and c2, with c1's settings given. */
function side(c1: Record<string, string>, bits: number, extra: Partial<RunFigures> = {}): RunFigures {
  const base = { [CC]: "cubic", [WS]: "1" };
  return {
    ...sideFigures([run]),
    protocol: "tcp",
    bitsPerSecond: bits,
    tcpSettings: [
      { inode: 11, names: ["c1"], settings: { ...base, ...c1 } },
      { inode: 12, names: ["c2"], settings: base },
    ],
    ...extra,
  };
}
const ctx = (b: RunFigures, s: RunFigures, gap: number, costRise = 0) => ({ b, s, gap, costRise });

test("TCP_SETTINGS_CHANGED: a setting that differs where both runs' connections ended, with the flow changed", () => {
  // Measured here: cubic → bbr in the sending container, 13.4 → 7.2 Gbit/s.
  const slower = tcpSettingsChanged.evaluate(ctx(side({}, 13.4e9), side({ [CC]: "bbr" }, 7.2e9), 0.46));
  assert.ok(slower, "named");
  assert.match(
    slower.title,
    /net.ipv4.tcp_congestion_control in c1 cubic → bbr\), and throughput fell by 46%/,
  );
  assert.match(slower.mechanism, /BBR paces/);
  assert.equal(slower.slowed, undefined, "it explains a slower subject");
  // The other way round it explains the slower baseline; a cost change alone (the rate held) counts too.
  const faster = tcpSettingsChanged.evaluate(ctx(side({ [CC]: "bbr" }, 7.2e9), side({}, 13.4e9), -0.86));
  assert.equal(faster?.slowed, "baseline");
  assert.match(faster.title, /rose by 86%/);
  const cost = tcpSettingsChanged.evaluate(ctx(side({}, 9e9), side({ [WS]: "0" }, 9e9), 0, 0.3));
  assert.match(cost?.title ?? "", /tcp_window_scaling in c1 1 → 0\), and CPU per KB rose by 30%/);
  assert.match(cost?.mechanism ?? "", /at most 64 KB/);
});

test("TCP_SETTINGS_CHANGED is not named without a difference, without an effect, for UDP, or where the benchmark chose", () => {
  const b = side({}, 13.4e9);
  // Identical settings (an A/A pair); a difference with the flow unchanged.
  assert.equal(tcpSettingsChanged.evaluate(ctx(b, side({}, 7.2e9), 0.46)), undefined);
  assert.equal(tcpSettingsChanged.evaluate(ctx(b, side({ [CC]: "bbr" }, 13.4e9), 0, 0)), undefined);
  // UDP flows do not use them.
  assert.equal(
    tcpSettingsChanged.evaluate(
      ctx({ ...b, protocol: "udp" }, side({ [CC]: "bbr" }, 7e9, { protocol: "udp" }), 0.46),
    ),
    undefined,
  );
  // A namespace only one run's connections ended in is not a like-for-like comparison (host vs overlay).
  const elsewhere = side({}, 7e9, {
    tcpSettings: [{ inode: 21, names: ["h1"], settings: { [CC]: "bbr", [WS]: "1" } }],
  });
  assert.equal(tcpSettingsChanged.evaluate(ctx(b, elsewhere, 0.46)), undefined);
  // iperf3 -C on both sides sets the socket's congestion control: the sysctl did not decide it.
  const asked = (f: RunFigures): RunFigures => ({
    ...f,
    benchmarkSettings: { ...f.benchmarkSettings!, congestion: "reno" },
  });
  assert.equal(
    tcpSettingsChanged.evaluate(ctx(asked(b), asked(side({ [CC]: "bbr" }, 7e9)), 0.46)),
    undefined,
  );
  // Two lab runs name their namespaces "<lab id>-c1": the id is not part of the comparison.
  const lab = (f: RunFigures, id: string): RunFigures => ({
    ...f,
    labId: id,
    tcpSettings: f.tcpSettings.map((n) => ({ ...n, names: [`${id}-${n.names[0]}`] })),
  });
  assert.match(
    tcpSettingsChanged.evaluate(ctx(lab(b, "os1"), lab(side({ [CC]: "bbr" }, 7e9), "os2"), 0.46))?.title ??
      "",
    /in c1 cubic → bbr/,
  );
});

test("a run's TCP settings are those of the namespaces where its connections ended", () => {
  const ns = (inode: number, name: string, cc: string): NetnsEnv => ({
    inode,
    names: [name],
    devices: [],
    qdiscs: [],
    tcpSettings: { [CC]: cc },
  });
  const env = {
    ...run.environment!.start,
    netns: [ns(1, "c1", "bbr"), ns(2, "c2", "cubic"), ns(3, "idle", "reno")],
  };
  const f = sideFigures([
    withTcpEnds(run, env, [
      [1, 6000],
      [2, 2000],
    ]),
  ]);
  assert.deepEqual(
    f.tcpSettings.map((n) => `${n.names[0]} ${n.settings[CC]}`),
    ["c1 bbr", "c2 cubic"],
  );
});
