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
 * br_netfilter, as Docker loads it) call. A sample inside such a hook is the hook's work, not the
 * work of the frames that called it: 2 × 2000 nftables rules walked for bridged frames put 19 of a
 * TCP run's 132 busy samples under br_nf_forward_ip, and the bridge's share "grew" with the rules.
 */
const HOOK_CLASSES: ReadonlySet<FrameClass> = new Set(["netfilter", "conntrack"]);

/**
 * The classes of the frames in one stack (innermost frame first), except the callers of a hook:
 * frames outside the innermost netfilter or conntrack frame count for their class only when the
 * sample was not inside that hook.
 */
export function stackClasses(frames: readonly string[]): Set<FrameClass> {
  const seen = new Set<FrameClass>();
  let inHook = false;
  for (const f of frames) {
    const c = classifyFrame(f);
    if (!c) continue;
    if (HOOK_CLASSES.has(c)) inHook = true;
    else if (inHook) continue;
    seen.add(c);
  }
  return seen;
}

/**
 * Share of busy (non-idle) samples whose kernel stack holds at least one frame of each class:
 * "netfilter 42%" means 42% of the busy samples were somewhere inside netfilter work (and a sample
 * inside a netfilter or conntrack hook does not count for the classes that called the hook).
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
