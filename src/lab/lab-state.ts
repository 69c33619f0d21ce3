import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { OverlayscopeError } from "../util/errors.js";
import { labDown, LAB_ID, type Lab } from "./topology.js";

/** Labs kept by `lab up` are recorded here so `lab status` and `lab down` find them later. */
export const LAB_STATE_DIR = "/run/overlayscope/labs";

export async function saveLab(lab: Lab, dir = LAB_STATE_DIR): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, `${lab.id}.json`), JSON.stringify(lab, null, 1));
}

export async function listLabs(dir = LAB_STATE_DIR): Promise<Array<Lab & { alive: boolean }>> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const existing = new Set(
    execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.split(" ")[0]),
  );
  const out: Array<Lab & { alive: boolean }> = [];
  for (const f of files.filter((x) => x.endsWith(".json")).sort()) {
    const lab = JSON.parse(await readFile(join(dir, f), "utf8")) as Lab;
    out.push({ ...lab, alive: lab.namespaces.every((n) => existing.has(n)) });
  }
  return out;
}

export async function removeLab(id: string, dir = LAB_STATE_DIR): Promise<Lab> {
  if (!LAB_ID.test(id))
    throw new OverlayscopeError("INVALID_ARGUMENT", `lab id: expected os + 6 hex digits, got '${id}'`, {
      field: "id",
    });
  const file = join(dir, `${id}.json`);
  let lab: Lab;
  try {
    lab = JSON.parse(await readFile(file, "utf8")) as Lab;
  } catch {
    throw new OverlayscopeError("NOT_FOUND", `no lab ${id} (see 'overlayscope lab status')`, { field: "id" });
  }
  await labDown(lab);
  await rm(file, { force: true });
  return lab;
}
