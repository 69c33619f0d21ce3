import { ProbeEngine } from "../../probes/engine.js";
import { renderTable } from "../table.js";

export interface ProbeListing {
  name: string;
  purpose: string;
  costClass: string;
  default: boolean;
  variant: string | null;
  reason: string;
  variants: Array<{ name: string; requires: string[] }>;
  params: Array<{
    name: string;
    type: string;
    default: unknown;
    description: string;
    min?: number;
    max?: number;
  }>;
}

export async function listProbes(): Promise<{ kernel: Record<string, unknown>; probes: ProbeListing[] }> {
  const engine = await ProbeEngine.create();
  const probes = [...engine.catalogue.values()].map(({ manifest: m }) => {
    const choice = engine.choices.get(m.name)!;
    return {
      name: m.name,
      purpose: m.purpose,
      costClass: m.costClass,
      default: m.default,
      variant: choice.variant?.name ?? null,
      reason: choice.reason,
      variants: m.variants.map((v) => ({ name: v.name, requires: v.requires })),
      params: m.params
        .filter((p) => p.type !== "filter")
        .map((p) => ({
          name: p.name,
          type: p.type,
          default: p.default,
          description: p.description,
          ...("min" in p ? { min: p.min, max: p.max } : {}),
        })),
    };
  });
  const caps = engine.caps;
  return {
    kernel: {
      bpftrace: caps.bpftrace.text,
      btf: caps.btf,
      tracefs: caps.tracefs ?? null,
      kprobe: caps.kprobe,
      kfunc: caps.kfunc,
      profile: caps.profile,
    },
    probes,
  };
}

export function formatProbes(listing: Awaited<ReturnType<typeof listProbes>>): string {
  const rows = listing.probes.map((p) => [
    p.name,
    p.costClass,
    p.default ? "yes" : "no",
    p.variant ?? "-",
    p.reason,
  ]);
  return (
    `bpftrace ${String(listing.kernel.bpftrace)}\n\n` +
    renderTable(["probe", "cost class", "default", "variant", "why"], rows) +
    "\n\nPer-packet probes are opt-in: they cost CPU on every packet. Use --json for parameters."
  );
}
