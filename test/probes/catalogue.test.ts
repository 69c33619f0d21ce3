import assert from "node:assert/strict";
import { test } from "node:test";
import type { KernelCapabilities } from "../../src/probes/capabilities.js";
import { loadCatalogue } from "../../src/probes/manifest.js";
import { chooseVariant } from "../../src/probes/select.js";

const REQUIRED = ["hardirq", "softirq", "udp_sendmsg", "vxlan", "netdev", "stacks"];

function caps(over: Partial<KernelCapabilities>): KernelCapabilities {
  return {
    bpftrace: { major: 0, minor: 17, patch: 0, text: "0.17.0" },
    tracefs: undefined,
    btf: true,
    kprobe: { ok: true, reason: "" },
    kfunc: { ok: false, reason: "EPERM" },
    profile: { ok: true, reason: "" },
    symbols: new Set(["udp_sendmsg", "vxlan_xmit", "vxlan_xmit_one", "vxlan_rcv", "gro_cells_receive"]),
    ...over,
  };
}

test("the catalogue has every probe the issue asks for, each with a program per variant", async () => {
  const cat = await loadCatalogue();
  for (const name of REQUIRED) {
    const e = cat.get(name);
    assert.ok(e, `missing probe ${name}`);
    for (const v of e.manifest.variants)
      assert.ok(
        (e.sources.get(v.name) ?? "").includes("overlayscope:tick"),
        `${name}/${v.name} prints ticks`,
      );
    assert.ok(e.manifest.outputs.length > 0);
  }
});

test("per-packet probes are opt-in; the default set is sampled or per-interrupt", async () => {
  const cat = await loadCatalogue();
  for (const { manifest } of cat.values()) {
    if (manifest.costClass === "per-packet") assert.equal(manifest.default, false, manifest.name);
  }
});

test("kprobe variants are preferred when kprobes attach and their symbols exist", async () => {
  const cat = await loadCatalogue();
  const tracefsless = caps({});
  const choice = chooseVariant(cat.get("vxlan")!.manifest, tracefsless);
  assert.equal(choice.variant?.name, "kprobe");
  assert.match(choice.reason, /preferred/);
});

test("without kprobes the tracepoint fallback is chosen and the reason names what failed", async () => {
  const cat = await loadCatalogue();
  const c = caps({
    kprobe: { ok: false, reason: "Error attaching probe: 'kprobe:vfs_read'" },
    tracefs: "/sys/kernel/tracing",
  });
  // tracepoint existence is checked on the real tracefs; here we only check the kprobe reason.
  const choice = chooseVariant(cat.get("udp_sendmsg")!.manifest, c);
  assert.equal(choice.rejected[0]?.variant, "kprobe");
  assert.match(choice.rejected[0]?.reason ?? "", /kprobes do not attach: Error attaching probe/);
});

test("a module that is not loaded rules out the kprobe variant by symbol", async () => {
  const cat = await loadCatalogue();
  const choice = chooseVariant(cat.get("vxlan")!.manifest, caps({ symbols: new Set(["udp_sendmsg"]) }));
  assert.match(choice.rejected[0]?.reason ?? "", /vxlan_xmit not in \/proc\/kallsyms/);
});
