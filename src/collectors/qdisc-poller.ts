import type { EnvSnapshot, NetnsEnv } from "./env-snapshot.js";
import type { NetnsRef } from "./netns.js";
import { inNs } from "./ns-exec.js";
import { DEFAULT_QDISCS, parseTcQdiscJson, qdiscDelta, type Qdisc } from "./qdisc.js";

/**
 * Per-interval qdisc counters, only in namespaces where someone added a qdisc (a shaper, netem, a
 * classful tree; found in the environment snapshot): one `tc` per such namespace per interval,
 * none on a host with its defaults (every real NIC has one: polling it would fork `tc` every second
 * on every host; the default session's own CPU was measured at 6.2% of a core while it did).
 */
export class QdiscPoller {
  private readonly last = new Map<number, Qdisc[]>();
  private readonly targets: NetnsRef[] = [];

  /** The namespaces of a snapshot that have a qdisc worth watching; their counters are the baseline. */
  watchAll(env: EnvSnapshot, namespaces: readonly NetnsRef[]): void {
    const refs = new Map(namespaces.map((n) => [n.inode, n]));
    for (const n of env.netns) {
      const ref = refs.get(n.inode);
      if (ref) this.watch(n, ref);
    }
  }

  /** One namespace, read now (at start, or when it first moved a packet). */
  watch(env: NetnsEnv, ns: NetnsRef): void {
    if (this.last.has(ns.inode) || !(env.qdiscs ?? []).some((q) => !DEFAULT_QDISCS.has(q.kind))) return;
    this.targets.push(ns);
    this.last.set(ns.inode, env.qdiscs);
  }

  get active(): boolean {
    return this.targets.length > 0;
  }

  /** Counter deltas since the last poll, per namespace inode; a namespace that fails is skipped. */
  async poll(): Promise<Map<number, Qdisc[]>> {
    const out = new Map<number, Qdisc[]>();
    await Promise.all(
      this.targets.map(async (ns) => {
        const now = await inNs(ns, ["tc", "-s", "-j", "qdisc", "show"]).then(
          parseTcQdiscJson,
          () => undefined,
        );
        if (!now) return;
        out.set(ns.inode, qdiscDelta(this.last.get(ns.inode) ?? now, now));
        this.last.set(ns.inode, now);
      }),
    );
    return out;
  }
}
