import type { BenchmarkResult } from "./benchmark-result.js";

/**
 * netperf's classic result block: a header whose last column names the unit
 * ("Throughput 10^6bits/sec" for *_STREAM) and one line of numbers. UDP_STREAM prints two
 * lines (sender, then receiver): the last line is the receiver's.
 *   Recv   Send    Send
 *   Socket Socket  Message  Elapsed
 *   Size   Size    Size     Time     Throughput
 *   bytes  bytes   bytes    secs.    10^6bits/sec
 *   131072  16384  16384    10.00    9387.45
 */
export function parseNetperfText(text: string, argv: readonly string[]): BenchmarkResult | undefined {
  const lines = text.split("\n").map((l) => l.trim());
  const unitLine = lines.findIndex((l) => /10\^(\d+)bits\/sec/.test(l));
  if (unitLine < 0) return undefined;
  const scale = 10 ** Number(/10\^(\d+)bits\/sec/.exec(lines[unitLine]!)![1]);
  const rows = lines
    .slice(unitLine + 1)
    .filter((l) => /^[\d.\s]+$/.test(l) && l.split(/\s+/).length >= 3)
    .map((l) => l.split(/\s+/).map(Number));
  const row = rows[rows.length - 1];
  if (!row) return undefined;
  const test = argv[argv.indexOf("-t") + 1] ?? "TCP_STREAM";
  const udp = /^UDP/i.test(test);
  // UDP_STREAM's receiver line: socket size, elapsed, messages okay, throughput.
  const seconds = udp && row.length === 4 ? row[1]! : (row[row.length - 2] ?? 0);
  const messages = udp && row.length === 4 ? row[2]! : 0;
  const msgBytes = rows.length > 1 ? (rows[0]![1] ?? 0) : udp ? 0 : (row[2] ?? 0);
  return {
    tool: "netperf",
    protocol: udp ? "udp" : "tcp",
    messageBytes: msgBytes,
    seconds,
    bitsPerSecond: row[row.length - 1]! * scale,
    packetsSent: udp && rows.length > 1 ? (rows[0]![4] ?? 0) : 0,
    packetsReceived: messages,
    lostPercent: 0,
    source: "netperf result line",
    packetsSource: messages ? "netperf receiver line (messages okay)" : "",
  };
}
