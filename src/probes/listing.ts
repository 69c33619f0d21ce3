import type { ProbeInfo } from "../generated/overlayscope/v1/ProbeInfo.js";
import type { ProbeEngine } from "./engine.js";

/** The catalogue as clients see it: each probe with the variant this kernel uses and why. */
export function probeInfos(engine: ProbeEngine): ProbeInfo[] {
  return [...engine.catalogue.values()].map(({ manifest: m }) => {
    const choice = engine.choices.get(m.name)!;
    return {
      name: m.name,
      purpose: m.purpose,
      costClass: m.costClass,
      default: m.default,
      variant: choice.variant?.name ?? "",
      reason: choice.reason,
      params: m.params
        .filter((p) => p.type !== "filter")
        .map((p) => ({
          name: p.name,
          type: p.type,
          defaultValue: String(p.default),
          min: "min" in p ? p.min : 0,
          max: "max" in p ? p.max : 0,
          description: p.description,
        })),
    };
  });
}
