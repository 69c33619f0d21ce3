import type { KernelCapabilities } from "./capabilities.js";
import { checkRequirement } from "./capabilities.js";
import type { Manifest, Variant } from "./manifest.js";

export interface VariantChoice {
  probe: string;
  /** The chosen variant, or undefined when none works here. */
  variant?: Variant;
  /** One line: which variant and why, naming what ruled out the better ones. */
  reason: string;
  rejected: Array<{ variant: string; reason: string }>;
}

/** The first variant, in the manifest's order of preference, whose requirements all hold. */
export function chooseVariant(manifest: Manifest, caps: KernelCapabilities): VariantChoice {
  const rejected: VariantChoice["rejected"] = [];
  for (const v of manifest.variants) {
    const failed = v.requires.map((r) => checkRequirement(r, caps)).find((c) => !c.ok);
    if (!failed) {
      const why =
        rejected.length === 0
          ? `${v.name}: preferred variant, all requirements met`
          : `${v.name}: fallback because ${rejected.map((r) => `${r.variant} ${r.reason}`).join("; ")}`;
      return { probe: manifest.name, variant: v, reason: why, rejected };
    }
    rejected.push({ variant: v.name, reason: failed.reason });
  }
  return {
    probe: manifest.name,
    reason: `no variant works here: ${rejected.map((r) => `${r.variant} ${r.reason}`).join("; ")}`,
    rejected,
  };
}
