import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { OverlayscopeError } from "../util/errors.js";
import { docker } from "./docker-cli.js";
import { nodesLeftBy } from "./docker-nodes.js";
import { dropOwnerSync, labOwners, LAB_OWNERS_DIR } from "./lab-owners.js";
import { labDown, LAB_ID, type Lab } from "./topology.js";

/** Labs kept by `lab up` are recorded here so `lab status` and `lab down` find them later. */
export const LAB_STATE_DIR = "/run/overlayscope/labs";

/** Where lab-state finds kept labs and owners (the /run defaults unless a caller passes others). */
export interface LabDirs {
  kept: string;
  owners: string;
}
const DIRS: LabDirs = { kept: LAB_STATE_DIR, owners: LAB_OWNERS_DIR };

/** A kept lab is recorded by its state file from now on, no longer by its building process. */
export async function saveLab(lab: Lab, dirs: LabDirs = DIRS): Promise<void> {
  await mkdir(dirs.kept, { recursive: true, mode: 0o700 });
  await writeFile(join(dirs.kept, `${lab.id}.json`), JSON.stringify(lab, null, 1));
  dropOwnerSync(lab.id, dirs.owners);
}

/**
 * A lab on this host, as `lab status` lists it:
 * - kept: made by `lab up`, stays until `lab down`;
 * - in-use: a running process's lab (`lab bench`, `lab study`), removed when that process exits;
 * - orphaned: its process died without removing it (SIGKILL); `lab down` removes it.
 * A kept lab carries its whole record; the others only what the host shows of them.
 */
export type LabStatus = Partial<Lab> & {
  id: string;
  state: "kept" | "in-use" | "orphaned";
  /** A kept lab's namespaces as recorded; another lab's as they exist now. */
  namespaces: string[];
  /** Every namespace the lab should have exists. */
  alive: boolean;
  /** The process that owns an in-use or orphaned lab. */
  owner?: number;
};

/** Lab namespaces present now, by lab id (their names are "<lab id>-…", topology.ts). */
function labNamespacesById(): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const line of execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n")) {
    const ns = line.split(" ")[0]!;
    const id = ns.split("-")[0]!;
    if (LAB_ID.test(id) && ns.length > id.length) byId.set(id, [...(byId.get(id) ?? []), ns].sort());
  }
  return byId;
}

export async function listLabs(dirs: LabDirs = DIRS): Promise<LabStatus[]> {
  const present = labNamespacesById();
  const out = new Map<string, LabStatus>();
  const files = await readdir(dirs.kept).catch(() => [] as string[]);
  for (const f of files.filter((x) => x.endsWith(".json")).sort()) {
    const lab = JSON.parse(await readFile(join(dirs.kept, f), "utf8")) as Lab;
    const now = present.get(lab.id) ?? [];
    out.set(lab.id, {
      ...lab,
      state: "kept",
      alive: lab.namespaces.every((n) => now.includes(n)),
    });
  }
  for (const [id, owner] of labOwners(dirs.owners)) {
    if (!LAB_ID.test(id) || out.has(id)) continue;
    const now = present.get(id) ?? [];
    const state = owner.alive ? "in-use" : "orphaned";
    out.set(id, { id, state, owner: owner.pid, namespaces: now, alive: owner.alive && now.length > 0 });
  }
  // Namespaces no record accounts for: an orphan from before owners were recorded, or one whose
  // owner record went with /run (a lab's namespaces are bind mounts under /run/netns too).
  for (const [id, now] of present)
    if (!out.has(id)) out.set(id, { id, state: "orphaned", namespaces: now, alive: false });
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Containers the host's dockerd runs for a lab (labelled with its id); none without Docker. */
async function labelledContainers(id: string): Promise<string[]> {
  const names = await docker([
    "ps",
    "-a",
    "--filter",
    `label=overlayscope.lab=${id}`,
    "--format",
    "{{.Names}}",
  ]).catch(() => "");
  return names.split("\n").filter(Boolean);
}

/**
 * Removes a kept or orphaned lab: its namespaces (with their devices), its containers and, for
 * docker-overlay, its dockerd nodes and their state. A lab a running process still uses is refused:
 * that process removes it when it exits, and pulling it away would break its measurement.
 */
export async function removeLab(id: string, dirs: LabDirs = DIRS): Promise<LabStatus> {
  if (!LAB_ID.test(id))
    throw new OverlayscopeError("INVALID_ARGUMENT", `lab id: expected os + 6 hex digits, got '${id}'`, {
      field: "id",
    });
  const status = (await listLabs(dirs)).find((l) => l.id === id);
  if (!status)
    throw new OverlayscopeError("NOT_FOUND", `no lab ${id} (see 'overlayscope lab status')`, { field: "id" });
  if (status.state === "in-use")
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `lab ${id} is in use by process ${status.owner}, which removes it when it exits; stop that process instead`,
      { field: "id" },
    );
  const present = labNamespacesById().get(id) ?? [];
  await labDown({
    id,
    // Everything named for the lab, whether or not its record knew of it (a build cut short).
    namespaces: [...new Set([...(status.namespaces ?? []), ...present])],
    containers: [...new Set([...(status.containers ?? []), ...(await labelledContainers(id))])],
    dockerNodes: status.dockerNodes?.length ? status.dockerNodes : await nodesLeftBy(id),
  });
  await rm(join(dirs.kept, `${id}.json`), { force: true });
  dropOwnerSync(id, dirs.owners);
  return status;
}
