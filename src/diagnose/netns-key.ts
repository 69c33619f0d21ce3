import type { RunFigures } from "./run-figures.js";

/**
 * A namespace's name for comparing two runs' environments. A lab names its namespaces
 * "<lab id>-h1"; two lab runs have two ids, so the id is left out of the key.
 */
export function nsKey(f: Pick<RunFigures, "labId">, n: { names: string[]; inode: number }): string {
  const name = n.names[0] ?? String(n.inode);
  return f.labId && name.startsWith(`${f.labId}-`) ? name.slice(f.labId.length + 1) : name;
}
