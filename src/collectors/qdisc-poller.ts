import type { EnvSnapshot } from "./env-snapshot.js";
import type { NetnsRef } from "./netns.js";
import { inNs } from "./ns-exec.js";
import { PASS_THROUGH_QDISCS, parseTcQdiscJson, qdiscDelta, type Qdisc } from "./qdisc.js";

/**
 * Per-interval qdisc counters, only in namespaces that have a qdisc that can hold or drop packets
 * (found in the environment snapshot): one `tc` per such namespace per interval, none in a lab of
 * veths and bridges, which all default to noqueue.
 */
export class QdiscPoller {
  private readonly last = new Map<number, Qdisc[]>();
  private readonly targets: NetnsRef[];

  constructor(env: EnvSnapshot, namespaces: readonly NetnsRef[]) {
    const watched = new Set(
      env.netns
        .filter((n) => (n.qdiscs ?? []).some((q) => !PASS_THROUGH_QDISCS.has(q.kind)))
        .map((n) => n.inode),
    );
    this.targets = namespaces.filter((n) => watched.has(n.inode));
    for (const n of env.netns) if (watched.has(n.inode)) this.last.set(n.inode, n.qdiscs);
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
