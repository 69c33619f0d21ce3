import { writeOutputFile } from "../util/output-file.js";
import { z } from "zod";
import { RUN_SCHEMA_ID, RunFileSchema as RunV2Schema, type RunFile } from "../session/run-model.js";
import { upgradeV1Run, RUN_V1_SCHEMA_ID } from "./run-v1.js";

export { RUN_SCHEMA_ID, RunV2Schema, type RunFile };
export type { RunSnapshot } from "../session/run-model.js";

/** Reads a run of any version: v1 files are upgraded to v2 in memory, then validated as v2. */
export const RunFileSchema = z.preprocess(
  (raw) =>
    (raw as { schema?: unknown } | null)?.schema === RUN_V1_SCHEMA_ID
      ? upgradeV1Run(raw as Record<string, unknown>)
      : raw,
  RunV2Schema,
);

/** The one writer: every path (record, run, lab bench, record --hosts) writes the run the session made. */
export async function writeRunFile(path: string, run: RunFile): Promise<void> {
  await writeOutputFile(path, `${JSON.stringify(run, null, 1)}\n`);
}
