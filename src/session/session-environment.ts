import { readlink } from "node:fs/promises";
import {
  readNamespaceEnv,
  takeEnvSnapshot,
  type EnvSnapshot,
  type NetnsEnv,
} from "../collectors/env-snapshot.js";
import { discoverNetns, type NetnsRef } from "../collectors/netns.js";
import type { NetnsDevices } from "../collectors/host-sample.js";
import { componentLogger } from "../util/log.js";
import type { ResolvedTarget } from "./target.js";

const log = componentLogger("session-environment");

/**
 * Up to this many namespaces, a session reads them all at its start: a few hundred ms of CPU at
 * most, and every qdisc's counters have their baseline at the window's start. Past it (a node
 * with hundreds of pods), reading each namespace forks its tools (ip, ethtool per device, tc, nft:
 * ~13 ms of CPU each, bench/scale.ts), so only the session's own and its target's namespaces are
 * read at the start, and the others once a packet moves on one of their devices: the path of any
 * benchmark, and nothing else (busyNamespaces). Their qdisc counters then count from that reading.
 */
export const EAGER_NAMESPACES = 16;

/**
 * A namespace carries part of a flow when its devices moved at least this share of the packets the
 * busiest namespace moved in the same interval. A benchmark's path carries its packets once per
 * namespace it crosses, so every namespace on it passes; a pod that answered a health check or
 * sent a neighbour solicitation beside a flow of thousands of packets a second does not.
 */
const PATH_SHARE = 0.01;

/** The namespaces of one interval that carried part of its traffic (see PATH_SHARE). */
export function busyNamespaces(netns: readonly NetnsDevices[]): number[] {
  const packets = netns.map((n) => ({
    inode: n.inode,
    packets: n.devices.reduce((a, d) => a + d.rxPackets + d.txPackets + d.rxDropped + d.txDropped, 0),
  }));
  const most = Math.max(0, ...packets.map((p) => p.packets));
  return packets.filter((p) => p.packets > 0 && p.packets >= most * PATH_SHARE).map((p) => p.inode);
}

/** The namespaces the session's target names (netns, a scoped daemon's set, a pid's). */
async function targetInodes(t: ResolvedTarget): Promise<Set<number>> {
  const out = new Set<number>();
  const target = t.target;
  if (target.kind === "netns") out.add(target.inode);
  if (target.kind === "netnsSet") for (const n of target.namespaces) out.add(n.inode);
  if (target.kind === "pid") {
    const link = await readlink(`/proc/${target.pid}/ns/net`).catch(() => "");
    const m = /net:\[(\d+)\]/.exec(link);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

/**
 * A session's environment: the start snapshot (its own and its target's namespaces at once, every
 * other namespace once it carries traffic, with that time as its `takenAt`), and the stop
 * snapshot (the namespaces that carried traffic during the window, and its own).
 */
export class SessionEnvironment {
  private start?: EnvSnapshot;
  /** Namespaces read or being read for the start snapshot. */
  private readonly asked = new Set<number>();
  /** Lazy reads run one at a time, in the order their namespaces first moved a packet. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: ResolvedTarget,
    /** Called with each namespace read after the start (its qdiscs may need watching). */
    private readonly onLateRead: (env: NetnsEnv, ns: NetnsRef) => void = () => undefined,
  ) {}

  /** The namespaces a scoped daemon stands for; every namespace otherwise. */
  private async namespaces(): Promise<NetnsRef[]> {
    const t = this.target.target;
    const all = await discoverNetns();
    if (t.kind !== "netnsSet") return all;
    const only = new Set(t.namespaces.map((n) => n.inode));
    return all.filter((n) => only.has(n.inode));
  }

  /** The start snapshot; its entries for namespaces read later are added to the same object. */
  async readStart(): Promise<{ snapshot: EnvSnapshot; namespaces: NetnsRef[] } | undefined> {
    try {
      const now = await this.namespaces();
      const wanted = await targetInodes(this.target);
      const cmdNs = this.target.command?.netns;
      const first = (n: NetnsRef): boolean =>
        now.length <= EAGER_NAMESPACES ||
        n.self ||
        wanted.has(n.inode) ||
        (cmdNs !== undefined && n.names.includes(cmdNs));
      for (const n of now) if (first(n)) this.asked.add(n.inode);
      this.start = await takeEnvSnapshot(now, (n) => !first(n));
      return { snapshot: this.start, namespaces: now };
    } catch (e) {
      log.warn({ err: (e as Error).message }, "environment snapshot failed");
      return undefined;
    }
  }

  /** Namespaces that carried traffic (busyNamespaces): those not read yet are read, one at a time. */
  noteBusy(inodes: Iterable<number>): void {
    const fresh = [...inodes].filter((i) => !this.asked.has(i));
    if (!this.start || fresh.length === 0) return;
    for (const i of fresh) this.asked.add(i);
    this.pending = this.pending.then(() => this.readLate(new Set(fresh)));
  }

  private async readLate(inodes: ReadonlySet<number>): Promise<void> {
    const start = this.start!;
    const refs = (await this.namespaces().catch(() => [] as NetnsRef[])).filter((n) => inodes.has(n.inode));
    for (const ns of refs) {
      const env = await readNamespaceEnv(ns, start.problems);
      if (!env) continue;
      start.netns.push({ ...env, takenAt: Date.now() });
      start.notReread = (start.notReread ?? []).filter((n) => n.inode !== ns.inode);
      if (start.notReread.length === 0) delete start.notReread;
      this.onLateRead(env, ns);
    }
  }

  /**
   * The stop snapshot: the namespaces that carried traffic during the window (and our own) read
   * again. One that first did in the last interval was never read for the start (on a node past
   * EAGER_NAMESPACES): its stop reading stands for both, so no change is reported for it.
   */
  async readStop(busy: ReadonlySet<number>): Promise<EnvSnapshot | undefined> {
    if (!this.start) return undefined;
    await this.pending;
    try {
      const stop = await takeEnvSnapshot(await this.namespaces(), (n) => !n.self && !busy.has(n.inode));
      for (const env of stop.netns)
        if (!this.asked.has(env.inode)) {
          this.asked.add(env.inode);
          this.start.netns.push({ ...env, takenAt: stop.takenAt });
          this.start.notReread = this.start.notReread?.filter((n) => n.inode !== env.inode);
        }
      if (this.start.notReread?.length === 0) delete this.start.notReread;
      return stop;
    } catch (e) {
      log.warn({ err: (e as Error).message }, "environment snapshot failed");
      return undefined;
    }
  }
}
