import {
  SOCKET_BUFFER_FILES,
  TCP_SETTINGS,
  type EnvSnapshot,
  type TcpMem,
} from "../collectors/env-snapshot.js";
import type { EnvChange } from "./run-model.js";

/**
 * What changed between the environment at session start and at stop: devices that came or went,
 * MTUs, offloads, RPS/XPS masks, IRQ affinity, socket buffer, TCP buffer, TCP settings and conntrack sysctls, IPsec SAs. A user who flips an offload mid-run sees it here.
 */
export function envChanges(start: EnvSnapshot, stop: EnvSnapshot): EnvChange[] {
  const out: EnvChange[] = [];
  const nsName = (ns: { inode: number; names: string[] }): string => ns.names[0] ?? String(ns.inode);
  const before = new Map(start.netns.map((n) => [n.inode, n]));
  const after = new Map(stop.netns.map((n) => [n.inode, n]));
  const present = new Set((stop.notReread ?? []).map((n) => n.inode));
  // Present at start without being read (quiet, and not the session's own or its target's).
  const unreadBefore = new Map((start.notReread ?? []).map((n) => [n.inode, n]));
  for (const [inode, b] of before) {
    const a = after.get(inode);
    if (!a && present.has(inode)) continue; // quiet during the run: not read again
    if (!a) {
      out.push({ netns: nsName(b), device: "", what: "namespace", before: "present", after: "gone" });
      continue;
    }
    const devA = new Map(a.devices.map((d) => [d.link.name, d]));
    for (const d of b.devices) {
      const x = devA.get(d.link.name);
      const where = { netns: nsName(b), device: d.link.name };
      if (!x) {
        out.push({ ...where, what: "device", before: "present", after: "gone" });
        continue;
      }
      type Value = string | number | boolean | undefined;
      const cmp = (what: string, p: Value, q: Value): void => {
        const s = (v: Value): string => (v === undefined ? "-" : String(v));
        if (s(p) !== s(q)) out.push({ ...where, what, before: s(p), after: s(q) });
      };
      cmp("mtu", d.link.mtu, x.link.mtu);
      cmp("up", d.link.up, x.link.up);
      cmp("master", d.link.master, x.link.master);
      for (const k of new Set([...Object.keys(d.offloads), ...Object.keys(x.offloads)]))
        cmp(`offload ${k}`, d.offloads[k]?.on, x.offloads[k]?.on);
      for (const q of new Set([...Object.keys(d.rps), ...Object.keys(x.rps)]))
        cmp(`rps ${q}`, d.rps[q], x.rps[q]);
      for (const q of new Set([...Object.keys(d.xps), ...Object.keys(x.xps)]))
        cmp(`xps ${q}`, d.xps[q], x.xps[q]);
    }
    const mem = (m: TcpMem | undefined): string => (m ? `${m.min} ${m.default} ${m.max}` : "-");
    for (const [what, p, q] of [
      ["net.ipv4.tcp_rmem", mem(b.tcpBuffers?.rmem), mem(a.tcpBuffers?.rmem)],
      ["net.ipv4.tcp_wmem", mem(b.tcpBuffers?.wmem), mem(a.tcpBuffers?.wmem)],
      ["net.netfilter.nf_conntrack_max", String(b.conntrackMax ?? "-"), String(a.conntrackMax ?? "-")],
    ] as const)
      if (p !== q) out.push({ netns: nsName(b), device: "", what, before: p, after: q });
    const sas = (n: typeof b): string =>
      n.ipsec ? `${n.ipsec.states} SAs ${n.ipsec.algorithms.join(",") || "-"}` : "-";
    if (b.ipsec && a.ipsec && sas(b) !== sas(a))
      out.push({ netns: nsName(b), device: "", what: "ipsec", before: sas(b), after: sas(a) });
    for (const what of TCP_SETTINGS) {
      const [p, q] = [b.tcpSettings?.[what], a.tcpSettings?.[what]];
      if (p !== undefined && q !== undefined && p !== q)
        out.push({ netns: nsName(b), device: "", what, before: p, after: q });
    }
    const names = new Set(b.devices.map((d) => d.link.name));
    for (const d of a.devices)
      if (!names.has(d.link.name))
        out.push({
          netns: nsName(a),
          device: d.link.name,
          what: "device",
          before: "absent",
          after: "present",
        });
  }
  for (const [inode, b] of unreadBefore)
    if (!after.has(inode) && !present.has(inode))
      out.push({ netns: nsName(b), device: "", what: "namespace", before: "present", after: "gone" });
  for (const a of [...after.values(), ...(stop.notReread ?? [])])
    if (!before.has(a.inode) && !unreadBefore.has(a.inode))
      out.push({ netns: nsName(a), device: "", what: "namespace", before: "absent", after: "present" });
  for (const irq of new Set([...Object.keys(start.irqAffinity), ...Object.keys(stop.irqAffinity)]))
    if (start.irqAffinity[irq] !== stop.irqAffinity[irq] && start.irqAffinity[irq] && stop.irqAffinity[irq])
      out.push({
        netns: "",
        device: `irq ${irq}`,
        what: "affinity",
        before: start.irqAffinity[irq],
        after: stop.irqAffinity[irq],
      });
  const [sb, sa] = [start.socketBuffers, stop.socketBuffers];
  if (sb && sa)
    for (const [key, file] of Object.entries(SOCKET_BUFFER_FILES) as Array<[keyof typeof sb, string]>)
      if (sb[key] !== sa[key])
        out.push({
          netns: "",
          device: "",
          what: `net.core.${file}`,
          before: String(sb[key]),
          after: String(sa[key]),
        });
  return out;
}
