import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { OverlayscopeError } from "../util/errors.js";

const run = promisify(execFile);

/** Runs `ip ARGS…` (optionally inside a named netns) and fails with the command and its stderr. */
export async function ip(args: readonly string[], netns?: string): Promise<string> {
  const full = netns === undefined ? [...args] : ["-n", netns, ...args];
  try {
    const { stdout } = await run("ip", full, { timeout: 15_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `ip ${full.join(" ")}: ${(err.stderr ?? err.message).trim()}`,
      { cause: e },
    );
  }
}

/** Runs a command inside a named network namespace and returns its stdout. */
export async function nsExec(netns: string, argv: readonly string[], timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await run("ip", ["netns", "exec", netns, ...argv], {
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `in netns ${netns}: ${argv.join(" ")}: ${(err.stderr ?? err.message).trim()}`,
      {
        cause: e,
      },
    );
  }
}

/** Waits until a server in a namespace listens on a port (iperf3 and sockperf start asynchronously). */
export async function waitForListen(
  netns: string,
  proto: "tcp" | "udp",
  port: number,
  deadlineMs = 5000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  const flags = proto === "tcp" ? "-ltnH" : "-lunH";
  while (Date.now() < end) {
    const out = await nsExec(netns, ["ss", flags, `sport = :${port}`]).catch(() => "");
    if (out.trim() !== "") return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new OverlayscopeError(
    "TIMEOUT",
    `no ${proto} server listening on port ${port} in ${netns} after ${deadlineMs} ms`,
  );
}
