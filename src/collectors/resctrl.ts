import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Memory bandwidth counters of one resctrl monitoring group, per L3 domain. */
export interface MbmReading {
  group: string;
  domain: string;
  totalBytes: number;
  localBytes?: number;
}

/**
 * resctrl MBM: <root>/mon_data/mon_L3_XX/mbm_total_bytes for the default group and
 * <root>/mon_groups/<g>/mon_data/… for others. Values are byte counters since mount; a file
 * reading "Unavailable" (RMID recycled) is skipped, never reported as zero.
 */
export async function readResctrlMbm(root = "/sys/fs/resctrl"): Promise<MbmReading[]> {
  const groups: Array<{ group: string; dir: string }> = [{ group: "default", dir: root }];
  try {
    for (const g of await readdir(join(root, "mon_groups")))
      groups.push({ group: g, dir: join(root, "mon_groups", g) });
  } catch {
    // no monitoring groups
  }
  const out: MbmReading[] = [];
  for (const { group, dir } of groups) {
    let domains: string[];
    try {
      domains = (await readdir(join(dir, "mon_data"))).filter((d) => d.startsWith("mon_L3_")).sort();
    } catch {
      continue;
    }
    for (const domain of domains) {
      const total = await readCounter(join(dir, "mon_data", domain, "mbm_total_bytes"));
      if (total === undefined) continue;
      const r: MbmReading = { group, domain, totalBytes: total };
      const local = await readCounter(join(dir, "mon_data", domain, "mbm_local_bytes"));
      if (local !== undefined) r.localBytes = local;
      out.push(r);
    }
  }
  return out;
}

async function readCounter(path: string): Promise<number | undefined> {
  try {
    const t = (await readFile(path, "utf8")).trim();
    return /^\d+$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
}
