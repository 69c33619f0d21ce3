import type { Container } from "../containers/container-model.js";
import { anyRuntimeSocket, listContainers } from "../containers/resolve-container.js";
import { criSockets } from "../containers/cri-api.js";
import { listPods } from "../containers/resolve-pod.js";
import { readdir, readFile } from "node:fs/promises";
import { parseIpLinkJson, type LinkInfo } from "./link-info.js";
import type { NetnsRef } from "./netns.js";
import { pmuInventory, type PmuInventory } from "./perf-stat.js";
import { parseHtbRootCeils, parseTcQdiscJson, type Qdisc } from "./qdisc.js";
import { inNs, sysfsIsOwn } from "./ns-exec.js";
import { mapLimit } from "../util/map-limit.js";
import {
  mergeRulesets,
  parseIptablesSave,
  parseNftRuleset,
  type NetfilterRuleset,
} from "./netfilter-rules.js";
import { parseXfrmStates, type IpsecSummary } from "./ipsec.js";

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

/**
 * An answer of every feature off and none fixed is not the device's: ethtool's netlink reply did
 * not fit its socket's receive buffer (net.core.rmem_default at 4096 B: ethtool printed its eleven
 * summary features "off" and exited 0). A real answer always marks what the device cannot change
 * as fixed.
 */
export function ethtoolReplyLost(features: ReadonlyMap<string, Offload>): boolean {
  return features.size > 0 && ![...features.values()].some((f) => f.fixed || f.on);
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
  /** When it was read, if later than the snapshot (a start snapshot reads a quiet namespace once it moves a packet). */
  takenAt?: number;
  names: string[];
  devices: DeviceEnv[];
  /** Every qdisc with its counters at the time of the snapshot (`tc -s -j qdisc show`). */
  qdiscs: Qdisc[];
  /** Rules per netfilter chain (`nft -j list ruleset`, and `iptables-legacy-save` where legacy tables exist); undefined when neither was read. */
  netfilter?: NetfilterRuleset;
  /** net.netfilter.nf_conntrack_max in this namespace, when conntrack is loaded. */
  conntrackMax?: number;
  /** net.ipv4.tcp_rmem and tcp_wmem in this namespace (each namespace has its own). */
  tcpBuffers?: TcpBufferSysctls;
  /** The TCP_SETTINGS this namespace has, by sysctl name, as read; a setting the kernel lacks is absent. */
  tcpSettings?: Record<string, string>;
  /** IPsec SAs (`ip -o xfrm state`): how many, and their algorithms, never their keys. */
  ipsec?: IpsecSummary;
}

/** A tcp_rmem or tcp_wmem triple (bytes): a TCP socket's buffer starts at `default` and autotuning may grow it to `max`. */
export interface TcpMem {
  min: number;
  default: number;
  max: number;
}

export interface TcpBufferSysctls {
  rmem: TcpMem;
  wmem: TcpMem;
}

/**
 * Per-namespace TCP sysctls that shape how a connection sends: congestion control, the window it
 * may advertise, acknowledgements, and what TCP lets queue below the socket. Each namespace has
 * its own (a container's may differ from the host's); kept as text, by sysctl name.
 */
export const TCP_SETTINGS = [
  "net.ipv4.tcp_congestion_control",
  "net.ipv4.tcp_window_scaling",
  "net.ipv4.tcp_moderate_rcvbuf",
  "net.ipv4.tcp_sack",
  "net.ipv4.tcp_timestamps",
  "net.ipv4.tcp_ecn",
  "net.ipv4.tcp_autocorking",
  "net.ipv4.tcp_limit_output_bytes",
  "net.ipv4.tcp_notsent_lowat",
  "net.ipv4.tcp_mtu_probing",
  "net.ipv4.tcp_slow_start_after_idle",
] as const;
export type TcpSetting = (typeof TCP_SETTINGS)[number];

/** A sysctl's file under /proc/sys: its name with "/" for ".". */
const sysctlFile = (name: string): string => name.replaceAll(".", "/");

/** Sysctls read per namespace, by their file under /proc/sys. */
const NAMESPACE_SYSCTLS = {
  tcpRmem: sysctlFile("net.ipv4.tcp_rmem"),
  tcpWmem: sysctlFile("net.ipv4.tcp_wmem"),
  conntrackMax: sysctlFile("net.netfilter.nf_conntrack_max"),
} as const;

/** `grep -H . FILE…` output ("/proc/sys/net/ipv4/tcp_rmem:4096\t131072\t6291456"): each file's text, blanks collapsed. */
export function parseSysctlText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i < 0 || !line.startsWith("/proc/sys/")) continue;
    out.set(
      line.slice("/proc/sys/".length, i),
      line
        .slice(i + 1)
        .trim()
        .replace(/\s+/g, " "),
    );
  }
  return out;
}

/** The numeric ones of those sysctls, each as its list of numbers. */
export function sysctlNumbers(texts: ReadonlyMap<string, string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [file, value] of texts) {
    const values = value.split(" ").map(Number);
    if (value && values.every(Number.isFinite)) out.set(file, values);
  }
  return out;
}

function tcpMem(v: number[] | undefined): TcpMem | undefined {
  return v?.length === 3 ? { min: v[0]!, default: v[1]!, max: v[2]! } : undefined;
}

/**
 * The kernel's socket buffer sizes (net.core.*mem_*, bytes): what a socket gets when its program
 * asks for none (default), and the most it may ask for with SO_RCVBUF/SO_SNDBUF (max). Host-wide:
 * another namespace sees the initial namespace's values (read-only on newer kernels, absent on older).
 */
export interface SocketBufferSysctls {
  rmemDefault: number;
  rmemMax: number;
  wmemDefault: number;
  wmemMax: number;
}

/** Each figure's file under /proc/sys/net/core (its sysctl is net.core.<file>). */
export const SOCKET_BUFFER_FILES = {
  rmemDefault: "rmem_default",
  rmemMax: "rmem_max",
  wmemDefault: "wmem_default",
  wmemMax: "wmem_max",
} as const satisfies Record<keyof SocketBufferSysctls, string>;

/** Read in the daemon's own namespace (the initial one, whose values every namespace uses). */
async function readSocketBufferSysctls(problems: string[]): Promise<SocketBufferSysctls | undefined> {
  const out: Partial<SocketBufferSysctls> = {};
  for (const [key, file] of Object.entries(SOCKET_BUFFER_FILES) as Array<
    [keyof SocketBufferSysctls, string]
  >) {
    const v = await readFile(`/proc/sys/net/core/${file}`, "utf8").then(
      (t) => Number(t.trim()),
      () => NaN,
    );
    if (!Number.isFinite(v)) {
      problems.push(`net.core.${file}: not readable`);
      return undefined;
    }
    out[key] = v;
  }
  return out as SocketBufferSysctls;
}

export interface EnvSnapshot {
  takenAt: number;
  netns: NetnsEnv[];
  /**
   * Namespaces present but not read: at start, those neither the session's own nor its target's
   * whose devices moved no packet during the run; at stop, those whose devices moved no packet
   * during the run. Unchanged as far as the run can tell, and not gone.
   */
  notReread?: Array<{ inode: number; names: string[] }>;
  /** Running containers by runtime, with their namespace, cgroup and networks (when a runtime answers). */
  containers?: Container[];
  irqAffinity: Record<string, string>;
  perfEventMaxStack: number | undefined;
  /** Undefined in runs recorded before it was read, or where /proc/sys is not readable. */
  socketBuffers?: SocketBufferSysctls;
  pmu: PmuInventory;
  problems: string[];
}

const MARK = "@@overlayscope:";

/**
 * Everything the snapshot reads inside one namespace, in one shell: spawning from the daemon
 * costs ~20 ms of its CPU each (a fork of a large process), and a fork per device and tool made
 * the snapshot ~1 s of CPU per session. Sections are marked so one output is parsed in parts.
 * Inside the shell, only the tools fork (ip, ethtool per device, tc, nft): devices are listed
 * and queue masks read with shell built-ins, since on a node with hundreds of namespaces every
 * fork counts twice per session (bench/scale.ts). Loopback has no offloads worth asking about.
 * Queue masks live in sysfs, which shows the namespace of whoever mounted it: `ip netns exec`
 * remounts /sys for the target (and the root namespace has its own), so they are read there; a
 * namespace entered through a process (nsenter) would show the daemon's sysfs, so not there.
 */
function namespaceScript(sysfsIsOwn: boolean): string {
  const devices = sysfsIsOwn
    ? "for p in /sys/class/net/*; do n=${p##*/}"
    : "for n in $(ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p'); do p=";
  const queues = sysfsIsOwn
    ? [
        `m "queues $n"`,
        `for q in "$p"/queues/rx-*; do { read v < "$q/rps_cpus"; } 2>/dev/null && echo "\${q##*/} $v"; done`,
        `for q in "$p"/queues/tx-*; do [ -e "$q/xps_cpus" ] || continue; { read v < "$q/xps_cpus"; } 2>/dev/null || v=-; echo "\${q##*/} $v"; done`,
      ].join("; ")
    : "true";
  return [
    `m() { echo "${MARK}$1"; }`,
    "m links; ip -j -d link show",
    `${devices}; [ "$n" = lo ] && continue; m "ethtool $n"; ethtool -k "$n" 2>/dev/null; ${queues}; done`,
    // HTB keeps its rates in classes: read them for the devices that have one, forking nothing
    // more where none does (the case test is a shell built-in).
    'q=$(tc -s -j qdisc show 2>/dev/null); m qdiscs; echo "$q"',
    `case "$q" in *'"kind":"htb"'*) for d in $(echo "$q" | grep -o '"kind":"htb","handle":"[^"]*","dev":"[^"]*"' | sed 's/.*"dev":"//; s/"$//'); do m "classes $d"; tc class show dev "$d" 2>/dev/null; done;; esac`,
    "m nft; command -v nft >/dev/null 2>&1 && nft -j list ruleset 2>/dev/null",
    // IPsec (an encrypted overlay's ESP): its SAs, one line each. Not the policies: one more fork
    // per namespace, and `ip -batch` with both lists printed nothing after an empty SA list.
    "m xfrm; ip -o xfrm state 2>/dev/null",
    // Legacy x_tables rules, only where this namespace has such a table (a shell built-in reads
    // the list, so namespaces without one fork nothing).
    'for f in ip ip6; do { read t < /proc/net/${f}_tables_names; } 2>/dev/null && [ -n "$t" ] && command -v ${f}tables-legacy-save >/dev/null 2>&1 && { m "legacy $f"; ${f}tables-legacy-save 2>/dev/null; }; done',
    // The namespace's own sysctls, through grep: dash's `read` takes a byte at a time, and a
    // sysctl file answers a read at a non-zero offset with end-of-file, so `read` got one digit.
    `m sysctl; grep -H . ${[...Object.values(NAMESPACE_SYSCTLS), ...TCP_SETTINGS.map(sysctlFile)]
      .map((f) => `/proc/sys/${f}`)
      .join(" ")} 2>/dev/null`,
    "true",
  ].join("\n");
}

/** The marked sections of the script's output, by name ("links", "ethtool eth0", …). */
export function splitSections(out: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name = "";
  let lines: string[] = [];
  const flush = (): void => {
    if (name) sections.set(name, lines.join("\n"));
  };
  for (const line of out.split("\n")) {
    if (line.startsWith(MARK)) {
      flush();
      name = line.slice(MARK.length).trim();
      lines = [];
    } else lines.push(line);
  }
  flush();
  return sections;
}

function masks(text: string | undefined): { rps: Record<string, string>; xps: Record<string, string> } {
  const rps: Record<string, string> = {};
  const xps: Record<string, string> = {};
  for (const line of (text ?? "").split("\n")) {
    const [q, mask] = line.trim().split(/\s+/);
    if (!q || mask === undefined) continue;
    if (q.startsWith("rx-")) rps[q] = mask;
    else xps[q] = mask;
  }
  return { rps, xps };
}

/** One namespace's links, offloads, queue masks, qdiscs, ruleset, IPsec, conntrack limit and TCP sysctls. */
export async function readNamespaceEnv(ns: NetnsRef, problems: string[]): Promise<NetnsEnv | undefined> {
  const where = ns.names[0] ?? String(ns.inode);
  let out: string;
  try {
    out = await inNs(ns, ["sh", "-c", namespaceScript(sysfsIsOwn(ns))]);
  } catch (e) {
    problems.push(`netns ${where}: cannot read its environment: ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
  const sec = splitSections(out);
  let links: LinkInfo[];
  try {
    links = parseIpLinkJson(sec.get("links") ?? "");
  } catch (e) {
    problems.push(`netns ${where}: cannot list links: ${(e as Error).message}`);
    return undefined;
  }
  const devices: DeviceEnv[] = links.map((link) => {
    const text = sec.get(`ethtool ${link.name}`);
    if (!text?.trim() && link.name !== "lo")
      problems.push(`ethtool -k ${link.name} (netns ${where}): no answer`);
    let features = parseEthtoolFeatures(text ?? "");
    if (ethtoolReplyLost(features)) {
      problems.push(
        `ethtool -k ${link.name} (netns ${where}): every feature off, none fixed: its netlink reply was lost (a small net.core.rmem_default?); offloads not read`,
      );
      features = new Map();
    }
    const offloads: Record<string, Offload> = {};
    for (const k of KEY_OFFLOADS) {
      const f = features.get(k);
      if (f) offloads[k] = f;
    }
    return { link, offloads, ...masks(sec.get(`queues ${link.name}`)) };
  });
  let qdiscs: Qdisc[] = [];
  try {
    qdiscs = parseTcQdiscJson(sec.get("qdiscs") ?? "[]").map((q) => {
      const ceil =
        q.kind === "htb" ? parseHtbRootCeils(sec.get(`classes ${q.device}`) ?? "").get(q.handle) : undefined;
      return ceil ? { ...q, ceilBitsPerSecond: ceil } : q;
    });
  } catch (e) {
    problems.push(`tc qdisc show (netns ${where}): ${(e as Error).message.split("\n")[0]}`);
  }
  const nftText = sec.get("nft")?.trim();
  const legacy = (f: "ip" | "ip6"): NetfilterRuleset | undefined => {
    const text = sec.get(`legacy ${f}`);
    return text ? parseIptablesSave(text, f) : undefined;
  };
  const netfilter = mergeRulesets([
    nftText ? parseNftRuleset(nftText) : undefined,
    legacy("ip"),
    legacy("ip6"),
  ]);
  const xfrm = sec.get("xfrm");
  const sysctlText = parseSysctlText(sec.get("sysctl") ?? "");
  const sysctl = sysctlNumbers(sysctlText);
  const tcpSettings = Object.fromEntries(
    TCP_SETTINGS.flatMap((name) => {
      const v = sysctlText.get(sysctlFile(name));
      return v === undefined ? [] : [[name, v]];
    }),
  );
  const ctMax = sysctl.get(NAMESPACE_SYSCTLS.conntrackMax)?.[0];
  const rmem = tcpMem(sysctl.get(NAMESPACE_SYSCTLS.tcpRmem));
  const wmem = tcpMem(sysctl.get(NAMESPACE_SYSCTLS.tcpWmem));
  return {
    inode: ns.inode,
    names: ns.names,
    devices,
    qdiscs,
    ...(netfilter ? { netfilter } : {}),
    ...(ctMax !== undefined ? { conntrackMax: ctMax } : {}),
    ...(rmem && wmem ? { tcpBuffers: { rmem, wmem } } : {}),
    ...(Object.keys(tcpSettings).length ? { tcpSettings } : {}),
    ...(xfrm !== undefined ? { ipsec: parseXfrmStates(xfrm) } : {}),
  };
}

/** Namespace shells run at once: enough to overlap their forks and waits, few enough for a busy node. */
const SNAPSHOT_CONCURRENCY = 4;

export async function takeEnvSnapshot(
  namespaces: readonly NetnsRef[],
  skip: (ns: NetnsRef) => boolean = () => false,
): Promise<EnvSnapshot> {
  const problems: string[] = [];
  const read = namespaces.filter((n) => !skip(n));
  // One shell per namespace, a few at a time: serially, 150 namespaces took 6.1 s (bench/scale.ts).
  const netns = (await mapLimit(read, SNAPSHOT_CONCURRENCY, (ns) => readNamespaceEnv(ns, problems))).filter(
    (e): e is NetnsEnv => e !== undefined,
  );
  const notReread = namespaces.filter(skip).map((n) => ({ inode: n.inode, names: n.names }));
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
  const socketBuffers = await readSocketBufferSysctls(problems);
  const runtimes = anyRuntimeSocket()
    ? await listContainers().catch((e: unknown) => {
        problems.push(`container runtimes: ${(e as Error).message}`);
        return [];
      })
    : [];
  const pods =
    criSockets().length > 0
      ? await listPods().catch((e: unknown) => {
          problems.push(`CRI: ${(e as Error).message}`);
          return [];
        })
      : [];
  // A pod's sandbox is a containerd task too (namespace k8s.io, named by its id): kept as the pod.
  const podIds = new Set(pods.map((p) => p.id));
  const containers = [...runtimes.filter((c) => !podIds.has(c.id)), ...pods];
  return {
    takenAt: Date.now(),
    netns,
    ...(notReread.length ? { notReread } : {}),
    ...(containers.length ? { containers } : {}),
    irqAffinity,
    perfEventMaxStack: maxStack,
    ...(socketBuffers ? { socketBuffers } : {}),
    pmu: pmuInventory(),
    problems,
  };
}
