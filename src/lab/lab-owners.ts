import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The process that owns each lab while it is built and used (`lab bench`, `lab study`, `lab up`
 * until it has saved the lab as kept): one file per lab id with the owner's pid and start time.
 * A lab whose owner died without removing it (SIGKILL, a job runner ending a session) is orphaned,
 * and `lab status` / `lab down` find it by this record or by its namespaces' names. The start time
 * tells the owner from a later process that reuses its pid.
 */
export const LAB_OWNERS_DIR = "/run/overlayscope/lab-owners";

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined when gone. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from after its ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function recordOwnerSync(id: string, dir = LAB_OWNERS_DIR): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, id), `${process.pid} ${startTime(process.pid) ?? ""}\n`);
}

export function dropOwnerSync(id: string, dir = LAB_OWNERS_DIR): void {
  rmSync(join(dir, id), { force: true });
}

export interface LabOwner {
  pid: number;
  /** The recorded process still runs (same pid, same start time). */
  alive: boolean;
}

/** Every recorded owner, by lab id. */
export function labOwners(dir = LAB_OWNERS_DIR): Map<string, LabOwner> {
  const owners = new Map<string, LabOwner>();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return owners;
  }
  for (const id of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, id), "utf8");
    } catch {
      continue; // removed while we listed
    }
    const [pid, started] = text.trim().split(" ");
    const n = Number(pid);
    owners.set(id, { pid: n, alive: Number.isInteger(n) && n > 0 && startTime(n) === started });
  }
  return owners;
}
