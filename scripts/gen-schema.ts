// Writes docs/run-file.schema.json from the zod schema in src/session/run-model.ts.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { RunV2Schema as RunFileSchema, RUN_SCHEMA_ID } from "../src/run/run-file.js";

const out = join(import.meta.dirname, "..", "docs", "run-file.schema.json");
mkdirSync(join(import.meta.dirname, "..", "docs"), { recursive: true });
const schema = {
  $id: RUN_SCHEMA_ID,
  title: "overlayscope run file",
  ...z.toJSONSchema(RunFileSchema, { io: "input", unrepresentable: "any" }),
};
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
