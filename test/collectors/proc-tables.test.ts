import assert from "node:assert/strict";
import { test } from "node:test";
import { counterDelta, parsePerCpuTable, tableDelta } from "../../src/collectors/per-cpu-table.js";
import { interruptsDelta, parseInterrupts } from "../../src/collectors/proc-interrupts.js";
import { fixtureText } from "../helpers/fixtures.js";

test("softirqs recorded here: ten vectors on two CPUs", () => {
  const t = parsePerCpuTable(fixtureText("proc/softirqs-2cpu.txt"));
  assert.deepEqual(t.cpus, [0, 1]);
  assert.deepEqual(
    t.rows.map((r) => r.key),
    ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"],
  );
  assert.ok((t.rows.find((r) => r.key === "TIMER")?.counts.get(0) ?? 0) > 0);
});

test("softirqs on 128 CPUs keep every column", () => {
  const t = parsePerCpuTable(fixtureText("proc/softirqs-128cpu.txt"));
  assert.equal(t.cpus.length, 128);
  const netrx = t.rows.find((r) => r.key === "NET_RX")!;
  assert.equal(netrx.counts.size, 128);
  assert.equal(netrx.counts.get(127), 1127);
});

test("a hot-unplugged CPU is absent, and counts keep their CPU numbers", () => {
  const t = parsePerCpuTable(fixtureText("proc/softirqs-unplugged.txt"));
  assert.deepEqual(t.cpus, [0, 2, 3]);
  const netrx = t.rows.find((r) => r.key === "NET_RX")!;
  assert.equal(netrx.counts.get(2), 400200);
  assert.equal(netrx.counts.has(1), false);
});

test("interrupt lines carry NIC queue names, shared lines and per-CPU sources", () => {
  const { cpus, lines } = parseInterrupts(fixtureText("proc/interrupts-server.txt"));
  assert.deepEqual(cpus, [0, 1, 2, 3]);
  const byIrq = new Map(lines.map((l) => [l.irq, l]));
  assert.equal(byIrq.get("60")?.name, "eth0-rx-0");
  assert.equal(byIrq.get("60")?.chip, "PCI-MSIX-0000:3b:00.0 1-edge");
  assert.equal(byIrq.get("46")?.name, "mlx5_comp0@pci:0000:01:00.0");
  assert.equal(byIrq.get("70")?.name, "xhci_hcd, ehci_hcd:usb1");
  assert.equal(byIrq.get("LOC")?.name, "Local timer interrupts");
  assert.equal(byIrq.get("ERR")?.counts.get(0), 0);
  assert.equal(byIrq.get("62")?.counts.get(3), 40);
});

test("interrupts recorded on the VM name virtio queues", () => {
  const { lines } = parseInterrupts(fixtureText("proc/interrupts-vm.txt"));
  assert.ok(
    lines.some((l) => /^virtio\d+-(input|output|config)/.test(l.name)),
    lines.map((l) => l.name).join(" | "),
  );
});

test("counter deltas handle 32-bit wraps and resets", () => {
  assert.equal(counterDelta(10, 25), 15);
  assert.equal(counterDelta(2 ** 32 - 5, 10), 15);
  assert.equal(counterDelta(1_000_000, 7), 7);
});

test("interrupt deltas are per line and per CPU", () => {
  const before = fixtureText("proc/interrupts-server.txt");
  const after = before.replace("4000123          0", "4000223          0");
  const d = interruptsDelta(parsePerCpuTable(before), parsePerCpuTable(after));
  assert.equal(d.find((l) => l.irq === "60")?.counts.get(0), 100);
  assert.equal(d.find((l) => l.irq === "61")?.counts.get(1), 0);
  const t = tableDelta(parsePerCpuTable(before), parsePerCpuTable(after));
  assert.equal(t.rows.length, parseInterrupts(before).lines.length);
});
