import { spawn } from "node:child_process";
import { join } from "node:path";
import { NODE_FLAGS } from "../../src/util/node-flags.js";
import { tempDir } from "./temp-dir.js";

export const BIN = join(import.meta.dirname, "..", "..", "bin", "overlayscope");
/** The executable as its `#!` line runs it, with the node binary running these tests. */
export const CLI_ARGV: readonly string[] = [process.execPath, ...NODE_FLAGS, BIN];

export interface CliResult {
  code: number | null;
  /** The CLI's own process id. */
  pid: number;
  stdout: string;
  stderr: string;
}

/** Runs the real executable in a fresh temporary directory. */
export function runCli(
  args: readonly string[],
  timeoutMs = 120_000,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const cwd = tempDir("cli");
  return new Promise((resolve, reject) => {
    const child = spawn(CLI_ARGV[0]!, [...CLI_ARGV.slice(1), ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, pid: child.pid ?? 0, stdout, stderr });
    });
  });
}
