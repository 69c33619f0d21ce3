/** Host inventory for reports: what machine the numbers came from. Once per session. */
export interface HostInventory {
  hostname: string;
  kernel: string;
  os: string;
  cpuModel: string;
  cores: number;
  physicalCores: number;
  sockets: number;
  numaNodes: number;
  memoryBytes: number;
}

export async function hostInventory(): Promise<HostInventory> {
  // Loaded when first needed, off the start-up path.
  const { default: si } = await import("systeminformation");
  const [os, cpu, mem] = await Promise.all([si.osInfo(), si.cpu(), si.mem()]);
  return {
    hostname: os.hostname,
    kernel: os.kernel,
    os: `${os.distro} ${os.release}`.trim(),
    cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim(),
    cores: cpu.cores,
    physicalCores: cpu.physicalCores,
    sockets: cpu.processors,
    numaNodes: await numaNodes(),
    memoryBytes: mem.total,
  };
}

async function numaNodes(): Promise<number> {
  const { readdir } = await import("node:fs/promises");
  const nodes = await readdir("/sys/devices/system/node").catch(() => [] as string[]);
  return Math.max(1, nodes.filter((n) => /^node\d+$/.test(n)).length);
}
