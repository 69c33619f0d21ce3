import { mkdir, readFile, stat } from "node:fs/promises";
import { release } from "node:os";
import { dirname } from "node:path";
import { z } from "zod";
import { findProgram } from "../util/path-lookup.js";
import { writeOutputFile } from "../util/output-file.js";

/**
 * What the trial attaches found, kept per boot: they start bpftrace three times (~0.6 s of wall
 * time and most of a CPU second), and the answer cannot change until the kernel or the bpftrace
 * binary does. /run is a tmpfs (emptied at boot); the boot id, kernel release and the binary's
 * identity (path, size, modification time) are checked as well.
 */
export const CAPABILITY_CACHE = "/run/overlayscope/capabilities.json";

const Trial = z.object({ ok: z.boolean(), reason: z.string() });
export const CachedCapabilitiesSchema = z.object({
  key: z.string(),
  bpftrace: z.object({ major: z.number(), minor: z.number(), patch: z.number(), text: z.string() }),
  kprobe: Trial,
  kfunc: Trial,
  profile: Trial,
});
export type CachedCapabilities = z.infer<typeof CachedCapabilitiesSchema>;

/** The identity of this boot, kernel and bpftrace binary; undefined when the binary is not found. */
export async function capabilityKey(binary: string): Promise<string | undefined> {
  const { file } = await findProgram(binary);
  if (!file) return undefined;
  const s = await stat(file);
  const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => "")).trim();
  return JSON.stringify([boot, release(), file, s.size, s.mtimeMs]);
}

export async function loadCachedCapabilities(
  key: string,
  file = CAPABILITY_CACHE,
): Promise<CachedCapabilities | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const c = CachedCapabilitiesSchema.parse(JSON.parse(text));
    return c.key === key ? c : undefined;
  } catch {
    return undefined; // unreadable or from another version: found again
  }
}

/** Written whole (temporary file renamed, as every output file): a concurrent reader never sees half a file. */
export async function saveCachedCapabilities(c: CachedCapabilities, file = CAPABILITY_CACHE): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  await writeOutputFile(file, JSON.stringify(c), "capability cache");
}
