import type { KernelCapabilities } from "./capabilities.js";
import { checkRequirement } from "./capabilities.js";
import type { Manifest, Variant } from "./manifest.js";
import type { ParamValues } from "./params.js";

export interface VariantChoice {
  probe: string;
  /** The chosen variant, or undefined when none works here. */
  variant?: Variant;
  /** One line: which variant and why, naming what ruled out the better ones. */
  reason: string;
  rejected: Array<{ variant: string; reason: string }>;
  /** Every variant that works here, in order of preference (the chosen one first). */
  usable: Variant[];
}

/** A variant's requirements: its `requires` and one of each of its placeholders' kernel functions. */
export function variantRequirements(v: Variant): string[] {
  return [...v.requires, ...Object.values(v.symbols ?? {}).map((names) => `ksym:${names.join("|")}`)];
}

/** The first requirement of a variant that does not hold here, or undefined when all do. */
export function unmetRequirement(
  v: Variant,
  caps: KernelCapabilities,
): { ok: boolean; reason: string } | undefined {
  return variantRequirements(v)
    .map((r) => checkRequirement(r, caps))
    .find((c) => !c.ok);
}

/** The values of a variant's symbol placeholders on this kernel: the first function it has. */
export function symbolValues(v: Variant, caps: Pick<KernelCapabilities, "symbols">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, candidates] of Object.entries(v.symbols ?? {}))
    out[name] = candidates.find((c) => caps.symbols.has(c)) ?? candidates[0]!;
  return out;
}

/** The first variant, in the manifest's order of preference, whose requirements all hold. */
export function chooseVariant(manifest: Manifest, caps: KernelCapabilities): VariantChoice {
  const rejected: VariantChoice["rejected"] = [];
  const usable: Variant[] = [];
  for (const v of manifest.variants) {
    const failed = unmetRequirement(v, caps);
    if (failed) {
      if (usable.length === 0) rejected.push({ variant: v.name, reason: failed.reason });
    } else usable.push(v);
  }
  const chosen = usable[0];
  if (!chosen)
    return {
      probe: manifest.name,
      reason: `no variant works here: ${rejected.map((r) => `${r.variant} ${r.reason}`).join("; ")}`,
      rejected,
      usable,
    };
  const why =
    rejected.length === 0
      ? `${chosen.name}: preferred variant, all requirements met`
      : `${chosen.name}: fallback because ${rejected.map((r) => `${r.variant} ${r.reason}`).join("; ")}`;
  const others = usable.slice(1).map((v) => v.name);
  const also = others.length
    ? `; ${others.join(", ")} also usable, taken when a request's parameters ask for it`
    : "";
  return { probe: manifest.name, variant: chosen, reason: why + also, rejected, usable };
}

/**
 * The variant for one request: the chosen one unless the request's parameters exceed what it can
 * do (limits), then the next usable one. Undefined with the reason when none fits.
 */
export function variantForParams(
  choice: VariantChoice,
  params: ParamValues,
): { variant?: Variant; reason: string } {
  const misfits: string[] = [];
  for (const v of choice.usable) {
    const why = Object.entries(v.limits ?? {})
      .map(([k, lim]) => {
        const value = params[k];
        if (lim.max !== undefined && Number(value) > lim.max)
          return `takes ${k} up to ${lim.max}, asked ${value}`;
        if (lim.oneOf && !lim.oneOf.includes(String(value)))
          return `serves ${k} ${lim.oneOf.join("/")}, asked ${value}`;
        return undefined;
      })
      .find((w) => w !== undefined);
    if (why === undefined) return { variant: v, reason: misfits.length ? misfits.join("; ") : choice.reason };
    misfits.push(`${v.name} ${why}`);
  }
  return { reason: misfits.length ? misfits.join("; ") : choice.reason };
}
