import { readdir, readFile } from "node:fs/promises";
import type { LinkInfo } from "./link-info.js";
import { readLinks } from "./link-info.js";
import type { NetnsRef } from "./netns.js";
import { pmuInventory, type PmuInventory } from "./perf-stat.js";
import { parseTcQdiscJson, type Qdisc } from "./qdisc.js";
import { inNs } from "./ns-exec.js";
import { parseNftRuleset, type NetfilterRuleset } from "./netfilter-rules.js";

/** The offloads that decide what an overlay costs per packet. */
export const KEY_OFFLOADS = [
  "rx-checksumming",
  "tx-checksumming",
  "generic-segmentation-offload",
  "generic-receive-offload",
  "tcp-segmentation-offload",
  "tx-udp_tnl-segmentation",
  "tx-udp_tnl-csum-segmentation",
  "rx-udp-gro-forwarding",
] as const;

export interface Offload {
  on: boolean;
  fixed: boolean;
}

/** `ethtool -k DEV`: "feature: on [fixed]" lines (nested ones indented). */
export function parseEthtoolFeatures(text: string): Map<string, Offload> {
  const out = new Map<string, Offload>();
  for (const line of text.split("\n")) {
    const m = /^\s*([\w-]+):\s+(on|off)(\s+\[(?:fixed|requested \w+)\])?/.exec(line);
    if (m) out.set(m[1]!, { on: m[2] === "on", fixed: (m[3] ?? "").includes("fixed") });
  }
  return out;
}

export interface DeviceEnv {
  link: LinkInfo;
  offloads: Record<string, Offload>;
  /** RPS CPU mask per rx queue ("0" = RPS off), XPS per tx queue. */
  rps: Record<string, string>;
  xps: Record<string, string>;
}

export interface NetnsEnv {
  inode: number;
  names: string[];
  devices: DeviceEnv[];
  /** Every qdisc with its counters at the time of the snapshot (`tc -s -j qdisc show`). */
  qdiscs: Qdisc[];
  /** Rules per netfilter chain (`nft -j list ruleset`); undefined when nft is not installed. */
  netfilter?: NetfilterRuleset;
  /** net.netfilter.nf_conntrack_max in this namespace, when conntrack is loaded. */
  conntrackMax?: number;
}

export interface EnvSnapshot {
  takenAt: number;
  netns: NetnsEnv[];
  irqAffinity: Record<string, string>;
  perfEventMaxStack: number | undefined;
  pmu: PmuInventory;
  problems: string[];
}

/**
 * Queue masks live in sysfs, which shows the namespace of whoever mounted it; `ip netns exec`
 * remounts /sys for the target, so one shell in the namespace reads them all.
 */
async function queueMasks(
  ns: NetnsRef,
  dev: string,
): Promise<{ rps: Record<string, string>; xps: Record<string, string> }> {
  const script = `cd /sys/class/net/"$1"/queues 2>/dev/null || exit 0; for q in rx-*; do [ -e "$q/rps_cpus" ] && echo "$q $(cat $q/rps_cpus)"; done; for q in tx-*; do [ -e "$q/xps_cpus" ] && echo "$q $(cat $q/xps_cpus 2>/dev/null || echo -)"; done`;
  const out = await inNs(ns, ["sh", "-c", script, "sh", dev]).catch(() => "");
  const rps: Record<string, string> = {};
  const xps: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const [q, mask] = line.trim().split(/\s+/);
    if (!q || mask === undefined) continue;
    if (q.startsWith("rx-")) rps[q] = mask;
    else xps[q] = mask;
  }
  return { rps, xps };
}

/** Taken once per session: forks are fine here, unlike the per-interval path. */
export async function takeEnvSnapshot(namespaces: readonly NetnsRef[]): Promise<EnvSnapshot> {
  const problems: string[] = [];
  const netns: NetnsEnv[] = [];
  for (const ns of namespaces) {
    let links: LinkInfo[];
    try {
      links = await readLinks(ns);
    } catch (e) {
      problems.push(`netns ${ns.names[0] ?? ns.inode}: cannot list links: ${(e as Error).message}`);
      continue;
    }
    const devices: DeviceEnv[] = [];
    for (const link of links) {
      const features = await inNs(ns, ["ethtool", "-k", link.name]).then(parseEthtoolFeatures, (e: Error) => {
        problems.push(`ethtool -k ${link.name}: ${e.message.split("\n")[0]}`);
        return new Map<string, Offload>();
      });
      const offloads: Record<string, Offload> = {};
      for (const k of KEY_OFFLOADS) {
        const f = features.get(k);
        if (f) offloads[k] = f;
      }
      devices.push({ link, offloads, ...(await queueMasks(ns, link.name)) });
    }
    const qdiscs = await inNs(ns, ["tc", "-s", "-j", "qdisc", "show"]).then(parseTcQdiscJson, (e: Error) => {
      problems.push(`tc qdisc show: ${e.message.split("\n")[0]}`);
      return [];
    });
    const netfilter = await inNs(ns, ["nft", "-j", "list", "ruleset"]).then(parseNftRuleset, () => undefined);
    const ctMax = Number(
      (
        await inNs(ns, ["sh", "-c", "cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || true"])
      ).trim() || NaN,
    );
    netns.push({
      inode: ns.inode,
      names: ns.names,
      devices,
      qdiscs,
      ...(netfilter ? { netfilter } : {}),
      ...(Number.isFinite(ctMax) ? { conntrackMax: ctMax } : {}),
    });
  }
  const irqAffinity: Record<string, string> = {};
  for (const irq of await readdir("/proc/irq").catch(() => [] as string[])) {
    if (!/^\d+$/.test(irq)) continue;
    const list = await readFile(`/proc/irq/${irq}/smp_affinity_list`, "utf8").catch(() => undefined);
    if (list !== undefined) irqAffinity[irq] = list.trim();
  }
  const maxStack = await readFile("/proc/sys/kernel/perf_event_max_stack", "utf8").then(
    (t) => Number(t.trim()),
    () => undefined,
  );
  return {
    takenAt: Date.now(),
    netns,
    irqAffinity,
    perfEventMaxStack: maxStack,
    pmu: pmuInventory(),
    problems,
  };
}
