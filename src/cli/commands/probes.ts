import type { ProbeInfo } from "../../generated/overlayscope/v1/ProbeInfo.js";
import { ProbeEngine } from "../../probes/engine.js";
import { probeInfos } from "../../probes/listing.js";
import { renderTable } from "../table.js";
import { loadCalibration, recalibrate, type DispatchCalibration } from "../../probes/dispatch-calibration.js";
import { DISPATCH_NS_BY_PROG_TYPE, dispatchSource } from "../../probes/self-cost.js";

export async function listProbes(
  calibrate = false,
): Promise<{ kernel: Record<string, unknown>; probes: ProbeInfo[]; dispatch: Record<string, unknown> }> {
  const engine = await ProbeEngine.create();
  const caps = engine.caps;
  const calibration: DispatchCalibration | undefined = calibrate
    ? await recalibrate()
    : await loadCalibration();
  return {
    dispatch: {
      tracepointNsPerEvent: Math.round(DISPATCH_NS_BY_PROG_TYPE[5]!),
      source: dispatchSource,
      ...(calibration ? { calibration } : {}),
    },
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
    `bpftrace ${String(listing.kernel.bpftrace)}; tracepoint dispatch ${String(listing.dispatch.tracepointNsPerEvent)} ns per event (${String(listing.dispatch.source)}${listing.dispatch.source === "calibrated" ? "" : "; probes --calibrate measures it here"})\n\n` +
    renderTable(["probe", "cost class", "default", "variant", "why"], rows) +
    "\n\nPer-packet probes are opt-in: they cost CPU on every packet. Use --json for parameters."
  );
}
