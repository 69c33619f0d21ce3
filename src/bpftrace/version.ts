import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { OverlayscopeError } from "../util/errors.js";
import { attachTimeoutMs } from "./runner.js";

const run = promisify(execFile);

export interface BpftraceVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export const MIN_SUPPORTED = { major: 0, minor: 14 } as const;

export function parseVersion(output: string): BpftraceVersion | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}` };
}

export function atLeast(v: BpftraceVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export async function detectVersion(binary = "bpftrace"): Promise<BpftraceVersion> {
  let stdout: string;
  try {
    // A slow host (an emulated kernel-matrix guest starting the chrooted 0.23) gets the attach timeout.
    ({ stdout } = await run(binary, ["--version"], { timeout: Math.max(10_000, attachTimeoutMs()) }));
  } catch (e) {
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `bpftrace not usable (${(e as Error).message}); install it with 'apt-get install bpftrace'`,
      { cause: e },
    );
  }
  const v = parseVersion(stdout);
  if (!v)
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `cannot read bpftrace version from '${stdout.trim()}'`,
    );
  if (!atLeast(v, MIN_SUPPORTED.major, MIN_SUPPORTED.minor)) {
    throw new OverlayscopeError("FAILED_PRECONDITION", `bpftrace ${v.text} is older than the supported 0.14`);
  }
  return v;
}

/**
 * Our .bt files use `args->field`. From 0.21 on `args.field` is the documented form (0.25 drops
 * the arrow), so we rewrite for newer versions and leave older ones untouched.
 */
export function adaptScript(script: string, v: BpftraceVersion): string {
  return atLeast(v, 0, 21) ? script.replace(/\bargs->/g, "args.") : script;
}
