import type { ProbeInfo } from "../../generated/overlayscope/v1/ProbeInfo.js";
import { ProbeEngine } from "../../probes/engine.js";
import { probeInfos } from "../../probes/listing.js";
import { renderTable } from "../table.js";

export async function listProbes(): Promise<{ kernel: Record<string, unknown>; probes: ProbeInfo[] }> {
  const engine = await ProbeEngine.create();
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
    probes: probeInfos(engine),
  };
}

export function formatProbes(listing: Awaited<ReturnType<typeof listProbes>>): string {
  const rows = listing.probes.map((p) => [
    p.name ?? "",
    p.costClass ?? "",
    p.default ? "yes" : "no",
    p.variant || "-",
    p.reason ?? "",
  ]);
  return (
    `bpftrace ${String(listing.kernel.bpftrace)}\n\n` +
    renderTable(["probe", "cost class", "default", "variant", "why"], rows) +
    "\n\nPer-packet probes are opt-in: they cost CPU on every packet. Use --json for parameters."
  );
}
