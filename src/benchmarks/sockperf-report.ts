import { flagValue, parseSize, type BenchmarkResult } from "./benchmark-result.js";

// eslint-disable-next-line no-control-regex -- sockperf colours its summary with ANSI escapes
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * sockperf's summary. Throughput mode prints
 *   sockperf: Summary: Message Rate is 123456 [msg/sec]
 *   sockperf: Summary: BandWidth is 7.535 MBps (60.280 Mbps)
 * and ping-pong/under-load print "avg-latency=…" lines, kept as latency by the lab.
 */
export function parseSockperfText(text: string, argv: readonly string[]): BenchmarkResult | undefined {
  const clean = text.replace(ANSI, "");
  const rate = /Message Rate is (\d+(?:\.\d+)?) \[msg\/sec\]/.exec(clean);
  const bw = /BandWidth is [\d.]+ MBps \((\d+(?:\.\d+)?) Mbps\)/.exec(clean);
  const sent = /SentMessages=(\d+)/.exec(clean);
  const received = /ReceivedMessages=(\d+)/.exec(clean);
  const duration = /(?:RunTime|Test duration)=([\d.]+) sec/i.exec(clean);
  if (!rate && !bw) return undefined;
  const seconds = Number(duration?.[1] ?? flagValue(argv, "-t", "--time") ?? 0);
  const messageBytes = parseSize(flagValue(argv, "-m", "--msg-size")) || 14;
  const msgPerSecond = Number(rate?.[1] ?? 0);
  const tcp = argv.includes("--tcp");
  return {
    tool: "sockperf",
    protocol: tcp ? "tcp" : "udp",
    messageBytes,
    seconds,
    bitsPerSecond: bw ? Number(bw[1]) * 1e6 : msgPerSecond * messageBytes * 8,
    packetsSent: Number(sent?.[1] ?? Math.round(msgPerSecond * seconds)),
    packetsReceived: Number(received?.[1] ?? 0),
    lostPercent: 0,
    source: bw ? "sockperf summary BandWidth" : "sockperf summary Message Rate × message size",
    packetsSource: "sockperf summary (messages sent by the client)",
  };
}
