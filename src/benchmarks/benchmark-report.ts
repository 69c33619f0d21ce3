import { basename } from "node:path";
import type { BenchmarkResult } from "./benchmark-result.js";
import { parseIperf3Json, parseIperf3Text } from "./iperf3-report.js";
import { parseNetperfText } from "./netperf-report.js";
import { parseSockperfText } from "./sockperf-report.js";

const TOOLS = {
  iperf3: (out: string, argv: readonly string[]) =>
    out.trimStart().startsWith("{") ? parseIperf3Json(out) : parseIperf3Text(out, argv),
  sockperf: parseSockperfText,
  netperf: parseNetperfText,
} as const;

/**
 * The benchmark a command line runs, found through wrappers such as `ip netns exec NS`, `nsenter`,
 * `taskset` or `env`: the first word whose name is a known tool. The tool's own arguments follow it.
 */
export function benchmarkTool(
  argv: readonly string[],
): { tool: keyof typeof TOOLS; args: string[] } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const name = basename(argv[i]!);
    if (name in TOOLS) return { tool: name as keyof typeof TOOLS, args: argv.slice(i + 1) };
  }
  return undefined;
}

/** The benchmark's own figures from what it printed, or undefined for other commands or no report. */
export function parseBenchmarkOutput(argv: readonly string[], output: string): BenchmarkResult | undefined {
  const found = benchmarkTool(argv);
  if (!found) return undefined;
  // A client without a report (e.g. iperf3 -s) parses to nothing; so does a failed run.
  return TOOLS[found.tool](output, found.args);
}
