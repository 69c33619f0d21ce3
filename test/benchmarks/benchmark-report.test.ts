import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  benchmarkTool,
  parseBenchmarkOutput,
  requestedSocketBuffer,
} from "../../src/benchmarks/benchmark-report.js";
import { parseNetperfText } from "../../src/benchmarks/netperf-report.js";
import { fixtureText } from "../helpers/fixtures.js";

const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", "benchmarks", name), "utf8");

test("the tool is found behind wrappers such as ip netns exec, with its own arguments", () => {
  assert.deepEqual(benchmarkTool(["ip", "netns", "exec", "c1", "/usr/bin/iperf3", "-c", "x"]), {
    tool: "iperf3",
    args: ["-c", "x"],
  });
  assert.equal(benchmarkTool(["sleep", "2"]), undefined);
});

test("the socket buffer a command line asks for: iperf3's -w/--window in iperf3's units, else none", () => {
  assert.equal(
    requestedSocketBuffer(["ip", "netns", "exec", "c1", "iperf3", "-c", "x", "-u", "-w", "4K"]),
    4096,
  );
  assert.equal(requestedSocketBuffer(["iperf3", "-c", "x", "--window=2M"]), 2 * 1024 * 1024);
  assert.equal(requestedSocketBuffer(["sh", "-c", "iperf3 -c x -w256K -t 5; echo done -w 1"]), 262144);
  assert.equal(requestedSocketBuffer(["iperf3", "-c", "x", "-u", "-l", "64"]), undefined);
  // Another tool's -w means something else (sockperf: none; a wrapper's flag before the tool).
  assert.equal(requestedSocketBuffer(["sockperf", "tp", "-i", "x", "-w", "4K"]), undefined);
  assert.equal(requestedSocketBuffer(["timeout", "-w", "4K", "sleep", "1"]), undefined);
});

test("a benchmark inside a shell script (sh -c, ssh) is found, its arguments ending with its command", () => {
  assert.deepEqual(benchmarkTool(["sh", "-c", "sleep 1; iperf3 -c 10.0.0.2 -u -l 64 -t 5 && echo done"]), {
    tool: "iperf3",
    args: ["-c", "10.0.0.2", "-u", "-l", "64", "-t", "5"],
  });
  assert.deepEqual(benchmarkTool(["ssh", "peer", "'sockperf tp -i 10.0.0.2 -m 64 --tcp>out.txt'"]), {
    tool: "sockperf",
    args: ["tp", "-i", "10.0.0.2", "-m", "64", "--tcp"],
  });
  assert.equal(benchmarkTool(["sh", "-c", "echo iperf3-like | cat"]), undefined);
  // The text report read through the script's flags: 64-byte UDP as if run directly.
  const r = parseBenchmarkOutput(
    ["bash", "-c", "iperf3 -c 127.0.0.1 -u -b 0 -l 64 | tee log"],
    fixture("iperf3-udp64-text.txt"),
  )!;
  assert.equal(r.protocol, "udp");
  assert.equal(r.messageBytes, 64);
  assert.equal(r.packetsReceived, 221627 - 371);
});

test("a command naming no tool (a script file) is read when it printed an iperf3 -J report, and only then", () => {
  const json = fixture("iperf3-udp64.json");
  const r = parseBenchmarkOutput(["./bench.sh"], json)!;
  assert.deepEqual(r, parseBenchmarkOutput(["iperf3", "-J", "-u"], json));
  assert.equal(r.messageBytes, 64);
  // Two clients' reports one after the other are summed, as for iperf3 itself.
  assert.equal(parseBenchmarkOutput(["./bench.sh"], json + json)!.packetsSent, r.packetsSent * 2);
  // Other JSON, even with an "end" key, and iperf3's text report without its flags are not read.
  assert.equal(parseBenchmarkOutput(["./bench.sh"], '{"end": {"sum": {"packets": 5}}}'), undefined);
  assert.equal(parseBenchmarkOutput(["./bench.sh"], fixture("iperf3-udp64-text.txt")), undefined);
});

test("iperf3 UDP text report: the receiver line's rate, datagrams received = total - lost", () => {
  const r = parseBenchmarkOutput(
    ["iperf3", "-c", "127.0.0.1", "-u", "-b", "0", "-l", "64"],
    fixture("iperf3-udp64-text.txt"),
  )!;
  assert.equal(r.tool, "iperf3");
  assert.equal(r.protocol, "udp");
  assert.equal(r.messageBytes, 64);
  assert.equal(r.seconds, 1);
  assert.equal(r.bitsPerSecond, 113e6);
  // Sent: the sender line's 221 630 (the receiver saw sequence numbers up to 221 627: the last
  // three were lost after the last one it received, which its own count leaves out).
  assert.equal(r.packetsSent, 221630);
  assert.equal(r.packetsReceived, 221627 - 371);
  assert.equal(r.lostPercent, ((221630 - (221627 - 371)) / 221630) * 100);
  assert.equal(r.source, "iperf3 receiver line");
  // The per-interval line it printed while running (not the sender/receiver summary lines).
  assert.deepEqual(r.intervals, [{ seconds: 1, bitsPerSecond: 113e6, packets: 221630 }]);
});

// Measured (2026-12-07): containers at MTU 1500 over a 1450 overlay, iperf3 -u -l 1460 -b 200M:
// every datagram dropped at the bridge, the receiver saw none and reported "0/0 (0%)"; the run
// then took the sender's device counters as the delivered rate, and the pair read faster.
test("iperf3 UDP whose receiver got nothing: every datagram the sender sent is lost, text and JSON alike", () => {
  const text = [
    "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams",
    "[  5]   0.00-3.00   sec  71.5 MBytes   200 Mbits/sec  0.000 ms  0/51356 (0%)  sender",
    "[  5]   0.00-3.00   sec  0.00 Bytes  0.00 bits/sec  0.000 ms  0/0 (0%)  receiver",
  ].join("\n");
  const r = parseBenchmarkOutput(["iperf3", "-c", "10.91.0.2", "-u", "-l", "1460", "-b", "200M"], text)!;
  assert.equal(r.bitsPerSecond, 0);
  assert.equal(r.packetsSent, 51356);
  assert.equal(r.packetsReceived, 0);
  assert.equal(r.lostPercent, 100);
  assert.notEqual(r.packetsSource, "", "a count of deliveries, zero included");
  const sum = (packets: number, lost: number, bps: number) => ({
    seconds: 2,
    bits_per_second: bps,
    packets,
    lost_packets: lost,
    lost_percent: 0,
  });
  const json = JSON.stringify({
    start: { test_start: { protocol: "UDP", blksize: 1460, duration: 2 } },
    intervals: [],
    end: { sum: sum(34232, 0, 199895390), sum_sent: sum(34232, 0, 199895390), sum_received: sum(0, 0, 0) },
  });
  const j = parseBenchmarkOutput(["iperf3", "-J", "-u"], json)!;
  assert.equal(j.packetsSent, 34232);
  assert.equal(j.packetsReceived, 0);
  assert.equal(j.lostPercent, 100);
});

test("iperf3 TCP text report with -P 2: the [SUM] receiver line, no packet count of its own", () => {
  const r = parseBenchmarkOutput(
    ["iperf3", "-c", "127.0.0.1", "-P", "2"],
    fixture("iperf3-tcp-P2-text.txt"),
  )!;
  assert.equal(r.protocol, "tcp");
  assert.equal(r.bitsPerSecond, 17.3e9);
  assert.equal(r.packetsReceived, 0);
  assert.equal(r.packetsSource, "");
  // With -P, the [SUM] interval lines; TCP's trailing number is retransmits, not packets.
  assert.deepEqual(r.intervals, [{ seconds: 1, bitsPerSecond: 17.3e9, packets: 0 }]);
});

test("iperf3 -J report: sum_received and the UDP packet counts", () => {
  const text = fixture("iperf3-udp64.json");
  const j = JSON.parse(text) as {
    end: {
      sum_sent: { packets: number };
      sum_received: { bits_per_second: number; packets: number; lost_packets: number };
    };
  };
  const r = parseBenchmarkOutput(["iperf3", "-J", "-u"], text)!;
  assert.equal(r.protocol, "udp");
  assert.equal(r.messageBytes, 64);
  assert.equal(r.bitsPerSecond, j.end.sum_received.bits_per_second);
  assert.equal(r.packetsSent, j.end.sum_sent.packets);
  assert.equal(r.packetsReceived, j.end.sum_received.packets - j.end.sum_received.lost_packets);
  assert.ok(
    r.intervals && r.intervals.length > 0 && r.intervals.every((i) => i.seconds > 0 && i.packets > 0),
  );
});

test("several iperf3 -J reports in one output (one per container pair) are summed", () => {
  const text = fixture("iperf3-udp64.json");
  const one = parseBenchmarkOutput(["iperf3", "-J", "-u"], text)!;
  // A second report with halved figures and a string holding braces, as an error text could.
  const j = JSON.parse(text) as {
    title?: string;
    end: {
      sum_sent: { packets: number };
      sum_received: { bits_per_second: number; packets: number; lost_packets: number };
    };
  };
  j.title = 'pair "2" {b}';
  const half = Math.round(j.end.sum_sent.packets / 2);
  j.end.sum_sent.packets = half;
  j.end.sum_received.packets = half;
  j.end.sum_received.lost_packets = 0;
  j.end.sum_received.bits_per_second /= 2;
  const r = parseBenchmarkOutput(["iperf3", "-J", "-u"], `${text}\n${JSON.stringify(j, null, 2)}\n`)!;
  assert.equal(r.bitsPerSecond, one.bitsPerSecond * 1.5);
  assert.equal(r.packetsSent, one.packetsSent + half);
  assert.equal(r.packetsReceived, one.packetsReceived + half);
  assert.equal(r.lostPercent, ((r.packetsSent - r.packetsReceived) / r.packetsSent) * 100);
  assert.match(r.source, /summed over 2 reports/);
  assert.ok(Array.isArray(r.raw) && r.raw.length === 2);
  assert.equal(r.intervals!.length, one.intervals!.length);
  assert.equal(r.intervals![0]!.packets, one.intervals![0]!.packets * 2);
  // A truncated second report is no report, not a half-summed one.
  assert.equal(parseBenchmarkOutput(["iperf3", "-J"], `${text}\n{"end": {"sum": `), undefined);
});

test("sockperf throughput summary: bandwidth and message rate (ANSI colours stripped)", () => {
  const r = parseBenchmarkOutput(
    ["sockperf", "throughput", "-i", "127.0.0.1", "-m", "64", "-t", "1"],
    fixture("sockperf-throughput-m64.txt"),
  )!;
  assert.equal(r.tool, "sockperf");
  assert.equal(r.bitsPerSecond, 86.707e6);
  assert.equal(r.messageBytes, 64);
  assert.equal(r.packetsSent, Math.round(177576 * 1));
});

test("netperf TCP_STREAM result line: throughput in the header's unit", () => {
  const text = `MIGRATED TCP STREAM TEST from 0.0.0.0 () port 0 AF_INET to 10.0.0.2 () port 0 AF_INET
Recv   Send    Send
Socket Socket  Message  Elapsed
Size   Size    Size     Time     Throughput
bytes  bytes   bytes    secs.    10^6bits/sec

131072  16384  16384    10.00    9387.45
`;
  const r = parseNetperfText(text, ["-t", "TCP_STREAM"])!;
  assert.equal(r.bitsPerSecond, 9387.45e6);
  assert.equal(r.seconds, 10);
});

test("a command that is not a benchmark, or printed no report, has no figures", () => {
  assert.equal(parseBenchmarkOutput(["iperf3", "-s"], "Server listening on 5201\n"), undefined);
  assert.equal(parseBenchmarkOutput(["true"], ""), undefined);
});

test("sockperf under-load: the messages sent as the rate (its replies are latency samples, one in a hundred), the latency kept", () => {
  const r = parseBenchmarkOutput(
    ["sockperf", "under-load", "-i", "10.91.0.2", "-t", "2", "--mps", "10000"],
    fixtureText("tools/sockperf-ul-3.7.txt"),
  )!;
  // [Total Run] RunTime=2.000 sec; … SentMessages=20005; ReceivedMessages=200: 200 replies are
  // not 99% lost; the rate is --mps's, so only the latency can tell a slower path.
  assert.equal(r.packetsSent, 20005);
  assert.equal(r.packetsReceived, 20005);
  assert.equal(r.seconds, 2);
  assert.ok(Math.abs(r.bitsPerSecond - (20005 / 2) * 14 * 8) < 1e-6);
  assert.match(r.packetsSource, /messages sent at --mps/);
  // The short name too.
  assert.equal(
    parseBenchmarkOutput(["sockperf", "ul"], fixtureText("tools/sockperf-ul-3.7.txt"))!.packetsReceived,
    20005,
  );
  assert.deepEqual(r.latency, {
    tool: "sockperf",
    messageBytes: 14,
    avgUs: 50.126,
    sdUs: 13.438,
    p50Us: 48.086,
    p99Us: 84.47,
    p999Us: 163.506,
    observations: 154,
  });
});

test("sockperf ping-pong: replies received per second as the rate (one per round trip), the latency kept", () => {
  const r = parseBenchmarkOutput(
    ["sockperf", "ping-pong", "-i", "10.0.0.2", "-m", "64", "-t", "1"],
    fixtureText("tools/sockperf-pp-3.7.txt"),
  )!;
  assert.equal(r.tool, "sockperf");
  // [Total Run] RunTime=1.001 sec; … SentMessages=22707; ReceivedMessages=22706
  assert.equal(r.packetsReceived, 22706);
  assert.equal(r.packetsSent, 22707);
  assert.ok(Math.abs(r.bitsPerSecond - (22706 / 1.001) * 64 * 8) < 1e-6);
  assert.match(r.source, /replies received ÷ run time/);
  assert.ok(r.latency && r.latency.avgUs > 0 && r.latency.p99Us >= r.latency.p50Us);
  // "avg-latency=50.762 (std-dev=89.714)": one round trip's spread, for how exact the mean is.
  assert.equal(r.latency.avgUs, 50.762);
  assert.equal(r.latency.sdUs, 89.714);
  // Throughput mode has no latency.
  const tp = parseBenchmarkOutput(
    ["sockperf", "throughput", "-i", "127.0.0.1", "-m", "64", "-t", "1"],
    fixture("sockperf-throughput-m64.txt"),
  )!;
  assert.equal(tp.latency, undefined);
});
