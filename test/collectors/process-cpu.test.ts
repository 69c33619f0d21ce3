import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FULL_SCAN_EVERY } from "../../src/collectors/full-scan.js";
import { parseAllowedCpus, ProcessCpuTracker } from "../../src/collectors/process-cpu.js";
import { parseCpuList } from "../../src/util/cpu-list.js";

/** A fake /proc: one stat line per pid (utime carries all the CPU; starttime tells reuse apart). */
function fakeProc(): {
  root: string;
  set: (pid: number, ticks: number, start?: number) => void;
  kill: (pid: number) => void;
} {
  const root = mkdtempSync(join(tmpdir(), "os-test-proc-"));
  return {
    root,
    set: (pid, ticks, start = 1000 + pid) => {
      mkdirSync(join(root, String(pid)), { recursive: true });
      writeFileSync(
        join(root, String(pid), "stat"),
        `${pid} (p ${pid}) S 1 ${pid} ${pid} 0 -1 4194304 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 0 0\n`,
      );
    },
    kill: (pid) => rmSync(join(root, String(pid)), { recursive: true, force: true }),
  };
}

const cpu = (rows: Array<{ pid: number; cpuSeconds: number }>): Record<number, number> =>
  Object.fromEntries(rows.map((r) => [r.pid, Math.round(r.cpuSeconds * 100)]));

test("process CPU: between full scans only busy and sampled processes are read, and totals still add up", () => {
  const proc = fakeProc();
  try {
    proc.set(10, 100);
    proc.set(11, 50);
    proc.set(12, 50);
    const t = new ProcessCpuTracker(proc.root);
    assert.deepEqual(t.sample(), []);
    proc.set(10, 105);
    proc.set(11, 53);
    assert.deepEqual(cpu(t.sample()), { 10: 5, 11: 3 }, "the second call reads everything");
    proc.set(10, 107);
    proc.set(12, 54); // idle until now, not sampled: not read in this interval
    assert.deepEqual(cpu(t.sample()), { 10: 2 });
    assert.deepEqual(
      cpu(t.sample([12])),
      { 12: 4 },
      "a sampled process is read, its CPU counted since its last read",
    );
    proc.set(13, 7, 5000); // born since the last full scan
    proc.set(11, 54); // no longer busy, so not read until the full scan
    assert.deepEqual(cpu(t.sample()), {});
    assert.deepEqual(cpu(t.sample([], true)), { 13: 7, 11: 1 });
    proc.kill(10);
    proc.set(10, 3, 9000); // the pid reused by a new process
    assert.deepEqual(cpu(t.sample([10])), { 10: 3 });
  } finally {
    rmSync(proc.root, { recursive: true, force: true });
  }
});

test(`process CPU: every ${FULL_SCAN_EVERY}th call reads every process`, () => {
  const proc = fakeProc();
  try {
    proc.set(20, 0);
    proc.set(21, 0);
    const t = new ProcessCpuTracker(proc.root);
    t.sample();
    t.sample();
    let total = 0;
    let calls = 0;
    for (let i = 1; i <= FULL_SCAN_EVERY; i++) {
      proc.set(21, i); // one tick per interval, never sampled, not busy at the start
      const got = cpu(t.sample());
      calls++;
      total += got[21] ?? 0;
      if (got[21] !== undefined) break;
    }
    assert.equal(calls, FULL_SCAN_EVERY, "found at the first full scan, not before");
    assert.equal(total, FULL_SCAN_EVERY, "with every tick it used since its last read");
  } finally {
    rmSync(proc.root, { recursive: true, force: true });
  }
});

test("process CPU: the CPUs a process may run on, kept when fewer than every online CPU", () => {
  const proc = fakeProc();
  const place = (pid: number, allowed: string): void => {
    mkdirSync(join(proc.root, String(pid), "ns"), { recursive: true });
    symlinkSync("net:[4026531840]", join(proc.root, String(pid), "ns", "net"));
    writeFileSync(join(proc.root, String(pid), "cgroup"), "0::/bench\n");
    writeFileSync(
      join(proc.root, String(pid), "status"),
      `Name:\tp\nCpus_allowed:\tff\nCpus_allowed_list:\t${allowed}\nMems_allowed_list:\t0\n`,
    );
  };
  try {
    for (const [pid, allowed] of [
      [30, "0"],
      [31, "0-3"],
      [32, "1,3,8-9"],
    ] as const) {
      proc.set(pid, 0);
      place(pid, allowed);
    }
    const t = new ProcessCpuTracker(proc.root, [0, 1, 2, 3]);
    t.sample();
    for (const pid of [30, 31, 32]) proc.set(pid, 5);
    const got = Object.fromEntries(t.sample().map((p) => [p.pid, p.allowedCpus]));
    // Pinned to one CPU; free (all online CPUs); offline CPUs in a mask do not count.
    assert.deepEqual(got, { 30: [0], 31: [], 32: [1, 3] });
  } finally {
    rmSync(proc.root, { recursive: true, force: true });
  }
});

test("CPU lists in the kernel's format", () => {
  assert.deepEqual(parseCpuList("0-3,8,10-11\n"), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList("5"), [5]);
  assert.deepEqual(parseCpuList(""), []);
  assert.equal(parseCpuList("0-x"), undefined);
  assert.equal(parseCpuList("3-1"), undefined);
  assert.deepEqual(parseAllowedCpus("Name:\tiperf3\nCpus_allowed_list:\t0-1\n"), [0, 1]);
  assert.equal(parseAllowedCpus("Name:\tiperf3\n"), undefined);
});
