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
