import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHostList } from "../../src/cli/commands/record-hosts.js";
import { diagnoseHosts, formatHostsDiagnosis, hostsDiagnosisHtml } from "../../src/diagnose/multi-host.js";
import { renderMultiHostReport } from "../../src/report/html-report.js";
import {
  inferRoles,
  MULTIHOST_SCHEMA_ID,
  MultiHostRunSchema,
  type HostSection,
  type MultiHostRun,
} from "../../src/run/multi-host-run.js";
import type { RunFile } from "../../src/run/run-file.js";
import { fixtureRun } from "../helpers/fixtures.js";

// Real run files recorded in the lab (test/fixtures/runs, see the README there).
const load = fixtureRun;

/** The receiving side of a run: the same run with every device's rx and tx swapped. */
function mirrored(run: RunFile): RunFile {
  const r = structuredClone(run);
  for (const s of r.snapshots)
    for (const d of s.devices)
      [d.rxPacketsPerSecond, d.txPacketsPerSecond] = [d.txPacketsPerSecond, d.rxPacketsPerSecond];
  return r;
}

function multi(label: string, sender: RunFile, receiver: RunFile | undefined): MultiHostRun {
  const section = (name: string, run: RunFile | undefined): HostSection => ({
    name,
    address: `${name}:7420`,
    role: "unknown",
    ok: run !== undefined,
    error: run ? "" : "14 UNAVAILABLE: connect ECONNREFUSED",
    clockOffsetMs: 3,
    ...(run ? { run } : {}),
  });
  const hosts = [section("b", receiver), section("a", sender)];
  inferRoles(hosts);
  return MultiHostRunSchema.parse({
    schema: MULTIHOST_SCHEMA_ID,
    createdAt: "2026-11-22T00:00:00Z",
    overlayscopeVersion: "test",
    label,
    groupId: `g-${label}`,
    window: { startMs: 0, endMs: 5000 },
    hosts,
  });
}

test("roles come from the devices: the host that transmits more is the sender, whatever the order", () => {
  const overlay = load("overlay-udp64.json");
  const m = multi("overlay", overlay, mirrored(overlay));
  assert.deepEqual(
    m.hosts.map((h) => [h.name, h.role]),
    [
      ["b", "receiver"],
      ["a", "sender"],
    ],
  );
  const alone = multi("alone", overlay, undefined);
  assert.deepEqual(
    alone.hosts.map((h) => [h.name, h.role, h.ok]),
    [
      ["b", "unknown", false],
      ["a", "sender", true],
    ],
  );
});

test("one multi-host run: encapsulation on the sender, receive side on the receiver, a missing host named", () => {
  const overlay = load("overlay-udp64.json");
  const d = diagnoseHosts(multi("overlay", overlay, undefined));
  const codes = d.findings.map((f) => `${f.code}@${f.host}`);
  assert.ok(codes.includes("ENCAP_ON_SENDER@a"), codes.join(" "));
  assert.ok(codes.includes("HOST_MISSING@b"));
  const encap = d.findings.find((f) => f.code === "ENCAP_ON_SENDER")!;
  assert.match(encap.title, /^sender a: encapsulation on the sender: [\d.]+% of its busy CPU samples/);
  assert.ok(encap.impact > 0);
  assert.ok(encap.evidence.some((e) => /vx0 packets\/s rx \/ tx/.test(e.what)));
  const text = formatHostsDiagnosis(d);
  assert.match(text, /hosts: b = FAILED \(14 UNAVAILABLE: connect ECONNREFUSED\), a = sender/);
  const html = renderMultiHostReport(multi("overlay", overlay, undefined), hostsDiagnosisHtml(d));
  assert.equal((html.match(/<iframe /g) ?? []).length, 1, "one frame per recorded host");
  assert.match(html, /b — not recorded/);
});

test("a dual-stack receiver (iperf3's default server socket): its receive path under udpv6_recvmsg counts", () => {
  const overlay = load("overlay-udp64.json");
  const receiver = mirrored(overlay);
  const like = receiver.profile.stacks.find((s) => s.context === "task")!;
  // Only the IPv6 socket's receive frames, as a CI run's receiver sampled them.
  receiver.profile.stacks = [
    {
      ...like,
      comm: "iperf3",
      samples: 30,
      frames: ["_copy_to_iter", "udpv6_recvmsg", "sock_recvmsg", "vfs_read"],
    },
    { ...like, comm: "iperf3", samples: 70, frames: ["do_select", "__x64_sys_pselect6"] },
  ];
  const d = diagnoseHosts(multi("dual-stack", overlay, receiver));
  const rx = d.findings.find((f) => f.code === "RECEIVE_ON_RECEIVER")!;
  assert.equal(rx.impact, 0.3);
  assert.ok(
    rx.evidence.some((e) => e.what === "busy samples containing udpv6_recvmsg"),
    JSON.stringify(rx.evidence),
  );
});

test("two multi-host runs: each role is also compared with the same role in the baseline", () => {
  const host = load("host-udp64.json");
  const overlay = load("overlay-udp64.json");
  const d = diagnoseHosts(multi("overlay", overlay, mirrored(overlay)), multi("host", host, mirrored(host)));
  assert.equal(d.baseline, "host");
  const sender = d.findings.filter((f) => f.role === "sender").map((f) => f.code);
  // (these v1 fixtures carry no iperf3 figures: the rates come from the path's device counters)
  for (const code of ["ENCAP_ON_SENDER", "SLOWER", "ENCAPSULATION_WORK"])
    assert.ok(sender.includes(code), `${code} on the sender: ${sender.join(" ")}`);
  const receiver = d.findings.filter((f) => f.role === "receiver").map((f) => f.code);
  assert.ok(
    receiver.includes("RECEIVE_ON_RECEIVER") && receiver.includes("ENCAPSULATION_WORK"),
    receiver.join(" "),
  );
  assert.ok(!d.findings.some((f) => f.code === "CACHE_AND_MEMORY"), "single-run findings are not repeated");
});

test("--hosts: names, host:port and unix:// addresses; anything else is a usage error naming it", () => {
  assert.deepEqual(parseHostList("sender=10.0.0.1:7420, 10.0.0.2:7420,r=unix:///run/x.sock"), [
    { name: "sender", address: "10.0.0.1:7420" },
    { name: "10.0.0.2:7420", address: "10.0.0.2:7420" },
    { name: "r", address: "unix:///run/x.sock" },
  ]);
  assert.throws(() => parseHostList(""), /--hosts: name at least one daemon/);
  assert.throws(() => parseHostList("a=10.0.0.1"), /'10.0.0.1' is not host:port or unix:\/\/\/path/);
  assert.throws(() => parseHostList("a b=1.2.3.4:1"), /host name 'a b' must match/);
  assert.throws(() => parseHostList("a=1.2.3.4:1,a=1.2.3.5:1"), /each host must appear once/);
  assert.throws(() => parseHostList("a=$(reboot):1"), /is not host:port/);
});
