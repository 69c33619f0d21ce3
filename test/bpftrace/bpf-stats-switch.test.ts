import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { acquireBpfStats, type BpfStatsSwitch } from "../../src/bpftrace/bpf-stats.js";
import { tempDir } from "../helpers/temp-dir.js";

test("regression: a process that stops holding BPF stats does not turn them off under another", async () => {
  const dir = tempDir("bpfstats");
  const sysctl = join(dir, "bpf_stats_enabled");
  writeFileSync(sysctl, "0\n");
  const live = new Set<number>();
  const sw = (pid: number): BpfStatsSwitch => ({
    sysctl,
    dir: join(dir, "holders"),
    pid,
    alive: (p) => live.has(p),
  });
  const value = (): string => readFileSync(sysctl, "utf8").trim();
  live.add(1);
  const releaseA = await acquireBpfStats(sw(1));
  assert.equal(value(), "1");
  live.add(2);
  const releaseB = await acquireBpfStats(sw(2)); // found it on already
  await releaseA();
  live.delete(1);
  assert.equal(value(), "1", "still on: process 2 holds it");
  await releaseB();
  assert.equal(value(), "0", "the last holder restores what was there before");
  // A holder that died without releasing does not keep it on for ever.
  live.add(3);
  await acquireBpfStats(sw(3));
  live.delete(3);
  live.add(4);
  const releaseD = await acquireBpfStats(sw(4));
  await releaseD();
  assert.equal(value(), "0");
});
