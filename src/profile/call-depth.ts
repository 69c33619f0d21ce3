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
 * Call depth below an entry point, from sampled stacks (innermost frame first): the number of
 * frames deeper than the outermost entry frame. The outermost is taken because an overlay enters
 * the receive path again after decapsulation, and the whole depth is what it costs. A sample
 * taken deeper in the path shows more frames; the distribution over samples shows how deep the
 * path goes, at no cost beyond the stacks the session takes anyway.
 */
export function depthBelow(stacks: Iterable<WeightedStack>, entries: ReadonlySet<string>): DepthBucket[] {
  const hist = new Map<number, number>();
  for (const s of stacks) {
    let outer = -1;
    s.frames.forEach((f, i) => {
      if (entries.has(f)) outer = i;
    });
    if (outer >= 0) hist.set(outer, (hist.get(outer) ?? 0) + s.samples);
  }
  return [...hist].sort((a, b) => a[0] - b[0]).map(([depth, samples]) => ({ depth, samples }));
}
