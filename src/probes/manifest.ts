import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { OverlayscopeError } from "../util/errors.js";

/** probes/ sits two levels above both src/probes and dist/probes. */
export const CATALOGUE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "probes");

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

const ParamSchema = z.discriminatedUnion("type", [
  z.object({
    name: z.string().regex(NAME),
    type: z.literal("int"),
    min: z.number().int(),
    max: z.number().int(),
    default: z.number().int(),
    description: z.string(),
  }),
  z.object({
    name: z.string().regex(NAME),
    type: z.literal("bool"),
    default: z.boolean(),
    description: z.string(),
  }),
  z.object({
    name: z.string().regex(NAME),
    type: z.literal("enum"),
    choices: z.array(z.string().regex(/^[A-Za-z0-9_]+$/)).min(1),
    default: z.string(),
    description: z.string(),
  }),
  z.object({
    name: z.string().regex(NAME),
    type: z.literal("ifname"),
    default: z.string(),
    description: z.string(),
  }),
  z.object({
    name: z.string().regex(NAME),
    type: z.literal("ksym"),
    default: z.string(),
    description: z.string(),
  }),
  /** Not settable by clients: the session renders it from a validated target. */
  z.object({
    name: z.literal("filter"),
    type: z.literal("filter"),
    default: z.literal("1"),
    description: z.string(),
  }),
]);

export const CostClass = z.enum(["per-packet", "per-interrupt", "sampled"]);

const ManifestSchema = z.object({
  name: z.string().regex(NAME),
  purpose: z.string().min(10),
  costClass: CostClass,
  default: z.boolean(),
  mapKeysMax: z
    .number()
    .int()
    .min(1024)
    .max(1 << 20)
    .optional(),
  params: z.array(ParamSchema),
  outputs: z.array(
    z.object({
      map: z.string().regex(/^@[a-z_]+$/),
      keys: z.array(z.string()),
      unit: z.string(),
      kind: z.enum(["map", "hist"]).optional(),
      /** Printed without clearing; readings carry per-interval differences. */
      cumulative: z.boolean().optional(),
      description: z.string(),
    }),
  ),
  variants: z
    .array(
      z.object({
        name: z.string().regex(NAME),
        file: z.string().regex(/^[a-z_]+\.bt$/),
        requires: z.array(z.string()),
        /**
         * Placeholders filled with the first of these kernel functions this kernel has: functions
         * renamed between versions (the tick's hrtimer handler is tick_sched_timer before 6.10).
         * The variant requires one of them.
         */
        symbols: z
          .record(z.string().regex(/^[a-z_]+$/), z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).min(1))
          .optional(),
        /**
         * Parameter values this variant can serve; a request outside them goes to the next usable
         * variant (e.g. a rate the scheduler tick cannot reach, or an explicit choice of sampler).
         */
        limits: z
          .record(
            z.string().regex(/^[a-z_]+$/),
            z.object({ max: z.number().int().optional(), oneOf: z.array(z.string()).optional() }),
          )
          .optional(),
      }),
    )
    .min(1),
});

export type ParamSpec = z.infer<typeof ParamSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type Variant = Manifest["variants"][number];
export type CostClassName = z.infer<typeof CostClass>;

export interface CatalogueEntry {
  manifest: Manifest;
  /** .bt source text per variant name. */
  sources: Map<string, string>;
}

export async function loadEntry(dir: string): Promise<CatalogueEntry> {
  const file = join(dir, "manifest.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new OverlayscopeError("INTERNAL", `${file}: ${(e as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OverlayscopeError("INTERNAL", `${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const sources = new Map<string, string>();
  for (const v of parsed.data.variants) sources.set(v.name, await readFile(join(dir, v.file), "utf8"));
  return { manifest: parsed.data, sources };
}

/** Every probe under probes/, in name order. */
export async function loadCatalogue(dir = CATALOGUE_DIR): Promise<Map<string, CatalogueEntry>> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const out = new Map<string, CatalogueEntry>();
  for (const name of names.sort()) {
    const entry = await loadEntry(join(dir, name));
    if (entry.manifest.name !== name) {
      throw new OverlayscopeError(
        "INTERNAL",
        `probes/${name}: manifest name '${entry.manifest.name}' differs from folder`,
      );
    }
    out.set(name, entry);
  }
  return out;
}
