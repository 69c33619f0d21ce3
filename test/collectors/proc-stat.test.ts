import assert from "node:assert/strict";
import { test } from "node:test";
import { cpuPercent, parseProcStat } from "../../src/collectors/proc-stat.js";
import { fixtureText } from "../helpers/fixtures.js";

test("/proc/stat recorded here: aggregate and two CPUs", () => {
  const s = parseProcStat(fixtureText("proc/stat-2cpu.txt"));
  assert.deepEqual([...s.cpus.keys()], [0, 1]);
  assert.ok(s.total.user > 0);
});

test("a hot-unplugged CPU is simply absent", () => {
  const s = parseProcStat(fixtureText("proc/stat-unplugged.txt"));
  assert.deepEqual([...s.cpus.keys()], [0, 2, 3]);
  assert.equal(s.cpus.get(2)?.softirq, 3066);
});

test("percentages follow mpstat: guest time is taken out of user and all fields sum to 100", () => {
  const a = {
    user: 100,
    nice: 0,
    system: 50,
    idle: 800,
    iowait: 10,
    irq: 5,
    softirq: 20,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
  const b = {
    user: 200,
    nice: 0,
    system: 100,
    idle: 1500,
    iowait: 10,
    irq: 10,
    softirq: 70,
    steal: 10,
    guest: 20,
    guestNice: 0,
  };
  const p = cpuPercent(a, b);
  // total = (100-20) + 50 + 700 + 0 + 5 + 50 + 10 + 20 = 915
  assert.equal(p.usr.toFixed(3), ((80 / 915) * 100).toFixed(3));
  assert.equal(p.soft.toFixed(3), ((50 / 915) * 100).toFixed(3));
  const sum = p.usr + p.nice + p.sys + p.iowait + p.irq + p.soft + p.steal + p.guest + p.gnice + p.idle;
  assert.ok(Math.abs(sum - 100) < 1e-9);
});

test("an interval with no ticks reads as zero, not NaN", () => {
  const t = {
    user: 1,
    nice: 0,
    system: 1,
    idle: 1,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
  assert.deepEqual(Object.values(cpuPercent(t, t)), Array(10).fill(0));
});
