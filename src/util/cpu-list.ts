/**
 * Parses the kernel's CPU list format ("0-3,8,10-11": /proc/<pid>/status Cpus_allowed_list,
 * /sys/devices/system/cpu/online, cpuset.cpus) into CPU numbers, ascending. Undefined when the
 * text is not one, so a caller never mistakes garbage for "no CPUs".
 */
export function parseCpuList(text: string): number[] | undefined {
  const t = text.trim();
  if (t === "") return [];
  const cpus = new Set<number>();
  for (const part of t.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65_536) return undefined;
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}
