import type { WeightedStack } from "./function-shares.js";

/** Where the kernel's send and receive paths begin: depth is counted in frames below these. */
export const SEND_ENTRIES: ReadonlySet<string> = new Set([
  "udp_sendmsg",
  "udpv6_sendmsg",
  "tcp_sendmsg",
  "tcp_sendmsg_locked",
]);
export const RECEIVE_ENTRIES: ReadonlySet<string> = new Set(["__netif_receive_skb", "net_rx_action"]);

export interface DepthBucket {
  depth: number;
  samples: number;
}

/**
 * Frames where other work runs nested on top of a path: softirqs run when a sender re-enables
 * bottom halves or an interrupt exits, and interrupts themselves. What runs above them serves
 * another path (a veth sender often runs the whole receive path inside its send call, more or
 * less often as the CPUs are contended), so depth stops there.
 */
const NESTING =
  /^(do_softirq|__do_softirq|handle_softirqs|do_softirq_own_stack|__irq_exit_rcu|irq_exit_rcu|asm_sysvec_|sysvec_|asm_common_interrupt|common_interrupt)/;

/**
 * Call depth below an entry point, from sampled stacks (innermost frame first): the number of
 * frames deeper than the outermost entry frame, up to the first frame where other work nests
 * (NESTING). The outermost entry is taken because an overlay enters the receive path again after
 * decapsulation, and the whole depth is what it costs. A sample taken deeper in the path shows
 * more frames; the distribution over samples shows how deep the path goes, at no cost beyond the
 * stacks the session takes anyway.
 */
export function depthBelow(stacks: Iterable<WeightedStack>, entries: ReadonlySet<string>): DepthBucket[] {
  const hist = new Map<number, number>();
  for (const s of stacks) {
    let outer = -1;
    s.frames.forEach((f, i) => {
      if (entries.has(f)) outer = i;
    });
    if (outer < 0) continue;
    let depth = outer;
    for (let k = outer - 1; k >= 0; k--)
      if (NESTING.test(s.frames[k]!)) {
        depth = outer - k - 1;
        break;
      }
    hist.set(depth, (hist.get(depth) ?? 0) + s.samples);
  }
  return [...hist].sort((a, b) => a[0] - b[0]).map(([depth, samples]) => ({ depth, samples }));
}
