import { randomBytes } from "node:crypto";
import { lstat, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OverlayscopeError } from "./errors.js";

/**
 * Where an output file (-o) really goes. The CLI runs as root, often in /tmp: a symlink planted at
 * the output path by another user would make a plain write overwrite whatever it points at. A
 * symlink is followed only when both it and its target belong to us; anything else is refused.
 */
async function outputTarget(path: string, field: string): Promise<string> {
  const link = await lstat(path).catch(() => undefined);
  if (!link?.isSymbolicLink()) return path;
  const uid = process.getuid?.() ?? 0;
  const target = await realpath(path).catch(() => undefined);
  const owner = target === undefined ? undefined : (await stat(target).catch(() => undefined))?.uid;
  if (link.uid !== uid || (owner !== undefined && owner !== uid))
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `${field} ${path}: a symlink owned by another user (or pointing at another user's file); give the real path`,
      { field },
    );
  return target ?? path;
}

/**
 * Writes an output file whole or not at all: into a new temporary file beside it (created
 * exclusively, so it cannot be a planted link), then renamed over the path. An interrupted write
 * leaves the previous file, never half a file.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array, field = "-o"): Promise<void> {
  const target = await outputTarget(path, field);
  const tmp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    await writeFile(tmp, data, { flag: "wx", mode: 0o644 });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EROFS" || code === "ENOTDIR")
      throw new OverlayscopeError("FAILED_PRECONDITION", `${field} ${path}: cannot write there (${code})`, {
        field,
      });
    throw e;
  }
}
