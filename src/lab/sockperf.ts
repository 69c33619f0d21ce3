import { OverlayscopeError } from "../util/errors.js";
import { nsExec, spawnAt, waitForListen } from "./ip-command.js";
import { withOriginalPriority } from "../util/priority.js";
import { clientPlace, serverPlace, type Lab } from "./topology.js";

export interface LatencyResult {
  tool: "sockperf";
  messageBytes: number;
  avgUs: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  observations: number;
}

/** sockperf ping-pong's summary lines (ANSI colour codes stripped). */
export function parseSockperf(text: string, messageBytes: number): LatencyResult | undefined {
  // eslint-disable-next-line no-control-regex -- sockperf colours its summary with ANSI escapes
  const clean = text.replace(/\x1b\[[0-9;]*m/g, "");
  const avg = /avg-latency=([\d.]+)/.exec(clean);
  const pct = (p: string): number =>
    Number(new RegExp(`percentile ${p} =\\s*([\\d.]+)`).exec(clean)?.[1] ?? NaN);
  const obs = /Total (\d+) observations/.exec(clean);
  if (!avg) return undefined;
  return {
    tool: "sockperf",
    messageBytes,
    avgUs: Number(avg[1]),
    p50Us: pct("50.000"),
    p99Us: pct("99.000"),
    p999Us: pct("99.900"),
    observations: Number(obs?.[1] ?? 0),
  };
}

/** UDP ping-pong latency across a lab: the server lives exactly as long as the measurement. */
export async function runSockperf(
  lab: Lab,
  seconds: number,
  messageBytes: number,
  port = 11111,
): Promise<LatencyResult> {
  // Both ends at the caller's priority, not the lowered one of an embedded daemon.
  const server = withOriginalPriority(() =>
    spawnAt(serverPlace(lab), ["sockperf", "sr", "-i", lab.serverAddr, "-p", String(port)], {
      stdio: "ignore",
    }),
  );
  try {
    await waitForListen(serverPlace(lab), "udp", port);
    const argv = [
      "sockperf",
      "pp",
      "-i",
      lab.serverAddr,
      "-p",
      String(port),
      "-t",
      String(seconds),
      "-m",
      String(messageBytes),
    ];
    const out = await withOriginalPriority(() => nsExec(clientPlace(lab), argv, (seconds + 20) * 1000));
    const r = parseSockperf(out, messageBytes);
    if (!r)
      throw new OverlayscopeError(
        "FAILED_PRECONDITION",
        `sockperf gave no latency summary: ${out.slice(-300)}`,
      );
    return r;
  } finally {
    server.kill("SIGKILL");
  }
}
