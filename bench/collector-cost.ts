/**
 * What one collector interval costs: reading every /proc source we use (stat, softirqs,
 * interrupts, softnet, per-namespace net/dev + snmp) versus systeminformation's calls for the
 * nearest figures (currentLoad: per-core load without softirq; networkStats: no packet counts).
 * Run: node --import tsx bench/collector-cost.ts
 */
import si from "systeminformation";
import { HostCollector } from "../src/collectors/host-collector.js";

const ROUNDS = 6;

/**
 * Calls spaced at the real 1 s cadence: systeminformation caches results for calls made in quick
 * succession, so back-to-back timing would measure its cache, not the work an interval costs.
 */
async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  let total = 0;
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now();
    await fn();
    total += performance.now() - t0;
  }
  return total / n;
}

const collector = new HostCollector({ intervalMs: 1000, hardwareCounters: false }, () => undefined);
const ours = await timeIt(ROUNDS, () => collector.sampleNow());
const sample = await collector.sampleNow();
const siLoad = await timeIt(ROUNDS, () => si.currentLoad());
const siNet = await timeIt(ROUNDS, () => si.networkStats("*"));
const devices = sample.netns.reduce((a, n) => a + n.devices.length, 0);
console.log(`namespaces read: ${sample.netns.length}, devices: ${devices}, CPUs: ${sample.cpu.size}`);
console.log("| what | ms per interval |\n| --- | --- |");
console.log(`| overlayscope: all /proc sources, all namespaces | ${ours.toFixed(2)} |`);
console.log(`| systeminformation currentLoad() | ${siLoad.toFixed(2)} |`);
console.log(`| systeminformation networkStats('*') | ${siNet.toFixed(2)} |`);
await collector.stop();
