import { writeFile } from "node:fs/promises";
import { toFolded } from "../../export/folded.js";
import { toPprof } from "../../export/pprof.js";
import { readRunFile } from "../../run/run-file.js";
import { invalidArgument } from "../../util/errors.js";

export const EXPORT_FORMATS = ["pprof", "folded", "json"] as const;

/** Converts a run file's profile; binary pprof refuses a terminal on stdout. */
export async function exportRun(file: string, format: string, out: string | undefined): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw invalidArgument("--format", `must be one of ${EXPORT_FORMATS.join(", ")}, got '${format}'`);
  const run = await readRunFile(file);
  const data: Uint8Array | string =
    format === "pprof"
      ? toPprof(run.profile)
      : format === "folded"
        ? toFolded(run.profile)
        : `${JSON.stringify(run.profile, null, 1)}\n`;
  if (out) {
    await writeFile(out, data);
    return;
  }
  if (format === "pprof" && process.stdout.isTTY)
    throw invalidArgument("-o", "pprof is binary: give -o FILE or redirect stdout");
  process.stdout.write(data);
}
