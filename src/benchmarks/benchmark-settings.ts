import { benchmarkTool } from "./benchmark-report.js";
import { flagValue, parseSize } from "./benchmark-result.js";

/**
 * What a benchmark was asked to do, from its command line: the workload (protocol, message size,
 * streams, offered rate, direction, TCP options), not the path it crosses (address, port, the
 * namespace it runs in) and not the socket buffer (-w), which the buffer rules compare with the
 * sysctls it overrides. Two runs are a like-for-like comparison only when these agree.
 */
export interface BenchmarkSettings {
  tool: "iperf3" | "sockperf" | "netperf";
  /** iperf3: "client" or "server"; sockperf: its subcommand (throughput, ping-pong…); netperf: -t's test. */
  mode: string;
  protocol: "udp" | "tcp";
  /** Datagram or write size, bytes; undefined where the tool picks it at run time (iperf3's UDP default follows the path MTU). */
  messageBytes: number | undefined;
  /** Parallel streams (iperf3 -P). */
  streams: number;
  /** The rate offered over all streams, bit/s; undefined when the tool sends as fast as it can. */
  targetBitsPerSecond: number | undefined;
  /** Who sends the data: iperf3 -R makes the server send, --bidir both. */
  direction: "client sends" | "server sends" | "both";
  /** iperf3 -Z: sendfile() instead of write(), no copy from user space. */
  zerocopy: boolean;
  /** TCP congestion control asked for (iperf3 -C); undefined = the host's default. */
  congestion: string | undefined;
  /** TCP MSS asked for (iperf3 -M); undefined = the path's. */
  mss: number | undefined;
}

/** iperf3's rate units are decimal (its unit_atof_rate: -b 10K is 10 000 bit/s); "/N" after it is a burst count. */
export function parseRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KkMmGgTt]?)(?:\/\d+)?$/.exec(text);
  if (!m) return undefined;
  const mult = { "": 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2]!.toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

/** iperf3's defaults where they do not depend on the path: 128 KiB TCP writes, 1 Mbit/s per UDP stream. */
const IPERF3_TCP_LENGTH = 128 * 1024;
const IPERF3_UDP_BITRATE = 1e6;
/** sockperf's default message size (its --msg-size). */
const SOCKPERF_MESSAGE = 14;

const has = (args: readonly string[], ...flags: string[]): boolean => args.some((a) => flags.includes(a));

function iperf3Settings(args: readonly string[]): BenchmarkSettings {
  const udp = has(args, "-u", "--udp");
  const streams = Math.max(1, Number(flagValue(args, "-P", "--parallel") ?? 1) || 1);
  const rateText = flagValue(args, "-b", "--bitrate") ?? flagValue(args, "-b", "--bandwidth");
  const perStream = rateText !== undefined ? parseRate(rateText) : udp ? IPERF3_UDP_BITRATE : 0;
  const length = parseSize(flagValue(args, "-l", "--length"));
  const mss = Number(flagValue(args, "-M", "--set-mss"));
  return {
    tool: "iperf3",
    mode: has(args, "-s", "--server") ? "server" : "client",
    protocol: udp ? "udp" : "tcp",
    messageBytes: length || (udp ? undefined : IPERF3_TCP_LENGTH),
    streams,
    // -b 0 is "unlimited"; an unreadable rate is left out rather than guessed.
    targetBitsPerSecond: perStream ? perStream * streams : undefined,
    direction: has(args, "--bidir") ? "both" : has(args, "-R", "--reverse") ? "server sends" : "client sends",
    zerocopy: has(args, "-Z", "--zerocopy"),
    congestion: flagValue(args, "-C", "--congestion"),
    mss: mss > 0 ? mss : undefined,
  };
}

function sockperfSettings(args: readonly string[]): BenchmarkSettings {
  const mode = args[0] && !args[0].startsWith("-") ? args[0] : "";
  const message = parseSize(flagValue(args, "-m", "--msg-size")) || SOCKPERF_MESSAGE;
  const mps = Number(flagValue(args, "--mps", "--mps"));
  return {
    tool: "sockperf",
    mode,
    protocol: has(args, "--tcp") ? "tcp" : "udp",
    messageBytes: message,
    streams: 1,
    targetBitsPerSecond: mps > 0 ? mps * message * 8 : undefined,
    direction: "client sends",
    zerocopy: false,
    congestion: undefined,
    mss: undefined,
  };
}

function netperfSettings(args: readonly string[]): BenchmarkSettings {
  const test = flagValue(args, "-t", "--testname") ?? "TCP_STREAM";
  // Test-specific options follow "--": -m is the send size.
  const dashes = args.indexOf("--");
  const specific = dashes < 0 ? [] : args.slice(dashes + 1);
  const message = parseSize(flagValue(specific, "-m", "-m"));
  return {
    tool: "netperf",
    mode: test.toUpperCase(),
    protocol: /^UDP/i.test(test) ? "udp" : "tcp",
    messageBytes: message || undefined,
    streams: 1,
    targetBitsPerSecond: undefined,
    direction: /MAERTS/i.test(test) ? "server sends" : "client sends",
    zerocopy: /SENDFILE/i.test(test),
    congestion: undefined,
    mss: undefined,
  };
}

/** The settings of the benchmark a command line runs (through wrappers), or undefined for other commands. */
export function benchmarkSettings(argv: readonly string[] | undefined): BenchmarkSettings | undefined {
  const found = argv ? benchmarkTool(argv) : undefined;
  if (!found) return undefined;
  if (found.tool === "iperf3") return iperf3Settings(found.args);
  if (found.tool === "sockperf") return sockperfSettings(found.args);
  return netperfSettings(found.args);
}
