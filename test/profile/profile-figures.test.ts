import assert from "node:assert/strict";
import { test } from "node:test";
import { depthBelow, RECEIVE_ENTRIES, SEND_ENTRIES } from "../../src/profile/call-depth.js";
import { classifyFrame, frameClassShares } from "../../src/profile/frame-classes.js";
import { samplesPerClassSet } from "../../src/profile/interval-stack-figures.js";
import { processShares } from "../../src/profile/process-shares.js";
import type { ProfileStack } from "../../src/profile/stack-profile.js";

const stack = (
  frames: string[],
  samples: number,
  comm = "iperf3",
  context: ProfileStack["context"] = "task",
): ProfileStack => ({
  frames,
  userFrames: [],
  pid: comm === "swapper/0" ? 0 : 42,
  comm,
  cpu: 0,
  context,
  samples,
});

test("frames are classed by what they do: conntrack before netfilter, encapsulation, bridge, qdisc", () => {
  assert.equal(classifyFrame("vxlan_xmit_one"), "encapsulation");
  assert.equal(classifyFrame("br_handle_frame"), "bridge");
  assert.equal(classifyFrame("nf_conntrack_in"), "conntrack");
  assert.equal(classifyFrame("nft_do_chain"), "netfilter");
  assert.equal(classifyFrame("sch_direct_xmit"), "qdisc");
  assert.equal(classifyFrame("udp_sendmsg"), "socket");
  assert.equal(classifyFrame("veth_xmit"), "driver");
  assert.equal(classifyFrame("memcpy"), undefined);
});

test("class shares count a busy sample once per class, idle samples not at all", () => {
  const shares = frameClassShares([
    stack(["nft_do_chain", "nf_hook_slow", "ip_output"], 3),
    stack(["vxlan_xmit", "dev_hard_start_xmit"], 1),
    stack(["default_idle"], 10, "swapper/0", "idle"),
  ]);
  const by = new Map(shares.map((s) => [s.class, s.share]));
  assert.equal(by.get("netfilter"), 0.75);
  assert.equal(by.get("encapsulation"), 0.25);
});

// Measured (2026-12-07): 2 × 2000 nftables rules on the receiving host's forward hook, walked by
// br_netfilter for each bridged frame, inside the bridge's frames.
test("a sample inside a netfilter hook is the hook's work, not its callers' (bridge, tunnel)", () => {
  const bridged = stack(
    ["nft_do_chain", "nf_hook_slow", "br_nf_forward_ip", "__br_forward", "br_handle_frame", "vxlan_rcv"],
    4,
  );
  // The bridge forwarding a frame br_netfilter stole, from inside the bridge's FORWARD hook.
  const forwarded = stack(
    [
      "vxlan_xmit",
      "br_forward_finish",
      "br_nf_forward_finish",
      "br_nf_forward_ip",
      "nf_hook_slow",
      "__br_forward",
    ],
    1,
  );
  const counts = samplesPerClassSet([bridged, forwarded], [["encapsulation", "bridge"], ["netfilter"]]);
  assert.deepEqual(
    [...counts],
    [
      ["encapsulation+bridge", 1],
      ["netfilter", 4],
    ],
  );
  // A shaper dropping a flood inside the tunnel's transmit, itself inside br_netfilter's hook.
  const queued = stack(
    [
      "_raw_spin_lock",
      "tbf_enqueue",
      "__dev_xmit_skb",
      "ip_finish_output2",
      "vxlan_xmit",
      "br_forward_finish",
      "nf_hook_slow",
    ],
    2,
  );
  const shares = new Map(frameClassShares([queued]).map((s) => [s.class, s.samples]));
  assert.deepEqual([shares.get("qdisc"), shares.get("netfilter"), shares.get("encapsulation")], [2, 0, 0]);
  const by = new Map(frameClassShares([bridged]).map((s) => [s.class, s.samples]));
  assert.equal(by.get("bridge"), 0);
  assert.equal(by.get("encapsulation"), 0);
  assert.equal(by.get("netfilter"), 4);
});

test("class sets count a busy sample once when it holds a frame of any class of the set", () => {
  const counts = samplesPerClassSet(
    [
      // Below a hook, not in it (br_netfilter forwards a stolen frame from inside its hook): the path's.
      stack(["br_handle_frame", "vxlan_rcv", "nf_conntrack_in", "nft_do_chain"], 2),
      stack(["nft_do_chain", "nf_hook_slow", "nf_conntrack_in", "br_handle_frame"], 1),
      stack(["br_forward", "memcpy"], 3),
      stack(["memcpy"], 5),
      stack(["vxlan_xmit"], 7, "swapper/0", "idle"),
    ],
    [["encapsulation", "bridge"], ["netfilter", "conntrack"], ["qdisc"]],
  );
  assert.deepEqual(
    [...counts],
    [
      ["encapsulation+bridge", 5],
      ["netfilter+conntrack", 1],
      ["qdisc", 0],
    ],
  );
  // Remembered classes answer as the patterns do, the second time too.
  assert.equal(classifyFrame("vxlan_xmit_one"), "encapsulation");
  assert.equal(classifyFrame("memcpy"), undefined);
});

test("call depth counts frames below the outermost entry (an overlay re-enters receive after decap)", () => {
  const d = depthBelow(
    [
      stack(["a", "b", "udp_sendmsg", "sock_sendmsg"], 2),
      stack(["x", "__netif_receive_skb", "y", "z", "__netif_receive_skb", "net_rx_action"], 1),
      stack(["memcpy"], 5),
    ],
    SEND_ENTRIES,
  );
  assert.deepEqual(d, [{ depth: 2, samples: 2 }]);
  const r = depthBelow(
    [stack(["x", "__netif_receive_skb", "y", "z", "__netif_receive_skb", "net_rx_action"], 1)],
    RECEIVE_ENTRIES,
  );
  assert.deepEqual(r, [{ depth: 5, samples: 1 }]);
});

// Measured (scenario suite, 2026-12-03): beside a CPU hog the frames below udp_sendmsg went from
// 15.6 to 21.3 on the same path: the sender ran the receive path nested in its send call (bottom
// halves re-enabled in the veth transmit) more often.
test("call depth stops where a softirq or an interrupt nests on top of the path", () => {
  const nested = stack(
    [
      "memcpy",
      "__netif_receive_skb",
      "net_rx_action",
      "handle_softirqs",
      "do_softirq",
      "__local_bh_enable_ip",
      "veth_xmit",
      "dev_hard_start_xmit",
      "udp_sendmsg",
    ],
    3,
  );
  assert.deepEqual(depthBelow([nested], SEND_ENTRIES), [{ depth: 3, samples: 3 }]);
  // The nested receive path is the receive figure's: counted from its own entry.
  assert.deepEqual(depthBelow([nested], RECEIVE_ENTRIES), [{ depth: 2, samples: 3 }]);
  // A receive path an interrupt landed in counts up to the interrupt.
  const interrupted = stack(
    [
      "apic_timer_interrupt",
      "sysvec_apic_timer_interrupt",
      "asm_sysvec_apic_timer_interrupt",
      "br_handle_frame",
      "__netif_receive_skb",
    ],
    1,
  );
  assert.deepEqual(depthBelow([interrupted], RECEIVE_ENTRIES), [{ depth: 1, samples: 1 }]);
});

test("busy-sample shares per process, idle excluded", () => {
  const s = processShares([
    stack(["f"], 3, "iperf3"),
    stack(["g"], 1, "ovsbusy"),
    stack(["default_idle"], 6, "swapper/0", "idle"),
  ]);
  assert.deepEqual(
    s.map((x) => [x.comm, x.share]),
    [
      ["iperf3", 0.75],
      ["ovsbusy", 0.25],
    ],
  );
});
