import assert from "node:assert/strict";
import { test } from "node:test";
import { netDevDelta, parseNetDev } from "../../src/collectors/net-dev.js";
import { parseSnmp, snmpDelta } from "../../src/collectors/snmp.js";
import { parseSoftnet, softnetDelta } from "../../src/collectors/softnet.js";
import { parseIpLinkJson } from "../../src/collectors/link-info.js";
import { ethtoolReplyLost, parseEthtoolFeatures } from "../../src/collectors/env-snapshot.js";
import { parseHtbRootCeils } from "../../src/collectors/qdisc.js";
import { fixtureText } from "../helpers/fixtures.js";

test("/proc/net/dev recorded here parses every device", () => {
  const devs = parseNetDev(fixtureText("proc/net-dev.txt"));
  assert.ok(devs.some((d) => d.name === "lo"));
});

test("device names with colons and spaces, 15-char names and 64-bit counters", () => {
  const devs = new Map(parseNetDev(fixtureText("proc/net-dev-odd.txt")).map((d) => [d.name, d]));
  assert.deepEqual([...devs.keys()], ["lo", "eth0", "eth0:1", "my dev", "verylongname15"]);
  assert.equal(devs.get("eth0")?.rxBytes, 98765432109876);
  assert.equal(devs.get("eth0")?.txCompressed, 12);
  assert.equal(devs.get("my dev")?.txDropped, 2);
});

test("device deltas: a device that appears counts from zero", () => {
  const a = parseNetDev(fixtureText("proc/net-dev-odd.txt"));
  const b = a.map((d) => ({ ...d, rxPackets: d.rxPackets + 10 }));
  const d = netDevDelta(a.slice(1), b);
  assert.equal(d.find((x) => x.name === "eth0")?.rxPackets, 10);
  assert.equal(d.find((x) => x.name === "lo")?.rxPackets, 799);
});

test("snmp: UDP receive buffer errors are read and differenced; gauges are not", () => {
  const a = parseSnmp(fixtureText("proc/snmp.txt"));
  assert.ok(a.get("Udp")?.has("RcvbufErrors"));
  const text = fixtureText("proc/snmp.txt");
  const udpValues = text.split("\n").filter((l) => l.startsWith("Udp:"))[1]!;
  const fields = udpValues.split(/\s+/);
  fields[5] = String(Number(fields[5]) + 42); // RcvbufErrors is the 5th counter
  const b = parseSnmp(text.replace(udpValues, fields.join(" ")));
  const d = snmpDelta(a, b);
  assert.equal(d.get("Udp")?.get("RcvbufErrors"), 42);
  assert.equal(d.get("Tcp")?.get("CurrEstab"), b.get("Tcp")?.get("CurrEstab"));
});

test("softnet_stat on 6.18 carries the CPU number; the old layout uses the row index", () => {
  const now = parseSoftnet(fixtureText("proc/softnet_stat-6.18.txt"));
  assert.deepEqual(
    now.map((r) => r.cpu),
    [0, 1],
  );
  const old = parseSoftnet(fixtureText("proc/softnet_stat-4.19.txt"));
  assert.equal(old[0]?.processed, 0x0a1b2c3d);
  assert.equal(old[0]?.timeSqueeze, 16);
  assert.equal(old[1]?.receivedRps, 5);
});

test("softnet counters are 32-bit and wrap", () => {
  const old = parseSoftnet(fixtureText("proc/softnet_stat-4.19.txt"));
  const wrapped = old.map((r) => ({ ...r, processed: 0x10 }));
  assert.equal(softnetDelta(old, wrapped)[1]?.processed, 0x10 + 2 ** 32 - 0xffffff00);
});

test("ip -j -d link (recorded in an overlay lab host): kinds, masters, veth peer, VXLAN VNI/port/underlay", () => {
  const links = new Map(parseIpLinkJson(fixtureText("ip/ip-link-overlay-host.json")).map((l) => [l.name, l]));
  assert.equal(links.get("lo")?.kind, "loopback");
  assert.equal(links.get("wire0")?.kind, "veth");
  assert.equal(links.get("wire0")?.link?.netnsid, 0);
  assert.equal(links.get("br0")?.kind, "bridge");
  assert.equal(links.get("vx0")?.kind, "vxlan");
  assert.equal(links.get("vx0")?.master, "br0");
  assert.deepEqual(links.get("vx0")?.vxlan, {
    vni: 42,
    port: 4789,
    underlay: "wire0",
    local: "10.203.0.1",
    remote: "10.203.0.2",
  });
  assert.equal(links.get("veth0")?.master, "br0");
});

test("ethtool -k: offload states and [fixed]", () => {
  const f = parseEthtoolFeatures(fixtureText("ip/ethtool-k-lo.txt"));
  assert.deepEqual(f.get("rx-checksumming"), { on: true, fixed: true });
  assert.deepEqual(f.get("generic-receive-offload"), { on: true, fixed: false });
  const vx = parseEthtoolFeatures(fixtureText("ip/ethtool-k-vxlan.txt"));
  assert.ok(vx.has("tx-udp_tnl-segmentation") || vx.has("generic-segmentation-offload"));
  assert.equal(ethtoolReplyLost(f), false);
  assert.equal(ethtoolReplyLost(vx), false);
});

test("an ethtool answer of every feature off and none fixed is a lost reply, not the device's offloads", () => {
  // Recorded here under net.core.rmem_default=4096 (2026-12-07): exit 0, its eleven summary features "off", nothing else.
  const lost = parseEthtoolFeatures(fixtureText("ip/ethtool-k-eth0-reply-lost.txt"));
  assert.equal(lost.size, 11);
  assert.equal(ethtoolReplyLost(lost), true);
  // A device whose features are all off but one fixed is a real answer; no answer is not a lost one.
  assert.equal(ethtoolReplyLost(new Map([["loopback", { on: false, fixed: true }]])), false);
  assert.equal(ethtoolReplyLost(new Map()), false);
});

test("HTB root classes' ceils, by qdisc handle, in tc's SI units; child classes do not count", () => {
  const text = [
    "class htb 1:10 root prio 0 rate 50Mbit ceil 80Mbit burst 1600b cburst 1600b ",
    "class htb 1:20 root prio 0 rate 2Gbit ceil 2Gbit burst 1600b cburst 1600b ",
    "class htb 1:21 parent 1:20 prio 0 rate 10Gbit ceil 10Gbit burst 1600b cburst 1600b ",
    "class htb 2:1 root rate 500Kbit ceil 500Kbit burst 1600b cburst 1600b ",
  ].join("\n");
  assert.deepEqual(
    parseHtbRootCeils(text),
    new Map([
      ["1:", 2e9],
      ["2:", 5e5],
    ]),
  );
});
