import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cpuCgroupPath, CpuQuotaTracker, parseCpuMax, parseCpuStat } from "../../src/collectors/cpu-quota.js";
import { FULL_SCAN_EVERY } from "../../src/collectors/full-scan.js";
import { tempDir } from "../helpers/temp-dir.js";

test("the cpu controller's cgroup: v1's cpu line on a hybrid host, else the v2 path", () => {
  const hybrid = "9:name=systemd:/\n4:memory:/docker/abc\n2:cpuacct:/\n1:cpu,cpuacct:/docker/abc\n0::/\n";
  assert.equal(cpuCgroupPath(hybrid), "/docker/abc");
  assert.equal(cpuCgroupPath("0::/system.slice/docker-abc.scope\n"), "/system.slice/docker-abc.scope");
  // "cpuacct" or "cpuset" alone is not the cpu controller.
  assert.equal(cpuCgroupPath("3:cpuset:/x\n2:cpuacct:/y\n0::/z\n"), "/z");
  assert.equal(cpuCgroupPath(""), "");
});

test("cpu.max and cpu.stat, in both versions' units", () => {
  assert.equal(parseCpuMax("20000 100000\n"), 0.2);
  assert.equal(parseCpuMax("max 100000\n"), undefined);
  assert.deepEqual(parseCpuStat("usage_usec 9\nnr_periods 50\nnr_throttled 40\nthrottled_usec 3200000\n"), {
    periods: 50,
    throttledPeriods: 40,
    throttledSeconds: 3.2,
  });
  assert.deepEqual(parseCpuStat("nr_periods 50\nnr_throttled 40\nthrottled_time 3200000000\n"), {
    periods: 50,
    throttledPeriods: 40,
    throttledSeconds: 3.2,
  });
  assert.equal(parseCpuStat("nr_periods 50\n"), undefined);
});

function cgroup(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

test("a v2 limit on a pod binds its container: throttling is differenced per limited cgroup, ancestors included", () => {
  const root = tempDir("cpu-quota-v2");
  cgroup(root, { "cgroup.controllers": "cpuset cpu io memory pids\n" });
  const pod = join(root, "kubepods.slice", "pod1");
  const stat = (periods: number, throttled: number, usec: number): string =>
    `usage_usec 1\nnr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_usec ${usec}\n`;
  cgroup(join(root, "kubepods.slice"), { "cpu.max": "max 100000\n", "cpu.stat": stat(0, 0, 0) });
  cgroup(pod, { "cpu.max": "50000 100000\n", "cpu.stat": stat(100, 10, 200_000) });
  cgroup(join(pod, "ctr"), { "cpu.max": "max 100000\n", "cpu.stat": stat(100, 0, 0) });
  const t = new CpuQuotaTracker(root);
  // The first reading is the baseline.
  assert.deepEqual(t.sample(["/kubepods.slice/pod1/ctr"]), []);
  cgroup(pod, { "cpu.stat": stat(110, 18, 700_000) });
  assert.deepEqual(t.sample(["/kubepods.slice/pod1/ctr", "/kubepods.slice/pod1/ctr"]), [
    {
      cgroup: "/kubepods.slice/pod1",
      quotaCpus: 0.5,
      periods: 10,
      throttledPeriods: 8,
      throttledSeconds: 0.5,
    },
  ]);
  // A cgroup recreated under the same name (counters went down) starts a new baseline.
  cgroup(pod, { "cpu.stat": stat(5, 1, 1000) });
  assert.deepEqual(t.sample(["/kubepods.slice/pod1/ctr"]), []);
});

test("a v1 cpu hierarchy's quota (cfs_quota_us ÷ cfs_period_us), throttled_time in ns; a host without one reads nothing", () => {
  const root = tempDir("cpu-quota-v1");
  const cpu = join(root, "cpu");
  cgroup(cpu, { "cpu.cfs_quota_us": "-1\n", "cpu.cfs_period_us": "100000\n" });
  cgroup(join(cpu, "docker", "abc"), {
    "cpu.cfs_quota_us": "20000\n",
    "cpu.cfs_period_us": "100000\n",
    "cpu.stat": "nr_periods 10\nnr_throttled 9\nthrottled_time 700000000\n",
  });
  const t = new CpuQuotaTracker(root);
  t.sample(["/docker/abc"]);
  cgroup(join(cpu, "docker", "abc"), {
    "cpu.stat": "nr_periods 20\nnr_throttled 18\nthrottled_time 1500000000\n",
  });
  const [d] = t.sample(["/docker/abc"]);
  assert.equal(d?.cgroup, "/docker/abc");
  assert.equal(d?.quotaCpus, 0.2);
  assert.equal(d?.throttledPeriods, 9);
  assert.ok(Math.abs(d.throttledSeconds - 0.8) < 1e-9);
  assert.deepEqual(new CpuQuotaTracker(tempDir("cpu-quota-none")).sample(["/docker/abc"]), []);
});

test(`a cgroup found without a quota is read again only every ${FULL_SCAN_EVERY}th call; one with a quota every call`, () => {
  const root = tempDir("cpu-quota-recheck");
  cgroup(root, { "cgroup.controllers": "cpu\n" });
  const stat = (periods: number, throttled: number): string =>
    `nr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_usec ${throttled * 1000}\n`;
  cgroup(join(root, "limited"), { "cpu.max": "20000 100000\n", "cpu.stat": stat(0, 0) });
  cgroup(join(root, "later"), { "cpu.max": "max 100000\n", "cpu.stat": stat(0, 0) });
  const t = new CpuQuotaTracker(root);
  const cgroups = ["/limited", "/later"];
  assert.deepEqual(t.sample(cgroups), []);
  // A quota set during the run (docker update --cpus): noticed at the next recheck, then differenced.
  cgroup(join(root, "later"), { "cpu.max": "50000 100000\n" });
  let periods = 0;
  let laterFirstAt: number | undefined;
  for (let call = 2; call <= FULL_SCAN_EVERY + 2; call++) {
    periods += 10;
    cgroup(join(root, "limited"), { "cpu.stat": stat(periods, periods / 2) });
    cgroup(join(root, "later"), { "cpu.stat": stat(periods, periods) });
    const got = t.sample(cgroups);
    assert.equal(got.find((d) => d.cgroup === "/limited")?.throttledPeriods, 5, `limited at call ${call}`);
    if (laterFirstAt === undefined && got.some((d) => d.cgroup === "/later")) laterFirstAt = call;
  }
  // Read as a baseline at the FULL_SCAN_EVERY-th call, differenced at the next.
  assert.equal(laterFirstAt, FULL_SCAN_EVERY + 1);
});
