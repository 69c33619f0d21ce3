import { writeOutputFile } from "../util/output-file.js";
import { z } from "zod";
import { RunFileSchema, type RunFile } from "./run-file.js";

/**
 * One recording across several daemons (`record --hosts`): a section per host, each holding that
 * host's ordinary run file, on one aligned window. A host that failed keeps its section with the
 * error, so a partial recording still says who was missing and why.
 */
export const MULTIHOST_SCHEMA_ID = "overlayscope.multihost/v1";

export const HostRole = z.enum(["sender", "receiver", "unknown"]);
export type HostRole = z.infer<typeof HostRole>;

export const HostSectionSchema = z.object({
  name: z.string().describe("the name given with --hosts name=address, or the address"),
  address: z.string(),
  role: HostRole.describe("inferred from device packet rates: the sender transmits more than it receives"),
  ok: z.boolean(),
  error: z.string().describe("why this host has no run, when ok is false"),
  clockOffsetMs: z.number().describe("daemon clock minus the recorder's, estimated from GetHostInfo"),
  run: RunFileSchema.optional(),
});

export const MultiHostRunSchema = z.object({
  schema: z.literal(MULTIHOST_SCHEMA_ID),
  createdAt: z.string(),
  overlayscopeVersion: z.string(),
  label: z.string(),
  groupId: z.string().describe("the group id every host's session was started with"),
  window: z
    .object({ startMs: z.number(), endMs: z.number() })
    .describe("the recorder's clock: every session was running between these times"),
  hosts: z.array(HostSectionSchema).min(1),
});

export type HostSection = z.infer<typeof HostSectionSchema>;
export type MultiHostRun = z.infer<typeof MultiHostRunSchema>;

export async function writeMultiHostRun(path: string, run: MultiHostRun): Promise<void> {
  await writeOutputFile(path, `${JSON.stringify(run, null, 1)}\n`);
}

/** Packets a host sent minus packets it received on its devices over the run. */
function netTransmit(run: RunFile): number {
  let n = 0;
  for (const s of run.snapshots) {
    if (s.final) continue;
    for (const d of s.devices)
      if (d.device !== "lo") n += (d.txPacketsPerSecond - d.rxPacketsPerSecond) * s.seconds;
  }
  return n;
}

/** The host that transmits the most is the sender, the one that receives the most the receiver. */
export function inferRoles(hosts: HostSection[]): void {
  const ok = hosts.filter((h) => h.ok && h.run);
  const scored = ok.map((h) => ({ h, net: netTransmit(h.run!) })).sort((a, b) => b.net - a.net);
  for (const h of hosts) h.role = "unknown";
  if (scored.length === 0) return;
  const top = scored[0]!;
  const bottom = scored[scored.length - 1]!;
  if (top.net > 0) top.h.role = "sender";
  if (bottom !== top && bottom.net < 0) bottom.h.role = "receiver";
  if (scored.length === 1 && top.net < 0) top.h.role = "receiver";
}
