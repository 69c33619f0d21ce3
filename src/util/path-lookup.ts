import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * Where exec would find a program: the name itself when it holds a "/", else the first regular,
 * executable file of that name on PATH. `found` tells a file that is there but not executable.
 */
export async function findProgram(
  name: string,
  path = process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
): Promise<{ file?: string; found: boolean }> {
  const candidates = name.includes("/")
    ? [name]
    : path
        .split(delimiter)
        .filter((d) => isAbsolute(d))
        .map((d) => join(d, name));
  let found = false;
  for (const c of candidates) {
    const s = await stat(c).catch(() => undefined);
    if (!s?.isFile()) continue;
    found = true;
    if (
      await access(c, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return { file: c, found };
  }
  return { found };
}
