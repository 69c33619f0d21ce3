import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalogue } from "../../src/probes/manifest.js";
import { parseBatch } from "../../src/probes/parsers/index.js";
import type { SoftirqSnapshot } from "../../src/probes/parsers/softirq.js";
import type { StacksSnapshot } from "../../src/probes/parsers/stacks.js";
import type { UdpSendSnapshot } from "../../src/probes/parsers/udp-sendmsg.js";
import type { VxlanSnapshot } from "../../src/probes/parsers/vxlan.js";
import type { NetdevSnapshot } from "../../src/probes/parsers/netdev.js";
import type { HardirqSnapshot } from "../../src/probes/parsers/hardirq.js";
import { batchesFromFixture } from "../helpers/fixtures.js";

// Recorded on bpftrace 0.17.0 (Debian 12) and 0.23.2 (Debian 13) by test/fixtures/record-bpftrace.mts
// (UDP 64 B through the overlay lab): the parsers must read both versions' output.
const catalogue = await loadCatalogue();

function all<T>(probe: string, file: string, params: Record<string, number> = {}, variant?: string): T[] {
  const cumulative = catalogue
    .get(probe)!
    .manifest.outputs.filter((o) => o.cumulative)
    .map((o) => o.map);
  const batches = batchesFromFixture(`bpftrace/${file}`, cumulative);
  assert.ok(batches.length >= 2, `${file}: expected interval batches, got ${batches.length}`);
  return batches.map((b) => parseBatch(probe, b, params, undefined, variant)!.data as T);
}

for (const ver of ["0.17.0", "0.23.2"]) {
  test(`bpftrace ${ver}: softirq fixture: NET_RX runs with time and histograms on some CPU`, () => {
    const snaps = all<SoftirqSnapshot>("softirq", `softirq-tracepoint-${ver}.ndjson`);
    const netrx = snaps.flatMap((s) => s.cells).filter((c) => c.vector === "NET_RX");
    const count = netrx.reduce((a, c) => a + c.count, 0);
    assert.ok(count > 1000, `NET_RX count ${count}`);
    assert.ok(
      netrx.filter((c) => c.count > 0).every((c) => c.timeNs > 0 && c.runtimeNs.some((b) => b.count > 0)),
    );
    assert.ok(
      netrx.some((c) => c.latencyNs.length > 0),
      "raise->entry latency recorded",
    );
  });

  for (const [variant, file, user] of [
    // perf_event was recorded on 0.17 only: 0.23 runs the tick variant on this kernel.
    ...(ver === "0.17.0"
      ? ([
          ["perf_event", `stacks-perf_event-${ver}.ndjson`, true],
          ["perf_event", `stacks-perf_event-kernel-${ver}.ndjson`, false],
        ] as const)
      : []),
    ["tick", `stacks-tick-${ver}.ndjson`, true],
    ["tick", `stacks-tick-kernel-${ver}.ndjson`, false],
  ] as const) {
    test(`bpftrace ${ver}: stacks fixture (${variant}, ${user ? "kernel+user" : "kernel only"}): pid, cpu, comm, VXLAN frames`, () => {
      const snaps = all<StacksSnapshot>("stacks", file, {}, variant);
      const samples = snaps.flatMap((s) => s.samples);
      // The tick's own handler frames are gone: what is left is what the CPU was running.
      assert.ok(
        samples.every(
          (s) => !s.frames.some((f) => f === "hrtimer_interrupt" || f.startsWith("asm_sysvec_apic")),
        ),
        "no tick handler frames",
      );
      assert.ok(samples.some((s) => s.context === "task") && samples.some((s) => s.context === "idle"));
      assert.equal(
        snaps.reduce((a, s) => a + s.malformed, 0),
        0,
      );
      assert.ok(samples.some((s) => s.comm === "iperf3"));
      assert.ok(
        samples.some((s) => s.frames.some((f) => f.startsWith("vxlan_"))),
        "vxlan frames sampled",
      );
      assert.ok(samples.some((s) => s.context === "softirq"));
      const iperfUser = samples.filter((s) => s.comm === "iperf3").flatMap((s) => s.userFrames);
      if (user) {
        // 0.17: raw addresses (BPFTRACE_NO_USER_SYMBOLS), resolved by the daemon while the process
        // lives; 0.23 resolves some itself whatever that variable says.
        assert.ok(iperfUser.length > 0, "iperf3 user frames");
        if (ver === "0.17.0")
          assert.ok(
            iperfUser.every((f) => /^0x[0-9a-f]+$/.test(f)),
            iperfUser.join(","),
          );
        assert.ok(
          samples.some((s) => s.pid === 0 && s.userFrames.length === 0),
          "idle has no user stack",
        );
      } else assert.equal(iperfUser.length, 0);
    });
  }

  test(`bpftrace ${ver}: udp_sendmsg fixture: per-process latency and a call depth below udp_sendmsg`, () => {
    const snaps = all<UdpSendSnapshot>("udp_sendmsg", `udp_sendmsg-tracepoint-${ver}.ndjson`);
    const iperf = snaps.flatMap((s) => s.processes).filter((p) => p.comm === "iperf3");
    assert.ok(iperf.reduce((a, p) => a + p.calls, 0) > 1000);
    const depths = snaps.flatMap((s) => s.depth);
    assert.ok(depths.length > 0);
    assert.ok(depths.every((d) => d.depth > 0 && d.depth < 128));
    const fns = new Set(snaps.flatMap((s) => s.pathFunctions.map((f) => f.fn)));
    assert.ok(
      fns.has("vxlan_xmit") || fns.has("vxlan_xmit_one"),
      `path functions: ${[...fns].slice(0, 10).join(",")}`,
    );
  });

  test(`bpftrace ${ver}: vxlan fixture: transmit calls with time per call, receive calls`, () => {
    const fns = all<VxlanSnapshot>("vxlan", `vxlan-tracepoint-${ver}.ndjson`).flatMap((s) => s.functions);
    const xmit = fns.filter((f) => f.fn === "vxlan_xmit" && f.calls > 0);
    assert.ok(xmit.length > 0);
    assert.ok(xmit.every((f) => f.nsPerCall > 50 && f.nsPerCall < 1e6));
    assert.ok(fns.some((f) => f.fn === "vxlan_rcv" && f.calls > 0));
  });

  test(`bpftrace ${ver}: netdev fixture: per-namespace devices and scaling by sample_every`, () => {
    const one = all<NetdevSnapshot>("netdev", `netdev-tracepoint-${ver}.ndjson`, { sample_every: 1 });
    const four = all<NetdevSnapshot>("netdev", `netdev-tracepoint-${ver}.ndjson`, { sample_every: 4 });
    const d1 = one.flatMap((s) => s.devices).filter((d) => d.netns > 0);
    assert.ok(new Set(d1.map((d) => d.netns)).size >= 3, "several namespaces");
    const tx1 = d1.reduce((a, d) => a + d.txPackets, 0);
    const tx4 = four.flatMap((s) => s.devices).reduce((a, d) => a + d.txPackets, 0);
    assert.equal(tx4, tx1 * 4);
  });

  test(`bpftrace ${ver}: hardirq fixture parses (veth traffic raises few hard IRQs)`, () => {
    const snaps = all<HardirqSnapshot>("hardirq", `hardirq-tracepoint-${ver}.ndjson`);
    for (const c of snaps.flatMap((s) => s.cells)) assert.ok(c.count >= 0 && (c.count === 0 || c.timeNs > 0));
  });

  test(`bpftrace ${ver}: cumulative maps are differenced: per-interval counts sum to the final cumulative value`, () => {
    const raw = batchesFromFixture(`bpftrace/vxlan-tracepoint-${ver}.ndjson`);
    const last = raw[raw.length - 1]!.maps.get("@calls");
    const finalCumulative = last?.type === "map" ? Number(last.entries?.get("1") ?? 0) : 0;
    const perInterval = all<VxlanSnapshot>("vxlan", `vxlan-tracepoint-${ver}.ndjson`)
      .flatMap((s) => s.functions)
      .filter((f) => f.fn === "vxlan_xmit");
    assert.ok(finalCumulative > 0);
    assert.equal(
      perInterval.reduce((a, f) => a + f.calls, 0),
      finalCumulative,
    );
  });
}
