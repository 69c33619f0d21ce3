import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";

let cached: string | undefined | null = null;

/** Why kernel tests cannot run here, or undefined when they can. */
export function kernelSkipReason(): string | undefined {
  if (cached !== null) return cached;
  if (process.getuid?.() !== 0) cached = "needs root (BPF and network namespaces)";
  else if (spawnSync("bpftrace", ["--version"]).status !== 0)
    cached = "bpftrace is not installed (bash scripts/setup.sh)";
  else if (!existsSync("/sys/kernel/tracing/events") && !existsSync("/sys/kernel/debug/tracing/events"))
    cached = "tracefs is not mounted";
  else if (spawnSync("iperf3", ["--version"]).status !== 0)
    cached = "iperf3 is not installed (bash scripts/setup.sh)";
  else cached = undefined;
  return cached;
}

/**
 * Call first in every kernel test. Returns false (after skipping) when the test cannot run here;
 * in CI (CI=true) that is a failure instead, because a skipped kernel test proves nothing.
 */
export function requireKernel(t: TestContext): boolean {
  const reason = kernelSkipReason();
  if (reason === undefined) return true;
  if (process.env.CI === "true") assert.fail(`kernel test cannot run in CI: ${reason}`);
  t.skip(reason);
  return false;
}

/** For tests that need an installed tool but not the kernel: skip locally, fail in CI. */
export function requireTool(t: TestContext, tool: string, args: string[] = ["--version"]): boolean {
  if (spawnSync(tool, args, { stdio: "ignore" }).status === 0) return true;
  const reason = `${tool} is not installed (bash scripts/setup.sh)`;
  if (process.env.CI === "true") assert.fail(`cannot run in CI: ${reason}`);
  t.skip(reason);
  return false;
}
