import assert from "node:assert/strict";
import { test } from "node:test";
import type { EnvSnapshot, NetnsEnv, TcpMem } from "../../src/collectors/env-snapshot.js";
import { sideFigures, type RunFigures } from "../../src/diagnose/run-figures.js";
import { tcpBufferLimit } from "../../src/diagnose/rules/tcp-buffer.js";
import { tcpBuffer } from "../../src/diagnose/tcp-buffer.js";
import { withTcpEnds } from "../helpers/tcp-ends.js";
import { fixtureRun } from "../helpers/fixtures.js";

const mem = (max: number): TcpMem => ({ min: 4096, default: 131072, max });
const ns = (inode: number, name: string, rmemMax: number, wmemMax = 4_194_304): NetnsEnv => ({
  inode,
  names: [name],
  devices: [],
  qdiscs: [],
  tcpBuffers: { rmem: mem(rmemMax), wmem: mem(wmemMax) },
});
const env = (netns: NetnsEnv[]): EnvSnapshot =>
  ({
    takenAt: 0,
    netns,
    irqAffinity: {},
    perfEventMaxStack: 127,
    socketBuffers: { rmemDefault: 212_992, rmemMax: 212_992, wmemDefault: 212_992, wmemMax: 212_992 },
    pmu: {},
    problems: [],
  }) as unknown as EnvSnapshot;
/** TCP segments received over a run per namespace inode. */
const received = (byNs: Record<number, number>): Map<number, number> =>
  new Map(Object.entries(byNs).map(([inode, n]) => [Number(inode), n]));

test("a run's TCP buffer bound: the smallest tcp_rmem/tcp_wmem max where its connections end, or iperf3 -w capped and doubled", () => {
  // Measured here: an overlay TCP flow's sender received 600 k segments (ACKs), its receiver 205 k
  // (data, aggregated); the root namespace's SSH session a few hundred.
  const snaps = received({ 1: 600_000, 2: 205_000, 3: 400 });
  const start = env([ns(1, "c1", 33_554_432), ns(2, "c2", 16_384), ns(3, "root", 8192)]);
  assert.deepEqual(tcpBuffer(["iperf3", "-c", "x"], { start }, snaps), {
    bytes: 16_384,
    source: "net.ipv4.tcp_rmem max in c2",
  });
  // Nothing lowered: the send side's 4 MB default is the bound; a namespace without TCP never counts.
  const plain = env([ns(1, "c1", 33_554_432), ns(2, "c2", 33_554_432), ns(4, "idle", 1024)]);
  assert.equal(tcpBuffer(["iperf3", "-c", "x"], { start: plain }, snaps)?.bytes, 4_194_304);
  // A namespace read only at stop (quiet at start on a crowded host) counts as read then.
  const late = env([ns(2, "c2", 16_384)]);
  assert.equal(tcpBuffer([], { start: env([ns(1, "c1", 33_554_432)]), stop: late }, snaps)?.bytes, 16_384);
  // iperf3 -w fixes both buffers (its server applies it too): capped at net.core.*mem_max, doubled.
  assert.deepEqual(tcpBuffer(["iperf3", "-c", "x", "-w", "16K"], { start }, snaps), {
    bytes: 32_768,
    source: "iperf3 -w 16384, doubled by the kernel",
  });
  assert.equal(tcpBuffer(["iperf3", "-c", "x", "-w", "1M"], { start }, snaps)?.bytes, 425_984);
  // The kernel's floors (read back here after 1-byte requests): 2304 B received, 4608 B sent.
  assert.deepEqual(tcpBuffer(["iperf3", "-c", "x", "-w", "1K"], { start }, snaps), {
    bytes: 2304,
    source: "iperf3 -w 1024, doubled by the kernel",
  });
  // The smaller cap names its sysctl.
  const lowWmem = { ...start, socketBuffers: { ...start.socketBuffers!, wmemMax: 65_536 } };
  assert.deepEqual(tcpBuffer(["iperf3", "-c", "x", "-w", "1M"], { start: lowWmem }, snaps), {
    bytes: 131_072,
    source: "iperf3 -w 1048576 capped at net.core.wmem_max 65536, doubled by the kernel",
  });
  // No TCP, or no sysctls recorded (older runs): no bound to compare.
  assert.equal(tcpBuffer([], { start }, received({})), undefined);
  assert.equal(tcpBuffer([], undefined, snaps), undefined);
});

test("a run's figures find its TCP ends from each interval's Tcp.InSegs per namespace", () => {
  const run = fixtureRun("overlay-udp64-run.json");
  const withTcp = (byNs: Array<[number, number]>) =>
    sideFigures([
      withTcpEnds(run, env([ns(1, "c1", 33_554_432), ns(2, "c2", 16_384), ns(3, "root", 8192)]), byNs),
    ]).tcpBuffer;
  // Both flow ends receive; the root namespace's stray segments do not make it an end.
  assert.deepEqual(
    withTcp([
      [1, 60_000],
      [2, 20_000],
      [3, 40],
    ]),
    {
      bytes: 16_384,
      source: "net.ipv4.tcp_rmem max in c2",
    },
  );
  // Summed over the run: the root namespace an end once it receives ≥1% of the busiest's segments.
  assert.equal(
    withTcp([
      [1, 60_000],
      [2, 20_000],
      [3, 600],
    ])?.bytes,
    8192,
  );
  assert.equal(withTcp([]), undefined);
});

test("TCP_BUFFER_LIMIT: named for a slower TCP subject whose connections could buffer less, never otherwise", () => {
  const run = fixtureRun("overlay-udp64-run.json");
  const fig = sideFigures([run]);
  // What a tcp_rmem max of 16 KB in the server's namespace did here: 14.1 → 1.6 Gbit/s.
  const side = (bytes: number | undefined, bits: number, protocol = "tcp"): RunFigures => ({
    ...fig,
    protocol,
    bitsPerSecond: bits,
    tcpBuffer:
      bytes === undefined
        ? undefined
        : { bytes, source: bytes < 1e6 ? "net.ipv4.tcp_rmem max in c2" : "net.ipv4.tcp_wmem max in c1" },
  });
  const ctx = (b: RunFigures, s: RunFigures, gap: number) => ({ b, s, gap, costRise: 0 });
  const named = tcpBufferLimit.evaluate(ctx(side(4_194_304, 14.1e9), side(16_384, 1.6e9), 0.886));
  assert.ok(named, "TCP_BUFFER_LIMIT named");
  assert.match(
    named.title,
    /at most 16384 B of socket buffer \(net.ipv4.tcp_rmem max in c2\), the baseline's 4194304 B/,
  );
  assert.equal(named.explains, 1);
  // Not slower; the same or a larger bound; UDP; a side without the figure.
  assert.equal(tcpBufferLimit.evaluate(ctx(side(4_194_304, 14.1e9), side(16_384, 14e9), 0)), undefined);
  assert.equal(
    tcpBufferLimit.evaluate(ctx(side(4_194_304, 14.1e9), side(4_194_304, 1.6e9), 0.886)),
    undefined,
  );
  assert.equal(tcpBufferLimit.evaluate(ctx(side(16_384, 14.1e9), side(4_194_304, 1.6e9), 0.886)), undefined);
  assert.equal(
    tcpBufferLimit.evaluate(ctx(side(4_194_304, 14.1e9, "udp"), side(16_384, 1.6e9, "udp"), 0.886)),
    undefined,
  );
  assert.equal(tcpBufferLimit.evaluate(ctx(side(undefined, 14.1e9), side(16_384, 1.6e9), 0.886)), undefined);
});
