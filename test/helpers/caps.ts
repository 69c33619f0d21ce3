import type { KernelCapabilities } from "../../src/probes/capabilities.js";

/** A kernel as unit tests describe it: bpftrace 0.17 with kprobes, BTF and the overlay symbols. */
export function testCaps(over: Partial<KernelCapabilities> = {}): KernelCapabilities {
  return {
    bpftrace: { major: 0, minor: 17, patch: 0, text: "0.17.0" },
    tracefs: undefined,
    btf: true,
    kprobe: { ok: true, reason: "" },
    kfunc: { ok: false, reason: "EPERM" },
    profile: { ok: true, reason: "" },
    symbols: new Set(["udp_sendmsg", "vxlan_xmit", "vxlan_xmit_one", "vxlan_rcv", "gro_cells_receive"]),
    nohzFull: "",
    ...over,
  };
}
