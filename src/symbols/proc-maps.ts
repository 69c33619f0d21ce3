/** One line of /proc/<pid>/maps. */
export interface Mapping {
  start: number;
  end: number;
  /** Offset in the file of `start`. */
  offset: number;
  /** "major:minor" of the file's device and its inode; inode 0 means not a file. */
  dev: string;
  inode: number;
  /** File path, a pseudo name ("[vdso]", "[heap]") or "" for anonymous memory. */
  path: string;
  /** The map_files entry name: the range exactly as the kernel prints it. */
  range: string;
}

const LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/;

/** Parses /proc/<pid>/maps text; only executable mappings matter for stack frames. */
export function parseProcMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m || !m[3]!.includes("x")) continue;
    out.push({
      start: parseInt(m[1]!, 16),
      end: parseInt(m[2]!, 16),
      offset: parseInt(m[4]!, 16),
      dev: m[5]!,
      inode: Number(m[6]),
      path: m[7]!.replace(/ \(deleted\)$/, ""),
      range: `${m[1]}-${m[2]}`,
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function findMapping(maps: readonly Mapping[], addr: number): Mapping | undefined {
  let lo = 0;
  let hi = maps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = maps[mid]!;
    if (addr < m.start) hi = mid - 1;
    else if (addr >= m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}
