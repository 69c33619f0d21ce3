import { flagValue, parseSize, type BenchmarkResult, type Latency } from "./benchmark-result.js";

// eslint-disable-next-line no-control-regex -- sockperf colours its summary with ANSI escapes
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Ping-pong and under-load's latency lines: "avg-latency=60.039 (std-dev=29.245)" (the mean and
 * one round trip's standard deviation), the percentiles ("percentile 99.000 =  122.943") and
 * "Total 12893 observations".
 */
export function parseSockperfLatency(text: string, messageBytes: number): Latency | undefined {
  const clean = text.replace(ANSI, "");
  const avg = /avg-latency=([\d.]+)(?: \(std-dev=([\d.]+)\))?/.exec(clean);
  const pct = (p: string): number =>
    Number(new RegExp(`percentile ${p} =\\s*([\\d.]+)`).exec(clean)?.[1] ?? NaN);
  const obs = /Total (\d+) observations/.exec(clean);
  if (!avg) return undefined;
  return {
    tool: "sockperf",
    messageBytes,
    avgUs: Number(avg[1]),
    ...(avg[2] !== undefined ? { sdUs: Number(avg[2]) } : {}),
    p50Us: pct("50.000"),
    p99Us: pct("99.000"),
    p999Us: pct("99.900"),
    observations: Number(obs?.[1] ?? 0),
  };
}

/**
 * sockperf's summary. Throughput mode prints
 *   sockperf: Summary: Message Rate is 123456 [msg/sec]
 *   sockperf: Summary: BandWidth is 7.535 MBps (60.280 Mbps)
 * Ping-pong and under-load print latency and "[Total Run] RunTime=2.001 sec; …;
 * SentMessages=17847; ReceivedMessages=17846", with the latency kept. A ping-pong's rate is the
 * replies received per second (one per round trip, so it falls as the latency rises). Under-load
 * sends at a fixed --mps and the server answers one message in --reply-every (100 by default): its
 * replies are latency samples, not deliveries (SentMessages=80005; ReceivedMessages=800 lost
 * nothing), so its rate is the messages sent, and what it lost is left to the kernel's counters.
 */
export function parseSockperfText(text: string, argv: readonly string[]): BenchmarkResult | undefined {
  const clean = text.replace(ANSI, "");
  const rate = /Message Rate is (\d+(?:\.\d+)?) \[msg\/sec\]/.exec(clean);
  const bw = /BandWidth is [\d.]+ MBps \((\d+(?:\.\d+)?) Mbps\)/.exec(clean);
  const sent = /SentMessages=(\d+)/.exec(clean);
  const received = /ReceivedMessages=(\d+)/.exec(clean);
  const duration = /(?:RunTime|Test duration)=([\d.]+) sec/i.exec(clean);
  const messageBytes = parseSize(flagValue(argv, "-m", "--msg-size")) || 14;
  const latency = parseSockperfLatency(clean, messageBytes);
  if (!rate && !bw && !(latency && received)) return undefined;
  const seconds = Number(duration?.[1] ?? flagValue(argv, "-t", "--time") ?? 0);
  const underLoad = argv[0] === "ul" || argv[0] === "under-load";
  const replies = Number(received?.[1] ?? 0);
  const messages = underLoad && sent ? Number(sent[1]) : replies;
  const msgPerSecond = rate ? Number(rate[1]) : seconds > 0 ? messages / seconds : 0;
  const tcp = argv.includes("--tcp");
  return {
    tool: "sockperf",
    protocol: tcp ? "tcp" : "udp",
    messageBytes,
    seconds,
    bitsPerSecond: bw ? Number(bw[1]) * 1e6 : msgPerSecond * messageBytes * 8,
    packetsSent: Number(sent?.[1] ?? Math.round(msgPerSecond * seconds)),
    packetsReceived: messages,
    lostPercent: 0,
    source: bw
      ? "sockperf summary BandWidth"
      : rate
        ? "sockperf summary Message Rate × message size"
        : underLoad
          ? "sockperf total run: messages sent ÷ run time × message size"
          : "sockperf total run: replies received ÷ run time × message size",
    // Throughput mode counts what the client sent and nothing delivered: no packet source, so the
    // run takes the path's device counters (as for iperf3 TCP).
    packetsSource:
      rate || bw
        ? ""
        : underLoad
          ? "sockperf total run (messages sent at --mps; under-load counts no deliveries)"
          : "sockperf total run (replies received)",
    ...(latency ? { latency } : {}),
  };
}
