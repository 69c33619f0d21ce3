import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ProfilerServiceClient as ProfilerClient } from "../../src/generated/overlayscope/v1/ProfilerService.js";
import { connect } from "../../src/client/client.js";
import { CLI_ARGV } from "./cli.js";
import { tempDir } from "./temp-dir.js";

export interface RunningDaemon {
  child: ChildProcess;
  socket: string;
  client: ProfilerClient;
  stderr: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/**
 * Starts the real `overlayscope daemon` on a temporary socket and connects a real client.
 * `netns`: run it inside that network namespace (a lab "host").
 */
export async function startDaemon(
  extra: string[] = [],
  netns?: string,
  env: Record<string, string> = {},
): Promise<RunningDaemon> {
  const dir = tempDir("daemon");
  const socket = join(dir, "d.sock");
  const argv = [...CLI_ARGV, "daemon", "--socket", socket, ...extra];
  const [cmd, ...args] = netns ? ["ip", "netns", "exec", netns, ...argv] : argv;
  const child = spawn(cmd!, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, OVERLAYSCOPE_LOG_LEVEL: "info", ...env },
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!existsSync(socket) || !err.includes("daemon listening")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`daemon did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = connect({ address: `unix://${socket}` });
  return {
    child,
    socket,
    client,
    stderr: () => err,
    exited,
    stop: async () => {
      client.close();
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
