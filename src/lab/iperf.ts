import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { OverlayscopeError } from "../util/errors.js";
import { nsExec, waitForListen } from "./ip-command.js";
import type { Lab } from "./topology.js";
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

function result(stdout: string, command: CommandRun, opts: IperfOptions): IperfResult {
  const r = parseIperf3Json(stdout);
  if (!r)
    throw new OverlayscopeError("FAILED_PRECONDITION", `iperf3 printed no report: ${stdout.slice(0, 200)}`);
  const err = (r.raw as { error?: string } | undefined)?.error;
  if (err) throw new OverlayscopeError("FAILED_PRECONDITION", `iperf3: ${err}`);
  return { ...r, length: r.messageBytes || opts.length, command };
}

/** Runs one iperf3 client→server measurement across a lab; the server lives exactly as long. */
export async function runIperf(lab: Lab, opts: IperfOptions): Promise<IperfResult> {
  const port = String(opts.port ?? 5201);
  // Both ends at the caller's priority, not the lowered one of an embedded daemon.
  const server = withOriginalPriority(() =>
    spawnGuarded("ip", ["netns", "exec", lab.serverNs, "iperf3", "-s", "-1", "-p", port], {
      stdio: "ignore",
    }),
  );
  try {
    await waitForListen(lab.serverNs, "tcp", Number(port));
    const args = [
      "iperf3",
      "-c",
      lab.serverAddr,
      "-p",
      port,
      "-t",
      String(opts.seconds),
      "-l",
      String(opts.length),
      "-J",
    ];
    if (opts.protocol === "udp") args.push("-u", "-b", String(opts.bitrate ?? 0));
    if ((opts.parallel ?? 1) > 1) args.push("-P", String(opts.parallel));
    const startedAtMs = Date.now();
    const command = (output: string, exitCode: number): CommandRun => ({
      argv: ["ip", "netns", "exec", lab.clientNs, ...args],
      pid: 0,
      exitCode,
      startedAtMs,
      endedAtMs: Date.now(),
      output,
    });
    let out: string;
    try {
      out = await withOriginalPriority(() => nsExec(lab.clientNs, args, (opts.seconds + 30) * 1000));
    } catch (e) {
      // iperf3 -J prints its JSON (with the error) on stdout even when it fails.
      const stdout = ((e as { cause?: { stdout?: string } }).cause?.stdout ?? "").trim();
      if (stdout.startsWith("{")) return result(stdout, command(stdout, 1), opts);
      throw e;
    }
    return result(out, command(out, 0), opts);
  } finally {
    server.kill("SIGKILL");
  }
}
