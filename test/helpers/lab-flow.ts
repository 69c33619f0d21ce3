import { spawn } from "node:child_process";
import type { Lab } from "../../src/lab/topology.js";

/**
 * A UDP iperf3 flow across a lab, running before a recording starts and for longer than any
 * recording start can take (an embedded daemon, attach, the environment snapshot); stop() kills
 * both ends once the recording is written.
 */
export async function startUdpFlow(
  lab: Lab,
  opts: { port: number; bitrate: string; length: number },
): Promise<{ stop: () => void }> {
  const port = String(opts.port);
  const server = spawn("ip", ["netns", "exec", lab.serverNs, "iperf3", "-s", "-1", "-p", port], {
    stdio: "ignore",
  });
  await new Promise((r) => setTimeout(r, 500));
  const client = spawn(
    "ip",
    [
      "netns",
      "exec",
      lab.clientNs,
      "iperf3",
      "-c",
      lab.serverAddr,
      "-p",
      port,
      "-u",
      "-b",
      opts.bitrate,
      "-l",
      String(opts.length),
      "-t",
      "60",
    ],
    { stdio: "ignore" },
  );
  await new Promise((r) => setTimeout(r, 500));
  return {
    stop: () => {
      client.kill("SIGKILL");
      server.kill("SIGKILL");
    },
  };
}
