import { parseSockperfLatency } from "../benchmarks/sockperf-report.js";
import type { Latency } from "../benchmarks/benchmark-result.js";
import { OverlayscopeError } from "../util/errors.js";
import { nsExec, spawnAt, waitForListen } from "./ip-command.js";
import { withOriginalPriority } from "../util/priority.js";
import { clientPlace, serverPlace, type Lab } from "./topology.js";

/** UDP ping-pong latency across a lab: the server lives exactly as long as the measurement. */
export async function runSockperf(
  lab: Lab,
  seconds: number,
  messageBytes: number,
  port = 11111,
): Promise<Latency> {
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
    const r = parseSockperfLatency(out, messageBytes);
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
