import { readFile, stat } from "node:fs/promises";
import { OverlayscopeError } from "../util/errors.js";
import { MULTIHOST_SCHEMA_ID, MultiHostRunSchema, type MultiHostRun } from "./multi-host-run.js";
import { RUN_SCHEMA_ID, RunFileSchema, type RunFile } from "./run-file.js";

export type AnyRun = { kind: "single"; run: RunFile } | { kind: "multi"; run: MultiHostRun };

/**
 * Parsing JSON takes about 3.5x the file's size in memory (a 200 MB file took 700 MB): files past
 * this size are refused with the way round it, instead of taking the host's memory. A day-long
 * session at 1 s intervals stays under it; OVERLAYSCOPE_MAX_RUN_FILE_MB raises it.
 */
const DEFAULT_MAX_RUN_FILE_MB = 128;

function maxRunFileBytes(): number {
  const mb = Number(process.env.OVERLAYSCOPE_MAX_RUN_FILE_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_RUN_FILE_MB) * 1024 * 1024;
}

/** Reads a run file of either kind; errors name the file and the JSON path. */
export async function readAnyRun(path: string): Promise<AnyRun> {
  let raw: unknown;
  try {
    const size = (await stat(path)).size;
    if (size > maxRunFileBytes())
      throw new OverlayscopeError(
        "INVALID_ARGUMENT",
        `${path}: ${(size / 1048576).toFixed(0)} MiB is more than the ${(maxRunFileBytes() / 1048576).toFixed(0)} MiB a run file may have (reading it would take about 3.5 times that in memory); set OVERLAYSCOPE_MAX_RUN_FILE_MB to allow it`,
        { field: "run file" },
      );
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    if (e instanceof OverlayscopeError) throw e;
    const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT";
    throw new OverlayscopeError(code, `${path}: ${(e as Error).message}`, { field: "run file" });
  }
  const multi = (raw as { schema?: unknown } | null)?.schema === MULTIHOST_SCHEMA_ID;
  const parsed = multi ? MultiHostRunSchema.safeParse(raw) : RunFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new OverlayscopeError(
      "INVALID_ARGUMENT",
      `${path}: ${i.path.join(".") || "(root)"}: ${i.message} (is it an overlayscope run file, ${RUN_SCHEMA_ID} or ${MULTIHOST_SCHEMA_ID}?)`,
      { field: "run file" },
    );
  }
  return multi
    ? { kind: "multi", run: parsed.data as MultiHostRun }
    : { kind: "single", run: parsed.data as RunFile };
}

/** Reads a single-host run file; a multi-host file is refused with what to do instead. */
export async function readRunFile(path: string): Promise<RunFile> {
  const any = await readAnyRun(path);
  if (any.kind === "single") return any.run;
  throw new OverlayscopeError(
    "INVALID_ARGUMENT",
    `${path}: a multi-host run (${any.run.hosts.map((h) => h.name).join(", ")}); this command takes one host's run file: pass --host NAME`,
    { field: "run file" },
  );
}
