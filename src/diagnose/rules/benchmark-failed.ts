import { failed, failedSide } from "../benchmark-exit.js";
import type { Evidence } from "../finding.js";
import type { RunFigures } from "../run-figures.js";
import type { Rule } from "./rule.js";
import { conntrackDrops, conntrackFailedBenchmark } from "./conntrack-pressure.js";

function exitsText(f: RunFigures): string {
  return f.benchmarkExits
    .map((e) => `${e.code === null ? "still running" : `status ${e.code}`} after ${e.seconds.toFixed(1)} s`)
    .join("; ");
}

/**
 * One side's benchmark failed (a refused or timed-out connection, no server, an error of its own)
 * and the other side's did not: the failed run measured little or nothing, so its figures are
 * what the path carried, not a result of the configuration. Its exit status is in the run; the
 * reason is in the benchmark's own output, which the user saw. Runs that fail alike (both stopped
 * by a signal at the end of a session) say nothing.
 */
export const benchmarkFailed: Rule = {
  code: "BENCHMARK_FAILED",
  twoSided: true,
  evaluate({ b, s, gap }) {
    const side = failedSide(b, s);
    if (!side) return undefined;
    const [f, other] = side === "subject" ? [s, b] : [b, s];
    const runs = f.benchmarkExits.length;
    const failures = f.benchmarkExits.filter(failed);
    const n = failures.length;
    const tool = f.benchmarkSettings?.tool ?? "the benchmark";
    // The failed side is the slower one: its failure accounts for the whole difference — unless the
    // runs hold why it failed: a connection-tracking table that refused the subject's packets
    // (CONNTRACK_PRESSURE, which then explains it).
    const why = conntrackFailedBenchmark(other, f) && conntrackDrops(f);
    const explainsIt = !why && (side === "subject" ? gap > 0 : gap < 0);
    const said = failures.find((e) => e.lastError)?.lastError;
    const evidence: Evidence[] = [
      {
        what: "the benchmark command's end",
        baseline: exitsText(b),
        subject: exitsText(s),
        source: "the run's command (exit status, start and end)",
      },
      ...(said
        ? [
            {
              what: `the ${side}'s failed benchmark said, last`,
              ...(side === "baseline" ? { baseline: said, subject: "-" } : { subject: said }),
              source: "its stderr, as the run kept it",
            },
          ]
        : []),
    ];
    return {
      code: this.code,
      title:
        (runs > 1
          ? `${n} of the ${side}'s ${runs} benchmark runs failed (${tool} exited with a status other than 0)`
          : `the ${side}'s benchmark failed: ${tool} exited with ${exitsText(f)}`) +
        (said ? `: "${said}"` : "") +
        (why ? `; connection tracking dropped ${why} of its packets (CONNTRACK_PRESSURE)` : ""),
      mechanism:
        "a benchmark that fails (no server, a refused or timed-out connection, an error of its own) measures little or nothing: the failed run's figures are what the path carried, not the configuration's result; its own output says why it failed",
      confidence: "high",
      failure: true,
      ...(explainsIt ? { explains: 1 } : {}),
      ...(side === "baseline" ? { slowed: "baseline" as const } : {}),
      evidence,
    };
  },
};
