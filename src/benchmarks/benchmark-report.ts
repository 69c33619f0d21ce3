import { basename } from "node:path";
import { flagValue, parseSize, type BenchmarkResult } from "./benchmark-result.js";
import { parseIperf3Json, parseIperf3Text } from "./iperf3-report.js";
import { parseNetperfText } from "./netperf-report.js";
import { parseSockperfText } from "./sockperf-report.js";

const TOOLS = {
  iperf3: (out: string, argv: readonly string[]) =>
    out.trimStart().startsWith("{") ? parseIperf3Json(out) : parseIperf3Text(out, argv),
  sockperf: parseSockperfText,
  netperf: parseNetperfText,
} as const;

/** Shell words that end one command of a script (`;`, `&&`, `|`, redirections). */
const SHELL_CONTROL = /^[;&|<>]+$/;

/**
 * A command line's words, with a shell script argument (`sh -c 'sleep 1; iperf3 -c X -u'`, a
 * command given to `ssh`) split into its words, so a benchmark a script runs is found like one run
 * directly. Quotes are dropped, not interpreted: enough for benchmark flags, which hold no spaces.
 */
function commandWords(argv: readonly string[]): string[] {
  return argv.flatMap((a) => (/[\s;&|<>]/.test(a) ? (a.match(/[;&|<>]+|[^\s;&|<>'"]+/g) ?? []) : [a]));
}

/**
 * The benchmark a command line runs, found through wrappers such as `ip netns exec NS`, `nsenter`,
 * `taskset`, `env` or `sh -c`: the first word whose name is a known tool. The tool's own arguments
 * follow it, up to the end of its command in a script.
 */
export function benchmarkTool(
  argv: readonly string[],
): { tool: keyof typeof TOOLS; args: string[] } | undefined {
  const words = commandWords(argv);
  for (let i = 0; i < words.length; i++) {
    const name = basename(words[i]!);
    if (!(name in TOOLS)) continue;
    const rest = words.slice(i + 1);
    const end = rest.findIndex((w) => SHELL_CONTROL.test(w));
    return { tool: name as keyof typeof TOOLS, args: end < 0 ? rest : rest.slice(0, end) };
  }
  return undefined;
}

/** An iperf3 -J report (each document with iperf3's start.test_start), not any JSON a command printed. */
function iperf3JsonOnly(output: string): BenchmarkResult | undefined {
  const r = parseIperf3Json(output);
  const docs = r ? (Array.isArray(r.raw) ? (r.raw as unknown[]) : [r.raw]) : [];
  const isIperf3 = (d: unknown): boolean =>
    typeof (d as { start?: { test_start?: unknown } } | null)?.start?.test_start === "object";
  return docs.length > 0 && docs.every(isIperf3) ? r : undefined;
}

/**
 * The benchmark's own figures from what it printed, or undefined for other commands or no report.
 * A command that names no known tool (a script file) is still read when its output is an iperf3
 * JSON report (`iperf3 -J`), which describes its own test (protocol, message size); text reports
 * need the tool's flags and are read only when the command line shows them.
 */
export function parseBenchmarkOutput(argv: readonly string[], output: string): BenchmarkResult | undefined {
  const found = benchmarkTool(argv);
  if (!found) return output.trimStart().startsWith("{") ? iperf3JsonOnly(output) : undefined;
  // A client without a report (e.g. iperf3 -s) parses to nothing; so does a failed run.
  return TOOLS[found.tool](output, found.args);
}

/**
 * The socket buffer (bytes) a benchmark's command line asks the kernel for, or undefined where it
 * leaves the kernel's default: iperf3's -w/--window sets SO_SNDBUF and SO_RCVBUF on its socket and
 * is sent to the server, which sets them on its side too (iperf3(1)).
 */
export function requestedSocketBuffer(argv: readonly string[]): number | undefined {
  const found = benchmarkTool(argv);
  if (found?.tool !== "iperf3") return undefined;
  return parseSize(flagValue(found.args, "-w", "--window")) || undefined;
}
