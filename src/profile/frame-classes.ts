import type { WeightedStack } from "./function-shares.js";

/**
 * What a kernel function does on the network path, by its name: the one classifier the report and
 * the diagnosis use. Order matters: the first class whose pattern matches wins (conntrack before
 * netfilter, encapsulation before socket).
 */
export const FRAME_CLASSES = [
  [
    "encapsulation",
    /^(vxlan_|__vxlan_|udp_tunnel|iptunnel_|ip_tunnel|__iptunnel|gro_cells|geneve_|gre_|ipip_)/,
  ],
  [
    // IPsec (xfrm, ESP) and WireGuard, and the ciphers and hashes they call: generic C code where
    // the CPU has no AES instructions (aes_encrypt, crypto_gcm_*), else the accelerated routines
    // (aesni_*, clmul_ghash_*, _sha256_update, __chacha20poly1305_encrypt: names from Debian
    // 6.12's modules).
    "encryption",
    /^_*(xfrm|esp_|esp4_|esp6_|crypto_|authenc|aead_|skcipher_|aes|cbc_|ctr_|gcm|ghash|gf128mul|clmul|chacha|poly1305|wg_|sha1_|sha256|sha512|hmac_)/,
  ],
  ["bridge", /^(br_|__br_|nbp_)/],
  ["conntrack", /^(nf_conntrack|__nf_conntrack|nf_ct_|__nf_ct_|nf_nat|__nf_nat|nf_confirm)/],
  ["netfilter", /^(nf_hook|nf_hook_slow|nft_|__nft_|nf_tables|ipt_|ip6t_|ebt_|xt_|nf_)/],
  [
    "qdisc",
    /^(__qdisc_run|qdisc_|sch_direct_xmit|__dev_xmit_skb|pfifo_|tbf_|htb_|fq_codel_|fq_|netem_|dequeue_skb)/,
  ],
  [
    "socket",
    /^(udp_sendmsg|udpv6_sendmsg|tcp_sendmsg|tcp_recvmsg|udp_recvmsg|udpv6_recvmsg|__udp_enqueue|udp_queue_rcv|sock_|__sock_|skb_copy_datagram|inet_sendmsg|inet_recvmsg|__sys_sendto|__sys_recvfrom)/,
  ],
  ["driver", /^(veth_|virtnet_|virtqueue_|e1000|ixgbe_|i40e_|ice_|mlx5|bnxt_|macvlan_|ipvlan_|tun_)/],
] as const satisfies ReadonlyArray<readonly [string, RegExp]>;

export type FrameClass = (typeof FRAME_CLASSES)[number][0];

// Each interval classifies every frame of every sampled stack, and the same few hundred kernel
// functions recur: remembered, a frame costs one map lookup instead of up to seven regular
// expressions (the classifier was the daemon's largest single CPU item under a UDP flood).
// Bounded by the kernel's function names (kallsyms), so it cannot grow without limit.
const classOf = new Map<string, FrameClass | null>();
const MAX_REMEMBERED = 200_000;

export function classifyFrame(fn: string): FrameClass | undefined {
  let c = classOf.get(fn);
  if (c === undefined) {
    c = FRAME_CLASSES.find(([, re]) => re.test(fn))?.[0] ?? null;
    if (classOf.size < MAX_REMEMBERED) classOf.set(fn, c);
  }
  return c ?? undefined;
}

/**
 * Classes whose work the others call into, its cost set by configuration rather than by the path:
 * netfilter's rules and conntrack run in hooks that IP, the tunnel's output and the bridge (with
 * br_netfilter, as Docker loads it) call, and a device's queueing discipline runs inside whatever
 * transmits to it (a tbf dropping a UDP flood on the underlay did so inside the tunnel's and the
 * bridge's transmit: their "cost per tunnel packet" went 655 → 2609 ns in CI, and
 * ENCAPSULATION_WORK was named beside QDISC_LIMIT). A sample is a hook's work when the CPU was in it —
 * its innermost classed frame is one — and then it is not the work of the frames that called the
 * hook: 2 × 2000 nftables rules walked for bridged frames put 19 of a TCP run's 132 busy samples
 * under br_nf_forward_ip, and the bridge's share "grew" with the rules. Otherwise it is not the
 * hook's, even below one: br_netfilter steals a bridged frame in the bridge's FORWARD hook and
 * forwards it from inside that hook (br_nf_forward_finish), so all the rest of its way — the next
 * device, the tunnel's transmit — ran under nf_hook_slow with no rule being evaluated.
 */
const HOOK_CLASSES: ReadonlySet<FrameClass> = new Set(["netfilter", "conntrack", "qdisc"]);

/**
 * The classes of one stack's frames (innermost frame first). When the innermost classed frame is a
 * hook's, those of the hook the CPU was in: the hook classes up to the first frame of another
 * class (a tbf inside a transmit under br_netfilter's hook is the qdisc's, not netfilter's too).
 * Otherwise the path's: every class but the hooks' (HOOK_CLASSES says why).
 */
export function stackClasses(frames: readonly string[]): Set<FrameClass> {
  const classes = frames.map(classifyFrame).filter((c): c is FrameClass => c !== undefined);
  if (classes.length === 0 || !HOOK_CLASSES.has(classes[0]!))
    return new Set(classes.filter((c) => !HOOK_CLASSES.has(c)));
  const end = classes.findIndex((c) => !HOOK_CLASSES.has(c));
  return new Set(end < 0 ? classes : classes.slice(0, end));
}

/**
 * Share of busy (non-idle) samples whose kernel stack holds at least one frame of each class:
 * "netfilter 42%" means 42% of the busy samples were in netfilter work (a sample is a hook's —
 * netfilter, conntrack, qdisc — or the path's: stackClasses).
 */
export function frameClassShares(
  stacks: Iterable<WeightedStack>,
): Array<{ class: FrameClass; share: number; samples: number }> {
  const counts = new Map<FrameClass, number>();
  let busy = 0;
  for (const s of stacks) {
    if (s.context === "idle") continue;
    busy += s.samples;
    for (const c of stackClasses(s.frames)) counts.set(c, (counts.get(c) ?? 0) + s.samples);
  }
  return FRAME_CLASSES.map(([c]) => ({
    class: c,
    samples: counts.get(c) ?? 0,
    share: busy ? (counts.get(c) ?? 0) / busy : 0,
  }));
}
