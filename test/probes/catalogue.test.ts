import assert from "node:assert/strict";
import { test } from "node:test";
import type { KernelCapabilities } from "../../src/probes/capabilities.js";
import { loadCatalogue } from "../../src/probes/manifest.js";
import { chooseVariant, variantForParams } from "../../src/probes/select.js";
import { resolveParams } from "../../src/probes/params.js";
import { ProbeRun } from "../../src/probes/probe-run.js";
import { classifyContext, dropTickFrames } from "../../src/bpftrace/kstack.js";
import { existsSync } from "node:fs";
import { testCaps } from "../helpers/caps.js";

const REQUIRED = ["hardirq", "softirq", "udp_sendmsg", "vxlan", "netdev", "stacks"];

const caps = testCaps;

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

// The stacks probe's two samplers: the scheduler tick where it can serve the request, else a timer.
const tickCaps = (over: Partial<KernelCapabilities> = {}): KernelCapabilities =>
  caps({ tracefs: "/sys/kernel/tracing", symbols: new Set(["tick_nohz_handler"]), ...over });
const stacksManifest = (await loadCatalogue()).get("stacks")!.manifest;
const stacksParams = (over: Record<string, string | number>) => resolveParams(stacksManifest, over);

test("stacks: the tick serves hz up to 99 and sampler auto/tick; a higher rate or sampler=timer takes perf_event", (t) => {
  const c = tickCaps();
  if (!existsSync("/sys/kernel/tracing/events/timer/hrtimer_expire_entry"))
    return t.skip("no tracefs timer events on this host to check the tick requirement against");
  const choice = chooseVariant(stacksManifest, c);
  assert.equal(choice.variant?.name, "tick");
  assert.deepEqual(
    choice.usable.map((v) => v.name),
    ["tick", "perf_event"],
  );
  assert.equal(variantForParams(choice, stacksParams({})).variant?.name, "tick");
  assert.equal(variantForParams(choice, stacksParams({ hz: 99, sampler: "tick" })).variant?.name, "tick");
  const fast = variantForParams(choice, stacksParams({ hz: 499 }));
  assert.equal(fast.variant?.name, "perf_event");
  assert.match(fast.reason, /tick takes hz up to 99, asked 499/);
  assert.equal(variantForParams(choice, stacksParams({ sampler: "timer" })).variant?.name, "perf_event");
  // Asking for the tick at a rate it cannot reach is an error, not a silent switch to the timer.
  const none = variantForParams(choice, stacksParams({ hz: 499, sampler: "tick" }));
  assert.equal(none.variant, undefined);
  assert.match(none.reason, /perf_event serves sampler auto\/timer, asked tick/);
});

test("stacks: CPUs in nohz_full mode or no known tick handler rule out the tick sampler, naming why", async (t) => {
  if (!existsSync("/sys/kernel/tracing/events/timer/hrtimer_expire_entry"))
    return t.skip("no tracefs timer events on this host to check the tick requirement against");
  const m = (await loadCatalogue()).get("stacks")!.manifest;
  const nohz = chooseVariant(m, tickCaps({ nohzFull: "1-3" }));
  assert.equal(nohz.variant?.name, "perf_event");
  assert.match(nohz.rejected[0]?.reason ?? "", /CPUs 1-3 run without a scheduler tick \(nohz_full\)/);
  const none = chooseVariant(m, tickCaps({ symbols: new Set(["udp_sendmsg"]) }));
  assert.equal(none.variant?.name, "perf_event");
  assert.match(
    none.rejected[0]?.reason ?? "",
    /tick_sched_timer or tick_nohz_handler not in \/proc\/kallsyms/,
  );
});

// Before 6.10 the tick's hrtimer runs tick_sched_timer, and tick_nohz_handler is the low-resolution
// handler that never fires as an hrtimer (the kernel matrix found Debian 6.1 sampling nothing).
test("stacks: the tick sampler matches the tick's hrtimer handler this kernel has", async (t) => {
  if (!existsSync("/sys/kernel/tracing/events/timer/hrtimer_expire_entry"))
    return t.skip("no tracefs timer events on this host to check the tick requirement against");
  const entry = (await loadCatalogue()).get("stacks")!;
  const m = entry.manifest;
  const script = (symbols: string[]): string => {
    const c = tickCaps({ symbols: new Set(symbols) });
    const choice = chooseVariant(m, c);
    assert.equal(choice.variant?.name, "tick");
    return new ProbeRun(entry, choice.variant, stacksParams({}), c).script;
  };
  assert.match(script(["tick_sched_timer", "tick_nohz_handler"]), /kaddr\("tick_sched_timer"\)/);
  assert.match(script(["tick_nohz_handler"]), /kaddr\("tick_nohz_handler"\)/);
});

test("tick samples lose the tick handler's frames but keep an interrupt the tick nested in", () => {
  const f = (names: string[]) => names.map((fn) => ({ fn, offset: 1 }));
  const userMode = f([
    "__hrtimer_run_queues",
    "hrtimer_interrupt",
    "__sysvec_apic_timer_interrupt",
    "sysvec_apic_timer_interrupt",
    "asm_sysvec_apic_timer_interrupt",
  ]);
  assert.deepEqual(dropTickFrames(userMode), []);
  const inSoftirq = f([
    ...userMode.map((x) => x.fn),
    "vxlan_xmit_one",
    "net_rx_action",
    "handle_softirqs",
    "irq_exit_rcu",
    "sysvec_call_function_single",
    "asm_sysvec_call_function_single",
    "iperf3_loop",
  ]);
  const kept = dropTickFrames(inSoftirq);
  assert.deepEqual(
    kept.map((x) => x.fn),
    inSoftirq.slice(5).map((x) => x.fn),
  );
  assert.equal(classifyContext(kept, 42), "softirq");
  // arm64 names the entry differently; without a known entry only the handler's own frames go.
  assert.deepEqual(
    dropTickFrames(f(["__hrtimer_run_queues", "hrtimer_interrupt", "el1h_64_irq", "do_sys_poll"])).map(
      (x) => x.fn,
    ),
    ["do_sys_poll"],
  );
  assert.deepEqual(
    dropTickFrames(f(["__hrtimer_run_queues", "hrtimer_interrupt", "arch_timer_handler_virt", "x"])).map(
      (x) => x.fn,
    ),
    ["arch_timer_handler_virt", "x"],
  );
});
