import { readFileSync } from "node:fs";

/**
 * A text file that may not exist (a counter file the running kernel lacks, a cgroup or process
 * gone since it was listed): its text, or undefined — the caller says what absence means.
 */
export function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
