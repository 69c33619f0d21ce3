import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { OverlayscopeError } from "../util/errors.js";

const run = promisify(execFile);

/**
 * The docker CLI, against the host's dockerd or the one `host` names (`-H unix://…`): its trimmed
 * output, or an error that says what failed — UNSUPPORTED when Docker is not installed.
 */
export async function docker(
  args: string[],
  host: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<string> {
  try {
    return (
      await run("docker", [...host, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 })
    ).stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string; code?: string };
    if (err.code === "ENOENT")
      throw new OverlayscopeError(
        "UNSUPPORTED",
        "Docker topologies need Docker (Debian: apt-get install docker.io)",
      );
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `docker ${[...host, ...args].join(" ")}: ${(err.stderr ?? err.message).trim()}`,
      { cause: e },
    );
  }
}

/** Whether a dockerd answers; the reason when not. */
export async function dockerUnavailable(): Promise<string | undefined> {
  try {
    await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 10_000 });
    return undefined;
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    return err.code === "ENOENT"
      ? "Docker is not installed (Debian: apt-get install docker.io)"
      : `no dockerd answers (${(err.stderr ?? "").trim().split("\n")[0] || "start dockerd"})`;
  }
}
