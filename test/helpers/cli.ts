import { spawn } from "node:child_process";
import { join } from "node:path";
import { tempDir } from "./temp-dir.js";

export const BIN = join(import.meta.dirname, "..", "..", "bin", "overlayscope");

export interface CliResult {
  code: number | null;
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
    const child = spawn(process.execPath, [BIN, ...args], {
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
      resolve({ code, stdout, stderr });
    });
  });
}
