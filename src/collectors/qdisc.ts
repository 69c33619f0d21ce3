/**
 * Queueing disciplines from `tc -s -j qdisc show`: the tree (kind, handle, parent, options such
 * as a tbf's rate) and the counters a shaping or dropping qdisc moves (sent, drops, overlimits,
 * requeues, backlog). veth and bridges default to `noqueue`, which never queues: only namespaces
 * with another kind are polled per interval.
 */
export interface Qdisc {
  device: string;
  kind: string;
  handle: string;
  /** "root" or the parent's handle. */
  parent: string;
  /** The qdisc's own parameters as tc prints them (tbf: rate in bytes/s, burst, lat; fq_codel: limit…). */
  options: Record<string, unknown>;
  /**
   * A classful shaper's cap on one flow, bit/s: the largest ceil among HTB's root classes (a flow
   * never passes its root class's ceil). Its rates live in the classes, not in the options.
   */
  ceilBitsPerSecond?: number;
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  requeues: number;
  backlog: number;
  qlen: number;
}

interface TcQdisc {
  kind?: string;
  handle?: string;
  dev?: string;
  root?: boolean;
  parent?: string;
  options?: Record<string, unknown>;
  bytes?: number;
  packets?: number;
  drops?: number;
  overlimits?: number;
  requeues?: number;
  backlog?: number;
  qlen?: number;
}

export function parseTcQdiscJson(text: string): Qdisc[] {
  let list: TcQdisc[];
  try {
    list = JSON.parse(text) as TcQdisc[];
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.map((q) => ({
    device: q.dev ?? "",
    kind: q.kind ?? "",
    handle: q.handle ?? "",
    parent: q.root ? "root" : (q.parent ?? ""),
    options: q.options ?? {},
    bytes: q.bytes ?? 0,
    packets: q.packets ?? 0,
    drops: q.drops ?? 0,
    overlimits: q.overlimits ?? 0,
    requeues: q.requeues ?? 0,
    backlog: q.backlog ?? 0,
    qlen: q.qlen ?? 0,
  }));
}

/** Kinds that never hold or drop a packet: nothing to watch per interval. */
export const PASS_THROUGH_QDISCS: ReadonlySet<string> = new Set(["noqueue"]);

/**
 * What kernels and distributions install on their own (work-conserving queues): every real NIC
 * has one, so polling them would fork `tc` every interval on every host. Their drops over the run
 * still come from the environment snapshots at start and stop; only qdiscs someone added (a
 * shaper, netem, a classful tree) are watched per interval.
 */
export const DEFAULT_QDISCS: ReadonlySet<string> = new Set([
  "noqueue",
  "pfifo_fast",
  "fq_codel",
  "mq",
  "pfifo",
  "bfifo",
  "fq",
]);

export const QDISC_COUNTERS = ["packets", "bytes", "drops", "overlimits", "requeues"] as const;

/** Counter deltas per qdisc (matched by device and handle); backlog and qlen are gauges. */
export function qdiscDelta(a: readonly Qdisc[], b: readonly Qdisc[]): Qdisc[] {
  const prev = new Map(a.map((q) => [`${q.device} ${q.handle}`, q]));
  return b.map((q) => {
    const p = prev.get(`${q.device} ${q.handle}`);
    if (!p) return q;
    const d = { ...q };
    for (const k of QDISC_COUNTERS) d[k] = Math.max(0, q[k] - p[k]);
    return d;
  });
}

/** tc's rate units (SI, as `tc class show` prints them without -iec). */
const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12 };

/**
 * `tc class show dev X` for an HTB qdisc ("class htb 1:10 root prio 0 rate 50Mbit ceil 80Mbit …"):
 * the largest ceil among root classes by qdisc handle ("1:"), bit/s. This iproute2 prints classes
 * as text even with -j.
 */
export function parseHtbRootCeils(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^class htb (\d+):\w* root .*\bceil ([\d.]+)([KMGT]?bit)\b/i.exec(line.trim());
    const unit = m ? RATE_UNITS[m[3]!.toLowerCase()] : undefined;
    if (!m || unit === undefined) continue;
    const handle = `${m[1]}:`;
    out.set(handle, Math.max(out.get(handle) ?? 0, Number(m[2]) * unit));
  }
  return out;
}
