import assert from "node:assert/strict";
import { test } from "node:test";
import { benchmarkSettings, parseRate } from "../../src/benchmarks/benchmark-settings.js";

test("iperf3's settings through wrappers: a wrapper's own flags (taskset -c) are not the benchmark's", () => {
  const s = benchmarkSettings([
    "ip",
    "netns",
    "exec",
    "c1",
    "taskset",
    "-c",
    "0",
    "iperf3",
    "-c",
    "10.0.0.2",
    "-u",
    "-b",
    "10K",
    "-P",
    "4",
    "-l",
    "64",
  ]);
  assert.deepEqual(s, {
    tool: "iperf3",
    mode: "client",
    protocol: "udp",
    messageBytes: 64,
    streams: 4,
    // -b is per stream: four streams offer four times it.
    targetBitsPerSecond: 40_000,
    direction: "client sends",
    zerocopy: false,
    congestion: undefined,
    mss: undefined,
  });
});

test("iperf3's defaults: UDP offers 1 Mbit/s a stream and picks its datagram at run time; TCP sends 128 KiB writes unpaced; -b 0 is unlimited", () => {
  const udp = benchmarkSettings(["iperf3", "-c", "x", "-u", "-P", "2"])!;
  assert.equal(udp.targetBitsPerSecond, 2e6);
  assert.equal(udp.messageBytes, undefined);
  const tcp = benchmarkSettings(["iperf3", "-c", "x", "-R", "-Z", "-C", "reno", "-M", "1200"])!;
  assert.equal(tcp.targetBitsPerSecond, undefined);
  assert.equal(tcp.messageBytes, 128 * 1024);
  assert.equal(tcp.direction, "server sends");
  assert.equal(tcp.zerocopy, true);
  assert.equal(tcp.congestion, "reno");
  assert.equal(tcp.mss, 1200);
  assert.equal(benchmarkSettings(["iperf3", "-c", "x", "-u", "-b", "0"])!.targetBitsPerSecond, undefined);
  assert.equal(benchmarkSettings(["iperf3", "-c", "x", "--bidir", "--bitrate=1G"])!.direction, "both");
  assert.equal(benchmarkSettings(["iperf3", "-c", "x", "--bitrate=1G"])!.targetBitsPerSecond, 1e9);
});

test("rates are decimal as iperf3 reads them, a burst count after the slash ignored; nonsense is no rate", () => {
  assert.equal(parseRate("100M"), 1e8);
  assert.equal(parseRate("1.5g/10"), 1.5e9);
  assert.equal(parseRate("fast"), undefined);
});

test("sockperf and netperf: mode, protocol, message size and offered rate from their own flags", () => {
  const sp = benchmarkSettings(["sockperf", "throughput", "-i", "x", "--mps=1000", "-m", "64", "--tcp"])!;
  assert.equal(sp.mode, "throughput");
  assert.equal(sp.protocol, "tcp");
  assert.equal(sp.messageBytes, 64);
  assert.equal(sp.targetBitsPerSecond, 1000 * 64 * 8);
  const np = benchmarkSettings(["netperf", "-H", "x", "-t", "UDP_STREAM", "--", "-m", "1400"])!;
  assert.deepEqual([np.mode, np.protocol, np.messageBytes], ["UDP_STREAM", "udp", 1400]);
  assert.equal(benchmarkSettings(["netperf", "-H", "x"])!.mode, "TCP_STREAM");
  assert.equal(benchmarkSettings(["sleep", "1"]), undefined);
  assert.equal(benchmarkSettings(undefined), undefined);
});

test("a flag given twice counts as getopt reads it: the last one", () => {
  const s = benchmarkSettings(["iperf3", "-c", "x", "-u", "-b", "0", "-l", "64", "-l", "1400", "-b", "20M"])!;
  assert.equal(s.messageBytes, 1400);
  assert.equal(s.targetBitsPerSecond, 20e6);
});
