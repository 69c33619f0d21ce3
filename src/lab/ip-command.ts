import { execFile, type ChildProcess, type SpawnOptions } from "node:child_process";
import { promisify } from "node:util";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
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

/**
 * Where a lab command runs: a named network namespace, or an argv prefix that runs a command
 * somewhere (`docker exec NAME`, for a Docker-backed lab's containers).
 */
export type Place = string | readonly string[];

/** The argv prefix that runs a command in a place. */
export const placePrefix = (where: Place): string[] =>
  typeof where === "string" ? ["ip", "netns", "exec", where] : [...where];

/** Starts a long-running command in a place (a server, a flow), tied to our life (spawnGuarded). */
export function spawnAt(where: Place, argv: readonly string[], options: SpawnOptions): ChildProcess {
  const full = [...placePrefix(where), ...argv];
  return spawnGuarded(full[0]!, full.slice(1), options);
}

const placeName = (where: Place): string => (typeof where === "string" ? `netns ${where}` : where.join(" "));

/** Runs a command in a place (a named network namespace, or a container) and returns its stdout. */
export async function nsExec(where: Place, argv: readonly string[], timeoutMs = 60_000): Promise<string> {
  const full = [...placePrefix(where), ...argv];
  try {
    const { stdout } = await run(full[0]!, full.slice(1), {
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `in ${placeName(where)}: ${argv.join(" ")}: ${(err.stderr ?? err.message).trim()}`,
      {
        cause: e,
      },
    );
  }
}

export async function waitForListen(
  netns: Place,
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
    `no ${proto} server listening on port ${port} in ${placeName(netns)} after ${deadlineMs} ms`,
  );
}
