import { flagValue, parseSize, type BenchmarkInterval, type BenchmarkResult } from "./benchmark-result.js";

/**
 * iperf3's report, as JSON (-J) or as the text it prints. The receiver's figures are the ones
 * kept: what crossed the path, not what the sender offered.
 */

interface IperfJson {
  error?: string;
  intervals?: Array<{ sum?: { seconds?: number; bits_per_second?: number; packets?: number } }>;
  start?: { test_start?: { protocol?: string; blksize?: number; duration?: number } };
  end?: {
    sum?: {
      seconds?: number;
      bits_per_second?: number;
      packets?: number;
      lost_packets?: number;
      lost_percent?: number;
    };
    sum_sent?: IperfSum;
    sum_received?: IperfSum;
  };
}

/** A side's totals; UDP's packets are the datagrams sent (sender) or the highest sequence seen (receiver). */
interface IperfSum {
  bytes?: number;
  bits_per_second?: number;
  seconds?: number;
  packets?: number;
  lost_packets?: number;
}

/**
 * A UDP test's datagrams sent, delivered and lost from the sender's count and the receiver's.
 * The receiver counts its losses from gaps in the sequence numbers it saw, so datagrams lost after
 * the last one it received are not among them, and a receiver that got none reports 0 of 0 (0%)
 * — containers at MTU 1500 over a 1450 overlay, every datagram dropped at the bridge, read as no
 * loss at all until 2026-12-07. The sender's count is what was sent.
 */
function udpCounts(
  sent: number,
  receiverTotal: number,
  receiverLost: number,
  receiverPercent: number,
): { packetsSent: number; packetsReceived: number; lostPercent: number } {
  const packetsSent = Math.max(sent, receiverTotal);
  const packetsReceived = Math.max(0, receiverTotal - receiverLost);
  return {
    packetsSent,
    packetsReceived,
    lostPercent:
      packetsSent > receiverTotal ? ((packetsSent - packetsReceived) / packetsSent) * 100 : receiverPercent,
  };
}

/** Defaults iperf3 uses when -l is not given: 128 KiB TCP writes, 1460-byte UDP datagrams (typical MTU). */
const DEFAULT_TCP_LEN = 128 * 1024;
const DEFAULT_UDP_LEN = 1460;

/**
 * The top-level JSON objects in a text holding several, one after the other (several iperf3 -J
 * clients whose reports went to one output), found by brace depth outside strings.
 */
export function jsonDocuments(text: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") {
      if (depth++ === 0) start = i;
    } else if (ch === "}" && depth > 0 && --depth === 0) docs.push(text.slice(start, i + 1));
  }
  return docs;
}

/**
 * iperf3's JSON report; several reports (one per client of a multi-pair benchmark) are summed:
 * throughput and packets add up, the length is the longest, intervals add up index by index.
 */
export function parseIperf3Json(text: string): BenchmarkResult | undefined {
  const docs = jsonDocuments(text);
  if (docs.length <= 1) return parseOneIperf3Json(text);
  const reports = docs.map(parseOneIperf3Json);
  if (reports.some((r) => r === undefined)) return undefined;
  return sumReports(reports as BenchmarkResult[]);
}

function sumReports(rs: BenchmarkResult[]): BenchmarkResult {
  const total = (f: (r: BenchmarkResult) => number): number => rs.reduce((a, r) => a + f(r), 0);
  const sent = total((r) => r.packetsSent);
  const received = total((r) => r.packetsReceived);
  const first = rs[0]!;
  const n = Math.min(...rs.map((r) => r.intervals?.length ?? 0));
  const intervals = Array.from({ length: n }, (_v, i) => ({
    seconds: first.intervals![i]!.seconds,
    bitsPerSecond: total((r) => r.intervals![i]!.bitsPerSecond),
    packets: total((r) => r.intervals![i]!.packets),
  }));
  const summed = `, summed over ${rs.length} reports`;
  return {
    tool: first.tool,
    protocol: first.protocol,
    messageBytes: first.messageBytes,
    seconds: Math.max(...rs.map((r) => r.seconds)),
    bitsPerSecond: total((r) => r.bitsPerSecond),
    packetsSent: sent,
    packetsReceived: received,
    lostPercent: sent > 0 ? ((sent - received) / sent) * 100 : 0,
    source: first.source + summed,
    packetsSource: first.packetsSource && first.packetsSource + summed,
    raw: rs.map((r) => r.raw),
    ...(n ? { intervals } : {}),
  };
}

function parseOneIperf3Json(text: string): BenchmarkResult | undefined {
  let j: IperfJson;
  try {
    j = JSON.parse(text) as IperfJson;
  } catch {
    return undefined;
  }
  if (typeof j !== "object" || j === null || (!j.end && !j.error)) return undefined;
  const ts = j.start?.test_start ?? {};
  const udp = (ts.protocol ?? "").toUpperCase() === "UDP";
  const end = j.end ?? {};
  const intervals: BenchmarkInterval[] = (j.intervals ?? []).map((i) => ({
    seconds: i.sum?.seconds ?? 0,
    bitsPerSecond: i.sum?.bits_per_second ?? 0,
    packets: udp ? (i.sum?.packets ?? 0) : 0,
  }));
  const base = {
    tool: "iperf3",
    protocol: udp ? "udp" : "tcp",
    messageBytes: ts.blksize ?? 0,
    raw: j,
    ...(intervals.length ? { intervals } : {}),
  };
  if (udp) {
    const s = end.sum ?? {};
    // iperf3 3.x puts each side's totals in sum_sent and sum_received; older reports only in sum.
    const received = end.sum_received ?? s;
    return {
      ...base,
      seconds: s.seconds ?? ts.duration ?? 0,
      bitsPerSecond: end.sum_received?.bits_per_second ?? s.bits_per_second ?? 0,
      ...udpCounts(
        end.sum_sent?.packets ?? 0,
        received.packets ?? 0,
        received.lost_packets ?? 0,
        s.lost_percent ?? 0,
      ),
      source: "iperf3 -J end.sum_received",
      packetsSource: "iperf3 -J end.sum_sent and end.sum_received (packets - lost_packets)",
    };
  }
  const r = end.sum_received ?? {};
  return {
    ...base,
    seconds: r.seconds ?? ts.duration ?? 0,
    bitsPerSecond: r.bits_per_second ?? 0,
    packetsSent: 0,
    packetsReceived: 0,
    lostPercent: 0,
    source: "iperf3 -J end.sum_received",
    packetsSource: "",
  };
}

const UNITS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/**
 * The text report's final receiver line: with -P the [SUM] line, else the only stream's.
 *   [  5]   0.00-1.00   sec  13.5 MBytes   113 Mbits/sec  0.001 ms  371/221627 (0.17%)  receiver
 *   [SUM]   0.00-1.00   sec  2.01 GBytes  17.3 Gbits/sec                  receiver
 */
export function parseIperf3Text(text: string, argv: readonly string[]): BenchmarkResult | undefined {
  const all = text.split("\n");
  const finalLine = (side: string): string | undefined => {
    const lines = all.filter((l) => new RegExp(`\\b${side}\\s*$`).test(l));
    return lines.find((l) => l.startsWith("[SUM]")) ?? lines[lines.length - 1];
  };
  const line = finalLine("receiver");
  if (!line) return undefined;
  const m = /(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\s+sec\s+\S+\s+\S+\s+(\d+(?:\.\d+)?)\s+([KMGT]?)bits\/sec/.exec(
    line,
  );
  if (!m) return undefined;
  const seconds = Number(m[2]) - Number(m[1]);
  const bitsPerSecond = Number(m[3]) * (UNITS[m[4]!] ?? 1);
  const LOSS = /(\d+)\/(\d+)\s+\(([\d.e+-]+)%\)/;
  const loss = LOSS.exec(line);
  const sentLoss = LOSS.exec(finalLine("sender") ?? "");
  const udp = loss !== null || argv.includes("-u") || argv.includes("--udp");
  const len = parseSize(flagValue(argv, "-l", "--length")) || (udp ? DEFAULT_UDP_LEN : DEFAULT_TCP_LEN);
  const counts = udpCounts(
    sentLoss ? Number(sentLoss[2]) : 0,
    loss ? Number(loss[2]) : 0,
    loss ? Number(loss[1]) : 0,
    loss ? Number(loss[3]) : 0,
  );
  const intervals = textIntervals(text, udp);
  return {
    ...(intervals.length ? { intervals } : {}),
    tool: "iperf3",
    protocol: udp ? "udp" : "tcp",
    messageBytes: len,
    seconds,
    bitsPerSecond,
    ...(loss ? counts : { packetsSent: 0, packetsReceived: 0, lostPercent: 0 }),
    source: "iperf3 receiver line",
    packetsSource: loss ? "iperf3 sender and receiver lines (total - lost datagrams)" : "",
  };
}

/**
 * The per-interval lines iperf3 prints while it runs (the side that printed them: a client's are
 * what it sent), not the final sender/receiver lines. With -P the [SUM] lines, else the stream's.
 *   [  5]   1.00-2.00   sec  4.75 MBytes  39.8 Mbits/sec  77790     (UDP: datagrams in the interval)
 *   [  5]   1.00-2.00   sec  1.09 GBytes  9.34 Gbits/sec    0   1.20 MBytes   (TCP: retransmits, cwnd)
 */
function textIntervals(text: string, udp: boolean): BenchmarkInterval[] {
  const re =
    /^\[\s*(SUM|\d+)\]\s+(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\s+sec\s+\S+\s+\S+\s+(\d+(?:\.\d+)?)\s+([KMGT]?)bits\/sec\s*(\d+)?/;
  const rows = text
    .split("\n")
    .filter((l) => !/\b(sender|receiver)\s*$/.test(l))
    .map((l) => re.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  const sums = rows.filter((m) => m[1] === "SUM");
  const chosen = sums.length ? sums : rows;
  return chosen
    .map((m) => ({
      seconds: Number(m[3]) - Number(m[2]),
      bitsPerSecond: Number(m[4]) * (UNITS[m[5]!] ?? 1),
      packets: udp && m[6] !== undefined ? Number(m[6]) : 0,
    }))
    .filter((i) => i.seconds > 0);
}
