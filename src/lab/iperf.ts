import { OverlayscopeError } from "../util/errors.js";
import { nsExec, placePrefix, spawnAt, waitForListen, type Place } from "./ip-command.js";
import { clientPlace, serverPlace, type Lab } from "./topology.js";
import { parseIperf3Json } from "../benchmarks/iperf3-report.js";
import type { BenchmarkResult } from "../benchmarks/benchmark-result.js";
import { withOriginalPriority } from "../util/priority.js";
import type { CommandRun } from "../client/recorder.js";

export interface IperfOptions {
  protocol: "udp" | "tcp";
  /** Message (UDP datagram / TCP write) size in bytes. */
  length: number;
  seconds: number;
  parallel?: number;
  /** Offered UDP rate in bit/s; 0 = unlimited. */
  bitrate?: number;
  port?: number;
}

/** iperf3's own figures (src/benchmarks), and the command as the session keeps it. */
export type IperfResult = BenchmarkResult & { length: number; command: CommandRun };

function checked(stdout: string): void {
  const r = parseIperf3Json(stdout);
  if (!r)
    throw new OverlayscopeError("FAILED_PRECONDITION", `iperf3 printed no report: ${stdout.slice(0, 200)}`);
  const err = (r.raw as { error?: string } | undefined)?.error;
  if (err) throw new OverlayscopeError("FAILED_PRECONDITION", `iperf3: ${err}`);
}

/** The client's report; iperf3 -J prints its JSON (with the error) on stdout even when it fails. */
async function runClient(ns: Place, args: string[], seconds: number): Promise<{ out: string; code: number }> {
  try {
    return { out: await withOriginalPriority(() => nsExec(ns, args, (seconds + 30) * 1000)), code: 0 };
  } catch (e) {
    const stdout = ((e as { cause?: { stdout?: string } }).cause?.stdout ?? "").trim();
    if (stdout.startsWith("{")) return { out: stdout, code: 1 };
    throw e;
  }
}

/**
 * Runs iperf3 client→server across a lab, every pair at once (server k on port+k-1); the servers
 * live exactly as long. With several pairs the command's output holds one report per pair, which
 * the iperf3 parser sums.
 */
export async function runIperf(lab: Lab, opts: IperfOptions): Promise<IperfResult> {
  const base = opts.port ?? 5201;
  const pairs = lab.pairs.length ? lab.pairs : [lab];
  // Both ends at the caller's priority, not the lowered one of an embedded daemon.
  const servers = pairs.map((p, i) =>
    withOriginalPriority(() =>
      spawnAt(serverPlace(p), ["iperf3", "-s", "-1", "-p", String(base + i)], { stdio: "ignore" }),
    ),
  );
  try {
    for (const [i, p] of pairs.entries()) await waitForListen(serverPlace(p), "tcp", base + i);
    const clientArgs = (p: (typeof pairs)[number], i: number): string[] => {
      const args = [
        "iperf3",
        "-c",
        p.serverAddr,
        "-p",
        String(base + i),
        "-t",
        String(opts.seconds),
        "-l",
        String(opts.length),
        "-J",
      ];
      if (opts.protocol === "udp") args.push("-u", "-b", String(opts.bitrate ?? 0));
      if ((opts.parallel ?? 1) > 1) args.push("-P", String(opts.parallel));
      return args;
    };
    const startedAtMs = Date.now();
    const results = await Promise.all(
      pairs.map((p, i) => runClient(clientPlace(p), clientArgs(p, i), opts.seconds)),
    );
    for (const r of results) checked(r.out);
    const output = results.map((r) => r.out).join("\n");
    const command: CommandRun = {
      // The first pair's command line: the tool and its options, as every pair ran them.
      argv: [...placePrefix(clientPlace(pairs[0]!)), ...clientArgs(pairs[0]!, 0)],
      pid: 0,
      exitCode: Math.max(...results.map((r) => r.code)),
      startedAtMs,
      endedAtMs: Date.now(),
      output,
    };
    const r = parseIperf3Json(output)!;
    return { ...r, length: r.messageBytes || opts.length, command };
  } finally {
    for (const s of servers) s.kill("SIGKILL");
  }
}
