import assert from "node:assert/strict";
import { cpus } from "node:os";
import { after, before, test } from "node:test";
import { measure, type Measurement } from "../../src/lab/measure.js";
import { labDown, labUp, type Lab } from "../../src/lab/topology.js";
import { ProbeEngine } from "../../src/probes/engine.js";
import type { StacksSnapshot } from "../../src/probes/parsers/stacks.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";

// Stacks taken on the scheduler tick (the default sampler where the kernel offers it) against a
// saturating UDP flood through the overlay lab, and the timer sampler on request.
let lab: Lab | undefined;
let engine: ProbeEngine;
let tick: Measurement;
let timer: Measurement;
const HZ = 97;

before(async () => {
  if (kernelSkipReason()) return;
  engine = await ProbeEngine.create();
  lab = await labUp("overlay");
  const bench = { protocol: "udp" as const, length: 64, seconds: 3 };
  tick = await measure(engine, lab, [{ name: "stacks", params: { hz: HZ, user_stacks: false } }], bench);
  timer = await measure(
    engine,
    lab,
    [{ name: "stacks", params: { hz: HZ, user_stacks: false, sampler: "timer" } }],
    bench,
  );
});

after(async () => {
  if (lab) await labDown(lab);
});

const samplesOf = (m: Measurement) => m.readings.flatMap((r) => (r.data.data as StacksSnapshot).samples);

test("the tick sampler is chosen here, keeps to its rate and sees VXLAN work without the tick's own frames", (t) => {
  if (!requireKernel(t)) return;
  assert.equal(engine.choices.get("stacks")?.variant?.name, "tick", engine.choices.get("stacks")?.reason);
  assert.ok(tick.readings.length >= 2 && tick.readings.every((r) => r.variant === "tick"));
  const samples = samplesOf(tick);
  const total = samples.reduce((a, s) => a + s.count, 0);
  // The per-CPU deadline caps the rate at hz; saturated CPUs keep their tick, so most are sampled.
  const ceiling = HZ * tick.windowSeconds * cpus().length;
  assert.ok(total <= ceiling * 1.05 + 10, `${total} samples exceed ${HZ} Hz x ${cpus().length} CPUs`);
  assert.ok(
    total >= ceiling * 0.3,
    `${total} samples of at most ${ceiling.toFixed(0)}: the tick was not sampled`,
  );
  // What the CPU was running starts each stack; a timer interrupt further down is one the tick
  // nested in (rare, and kept on purpose: it is the sample's context), not the tick's own frames.
  const TICK_OWN = new Set([
    "tick_nohz_handler",
    "__hrtimer_run_queues",
    "hrtimer_interrupt",
    "__sysvec_apic_timer_interrupt",
  ]);
  const left = samples.filter((s) => TICK_OWN.has(s.frames[0] ?? ""));
  assert.equal(
    left.length,
    0,
    `tick handler frames left at the top of ${left.length} samples: ${left[0]?.frames.slice(0, 6).join(" < ")}`,
  );
  const vxlan = samples.filter((s) => s.frames.some((f) => f.startsWith("vxlan_")));
  assert.ok(vxlan.length > 0, "no VXLAN frames sampled");
  assert.ok(
    samples.some((s) => s.context === "softirq" && s.count > 0),
    "no softirq samples",
  );
  assert.ok(
    samples.some((s) => s.comm === "iperf3" && s.context === "task"),
    "no iperf3 task samples",
  );
});

test("sampler=timer takes the perf_event variant at the same rate, and sees the same VXLAN path", (t) => {
  if (!requireKernel(t)) return;
  assert.ok(timer.readings.length >= 2 && timer.readings.every((r) => r.variant === "perf_event"));
  const samples = samplesOf(timer);
  const total = samples.reduce((a, s) => a + s.count, 0);
  const ceiling = HZ * timer.windowSeconds * cpus().length;
  // Idle CPUs are sampled rarely by either sampler here, so only the ceiling is exact.
  assert.ok(
    total <= ceiling * 1.05 + 10 && total >= ceiling * 0.3,
    `${total} timer samples, ceiling ${ceiling.toFixed(0)}`,
  );
  const fns = (m: Measurement) =>
    new Set(samplesOf(m).flatMap((s) => s.frames.filter((f) => f.startsWith("vxlan_"))));
  const both = [...fns(tick)].filter((f) => fns(timer).has(f));
  assert.ok(
    both.length > 0,
    `VXLAN functions seen by both samplers: tick ${[...fns(tick)].join(",")}, timer ${[...fns(timer)].join(",")}`,
  );
});
