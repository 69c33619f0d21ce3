import { z } from "zod";

/** Round-trip latency a benchmark reported (sockperf ping-pong and under-load), in microseconds. */
export const LatencySchema = z.object({
  tool: z.string(),
  messageBytes: z.number(),
  avgUs: z.number(),
  sdUs: z
    .number()
    .optional()
    .describe(
      "standard deviation of one round trip (sockperf's std-dev): with observations, how exact avgUs is",
    ),
  p50Us: z.number(),
  p99Us: z.number(),
  p999Us: z.number(),
  observations: z.number(),
});
export type Latency = z.infer<typeof LatencySchema>;

/**
 * A benchmark's own figures, read from what it printed, kept in the run beside ours. `source` says
 * where each figure came from, so a reader knows whether a packet rate is the benchmark's own count
 * or the path's device counters.
 */
export const BenchmarkResultSchema = z.object({
  tool: z.string().describe("iperf3, sockperf, netperf, or 'device counters' when no report was read"),
  protocol: z.string().describe("udp, tcp, or '' when unknown"),
  messageBytes: z.number().describe("datagram or write size; 0 when unknown"),
  seconds: z.number(),
  bitsPerSecond: z.number().describe("received, as the benchmark reports it"),
  packetsSent: z.number().describe("0 when the tool does not count packets"),
  packetsReceived: z.number(),
  lostPercent: z.number(),
  source: z.string().describe("where bitsPerSecond came from, e.g. 'iperf3 receiver line'"),
  packetsSource: z.string().describe("where the packet counts came from; '' when there are none"),
  raw: z.unknown().optional().describe("the tool's JSON report, when it printed one"),
  latency: LatencySchema.optional().describe(
    "round-trip latency the tool reported (sockperf ping-pong, under-load); its message rate is then round trips per second",
  ),
  intervals: z
    .array(
      z.object({
        seconds: z.number(),
        bitsPerSecond: z.number(),
        packets: z.number().describe("datagrams in the interval (UDP); 0 when not counted"),
      }),
    )
    .optional()
    .describe(
      "the tool's own per-interval report (iperf3: the side that printed it): the noise of the benchmark's figure, measured on that figure",
    ),
});
export type BenchmarkInterval = NonNullable<z.infer<typeof BenchmarkResultSchema>["intervals"]>[number];
export type BenchmarkResult = z.infer<typeof BenchmarkResultSchema>;

/** What the command line says about the run, for tools whose text report leaves it out. */
export interface ArgvHints {
  udp: boolean;
  messageBytes: number;
  seconds: number;
}

/**
 * The value after a flag (`-l 64`, `-l64`, `--length 64`, `--length=64`); the last one when the
 * flag repeats, as getopt leaves it (`iperf3 -l 64 -l 1400` sends 1400-byte datagrams).
 */
export function flagValue(argv: readonly string[], short: string, long: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === short || a === long) value = argv[++i];
    else if (a.startsWith(`${long}=`)) value = a.slice(long.length + 1);
    else if (short.length === 2 && a.startsWith(short) && a.length > 2 && !a.startsWith("--"))
      value = a.slice(2);
  }
  return value;
}

/** Sizes such as 64, 1K, 128K, 1M (iperf3's units: powers of 1024). */
export function parseSize(text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([KkMmGg]?)$/.exec(text ?? "");
  if (!m) return 0;
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * mult);
}
