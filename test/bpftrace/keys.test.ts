import assert from "node:assert/strict";
import { test } from "node:test";
import { splitKey } from "../../src/bpftrace/keys.js";
import { classifyContext, parseKstack } from "../../src/bpftrace/kstack.js";

test("numeric multi-keys split with and without the space 0.24 strips", () => {
  assert.deepEqual(splitKey("1,3", { numbers: 2 }), { numbers: [1, 3], stacks: [] });
  assert.deepEqual(splitKey("1, 3", { numbers: 2 }), { numbers: [1, 3], stacks: [] });
});

test("a trailing comm may contain commas", () => {
  assert.deepEqual(splitKey("42,weird,comm", { numbers: 1, text: true }), {
    numbers: [42],
    stacks: [],
    text: "weird,comm",
  });
});

test("[pid, cpu, kstack, comm] with a real stack", () => {
  const k = splitKey("1234,1,\n    vxlan_xmit_one+1203\n    vxlan_xmit+80\n,iperf3", {
    numbers: 2,
    stacks: 1,
    text: true,
  });
  assert.deepEqual(k?.numbers, [1234, 1]);
  assert.equal(k?.text, "iperf3");
  assert.deepEqual(
    parseKstack(k?.stacks[0] ?? "").map((f) => f.fn),
    ["vxlan_xmit_one", "vxlan_xmit"],
  );
});

test("[pid, cpu, kstack, comm] with an empty kernel stack (user-space sample)", () => {
  assert.deepEqual(splitKey("2725,1,,timeout", { numbers: 2, stacks: 1, text: true }), {
    numbers: [2725, 1],
    stacks: [""],
    text: "timeout",
  });
});

test("[pid, cpu, kstack, ustack, comm]: kernel and raw user stacks, either may be empty", () => {
  const both = splitKey(
    "29951,0,\n    sock_poll+62\n    do_select+944\n,\n    0x7f5e45803954\n    0xda56d\n,iperf3,x",
    { numbers: 2, stacks: 2, text: true },
  );
  assert.deepEqual(both, {
    numbers: [29951, 0],
    stacks: ["\n    sock_poll+62\n    do_select+944\n", "\n    0x7f5e45803954\n    0xda56d\n"],
    text: "iperf3,x",
  });
  assert.deepEqual(
    splitKey("29951,0,,\n    0x7f5e45803954\n,iperf3", { numbers: 2, stacks: 2, text: true }),
    {
      numbers: [29951, 0],
      stacks: ["", "\n    0x7f5e45803954\n"],
      text: "iperf3",
    },
  );
  assert.deepEqual(splitKey("0,1,\n    default_idle+9\n,,swapper/1", { numbers: 2, stacks: 2, text: true }), {
    numbers: [0, 1],
    stacks: ["\n    default_idle+9\n", ""],
    text: "swapper/1",
  });
  assert.equal(splitKey("1,2,\n    f+1", { numbers: 2, stacks: 2, text: true }), undefined);
});

test("malformed keys return undefined instead of guessing", () => {
  assert.equal(splitKey("abc,1", { numbers: 2 }), undefined);
  assert.equal(splitKey("1", { numbers: 2, text: true }), undefined);
});

test("context comes from the innermost entry frame", () => {
  const softirq = parseKstack(
    "\n    veth_xmit+10\n    net_rx_action+5\n    handle_softirqs+1\n    __sysvec_apic_timer_interrupt+3\n",
  );
  assert.equal(classifyContext(softirq, 55), "softirq");
  const irq = parseKstack("\n    e1000_intr+10\n    __handle_irq_event_percpu+2\n    handle_irq_event+1\n");
  assert.equal(classifyContext(irq, 55), "hardirq");
  assert.equal(classifyContext(parseKstack("\n    pv_native_safe_halt+5\n    default_idle+9\n"), 0), "idle");
  assert.equal(classifyContext(parseKstack("\n    udp_sendmsg+5\n"), 77), "task");
});
