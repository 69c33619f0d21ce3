import { readFile } from "node:fs/promises";
import { OverlayscopeError } from "../util/errors.js";
import { MULTIHOST_SCHEMA_ID, MultiHostRunSchema, type MultiHostRun } from "./multi-host-run.js";
import { RUN_SCHEMA_ID, RunFileSchema, type RunFile } from "./run-file.js";

export type AnyRun = { kind: "single"; run: RunFile } | { kind: "multi"; run: MultiHostRun };

/** Reads a run file of either kind; errors name the file and the JSON path. */
export async function readAnyRun(path: string): Promise<AnyRun> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
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
