/**
 * What the environment snapshot costs per namespace it reads (src/collectors/env-snapshot.ts):
 * one shell per namespace entered with `ip netns exec`, forking ip, ethtool per device, tc, nft
 * and grep. CPU of this process and its children (the shell and its tools) per read, median of
 * --rounds rounds of --reads reads each, for a lab host namespace (four devices and a VXLAN) and a
 * container namespace (one veth), after one read to warm the page cache.
 *
 *   node --import tsx bench/env-snapshot-read.ts [--rounds 5] [--reads 20]
 */
import { readFileSync } from "node:fs";
import { discoverNetns } from "../src/collectors/netns.js";
import { readNamespaceEnv } from "../src/collectors/env-snapshot.js";
import { labDown, labUp } from "../src/lab/topology.js";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg("--rounds", 5);
const READS = arg("--reads", 20);

/** This process's and its waited-for children's user+system CPU, in ms (clock ticks of 10 ms). */
function cpuMs(): number {
  const s = readFileSync("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

const lab = await labUp("overlay");
try {
  const all = await discoverNetns();
  const rows: string[] = [];
  for (const suffix of ["-h1", "-c2"]) {
    const ns = all.find((n) => n.names.some((x) => x === `${lab.id}${suffix}`))!;
    await readNamespaceEnv(ns, []);
    const perRead: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = cpuMs();
      for (let k = 0; k < READS; k++) await readNamespaceEnv(ns, []);
      perRead.push((cpuMs() - t0) / READS);
    }
    rows.push(
      `| ${suffix === "-h1" ? "lab host (wire0, br0, vx0, veth0)" : "container (eth0)"} | ${median(perRead).toFixed(1)} ms | ${Math.min(...perRead).toFixed(1)}–${Math.max(...perRead).toFixed(1)} ms |`,
    );
  }
  console.log(
    `Environment snapshot, CPU per namespace read (${ROUNDS} rounds of ${READS} reads, ${new Date().toISOString().slice(0, 10)})`,
  );
  console.log("| namespace | median | spread |\n| --- | --- | --- |\n" + rows.join("\n"));
} finally {
  await labDown(lab);
}
