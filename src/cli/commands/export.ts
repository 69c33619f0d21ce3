import { writeOutputFile } from "../../util/output-file.js";
import { toFolded } from "../../export/folded.js";
import { toPprof } from "../../export/pprof.js";
import { readAnyRun } from "../../run/read-run.js";
import type { RunFile } from "../../run/run-file.js";
import { invalidArgument } from "../../util/errors.js";

export const EXPORT_FORMATS = ["pprof", "folded", "json"] as const;

/** A single-host run, or one host's run out of a multi-host file (--host NAME). */
async function pickRun(file: string, host: string | undefined): Promise<RunFile> {
  const any = await readAnyRun(file);
  if (any.kind === "single") {
    if (host !== undefined) throw invalidArgument("--host", `${file} is a single-host run; drop --host`);
    return any.run;
  }
  const names = any.run.hosts.map((h) => h.name);
  const h = any.run.hosts.find((x) => x.name === host);
  if (!h)
    throw invalidArgument(
      "--host",
      `${file} is a multi-host run: pick one of ${names.join(", ")} with --host`,
    );
  if (!h.run) throw invalidArgument("--host", `host ${h.name} was not recorded: ${h.error}`);
  return h.run;
}

/** Converts a run file's profile; binary pprof refuses a terminal on stdout. */
export async function exportRun(
  file: string,
  format: string,
  out: string | undefined,
  host?: string,
): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw invalidArgument("--format", `must be one of ${EXPORT_FORMATS.join(", ")}, got '${format}'`);
  const run = await pickRun(file, host);
  const data: Uint8Array | string =
    format === "pprof"
      ? toPprof(run.profile, { startMs: run.window.startMs })
      : format === "folded"
        ? toFolded(run.profile)
        : `${JSON.stringify(run.profile, null, 1)}\n`;
  if (out) {
    await writeOutputFile(out, data);
    return;
  }
  if (format === "pprof" && process.stdout.isTTY)
    throw invalidArgument("-o", "pprof is binary: give -o FILE or redirect stdout");
  process.stdout.write(data);
}
