import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { HwIntervalBuilder, type HwInterval } from "../../src/collectors/hw-counters.js";
import { parsePerfCsvLine } from "../../src/collectors/perf-stat-parse.js";
import { memoryEvents, pmuInventory } from "../../src/collectors/perf-stat.js";
import { readResctrlMbm } from "../../src/collectors/resctrl.js";
import { fixtureText } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";

function intervals(file: string, mem: string[]): HwInterval[] {
  const out: HwInterval[] = [];
  const b = new HwIntervalBuilder((i) => out.push(i), mem);
  for (const line of fixtureText(`perf/${file}`).split("\n")) {
    const s = parsePerfCsvLine(line);
    if (s) b.push(s);
  }
  b.flush();
  return out;
}

test("a VM without a PMU: every counter is unsupported with a reason, never zero", () => {
  const [i] = intervals("vm-not-supported.csv", []);
  assert.ok(i);
  for (const cpu of [0, 1]) {
    for (const [event, r] of i.perCpu.get(cpu)!) {
      assert.equal(r.status, "unsupported", event);
      assert.ok(r.status === "unsupported" && /not supported/.test(r.reason));
    }
  }
  assert.ok("unsupported" in i.memory);
});

test("Intel with uncore IMC: per-core counters and CAS traffic summed over sockets in bytes", () => {
  const [i] = intervals("intel-uncore.csv", ["uncore_imc/cas_count_read/", "uncore_imc/cas_count_write/"]);
  const c0 = i!.perCpu.get(0)!;
  assert.deepEqual(c0.get("cache-misses"), {
    status: "ok",
    value: 8123456,
    unit: "",
    percentRunning: 100,
    scaled: false,
  });
  assert.ok(!("unsupported" in i!.memory));
  if (!("unsupported" in i!.memory)) {
    assert.equal(i!.memory.readBytes, (1843.25 + 1201.75) * 1024 * 1024);
    assert.equal(i!.memory.writeBytes, 612.5 * 1024 * 1024);
  }
});

test("AMD data fabric: memory traffic, and LLC events the core PMU lacks are unsupported", () => {
  const [i] = intervals("amd-df.csv", [
    "amd_df/local_or_remote_socket_read_data_beats_dram_0/",
    "amd_df/local_or_remote_socket_write_data_beats_dram_0/",
  ]);
  assert.equal(i!.perCpu.get(0)!.get("LLC-loads")?.status, "unsupported");
  assert.ok(!("unsupported" in i!.memory) && i!.memory.readBytes === 1024 * 1024 * 1024);
});

test("multiplexed counters are marked scaled with their running share; <not counted> is not zero", () => {
  const all = intervals("multiplexed.csv", []);
  assert.equal(all.length, 2);
  const c0 = all[0]!.perCpu.get(0)!;
  assert.deepEqual(c0.get("cycles"), {
    status: "ok",
    value: 2999999999,
    unit: "",
    percentRunning: 49.98,
    scaled: true,
  });
  assert.equal(c0.get("cache-misses")?.status, "not-counted");
});

test("PMU inventory from an event_source tree: a VM has no cpu PMU, a server has uncore_imc", async () => {
  const dir = tempDir("pmu");
  try {
    for (const d of ["breakpoint", "msr", "software", "tracepoint", "uprobe"])
      await mkdir(join(dir, "vm", d), { recursive: true });
    for (const d of ["cpu", "uncore_imc_0", "uncore_imc_1", "software"])
      await mkdir(join(dir, "srv", d), { recursive: true });
    const vm = pmuInventory(join(dir, "vm"), join(dir, "none"));
    assert.equal(vm.core, false);
    assert.match(vm.reason ?? "", /no CPU PMU .*breakpoint, msr/);
    const srv = pmuInventory(join(dir, "srv"), join(dir, "none"));
    assert.deepEqual(srv.uncoreImc, ["uncore_imc_0", "uncore_imc_1"]);
    assert.deepEqual(memoryEvents(srv), ["uncore_imc/cas_count_read/", "uncore_imc/cas_count_write/"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("resctrl MBM: per group and L3 domain; 'Unavailable' is skipped, not zero", async () => {
  const root = tempDir("resctrl");
  try {
    const put = async (p: string, v: string): Promise<void> => {
      await mkdir(join(root, p, ".."), { recursive: true });
      await writeFile(join(root, p), `${v}\n`);
    };
    await put("mon_data/mon_L3_00/mbm_total_bytes", "123456789");
    await put("mon_data/mon_L3_00/mbm_local_bytes", "100000000");
    await put("mon_data/mon_L3_01/mbm_total_bytes", "Unavailable");
    await put("mon_groups/bench/mon_data/mon_L3_00/mbm_total_bytes", "42");
    const r = await readResctrlMbm(root);
    assert.deepEqual(r, [
      { group: "default", domain: "mon_L3_00", totalBytes: 123456789, localBytes: 100000000 },
      { group: "bench", domain: "mon_L3_00", totalBytes: 42 },
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("resctrl MBM feeds memory traffic per interval where no uncore PMU exists (combined read+write)", async () => {
  const { HostCollector } = await import("../../src/collectors/host-collector.js");
  const root = tempDir("mbm");
  try {
    const file = join(root, "mon_data", "mon_L3_00", "mbm_total_bytes");
    await mkdir(join(root, "mon_data", "mon_L3_00"), { recursive: true });
    await writeFile(file, "1000000\n");
    const c = new HostCollector(
      {
        intervalMs: 1000,
        resctrlRoot: root,
        pmu: { core: false, uncoreImc: [], amdDf: false, resctrlMbm: true, reason: "no CPU PMU (test)" },
      },
      () => undefined,
    );
    await c.sampleNow();
    await writeFile(file, "1250000\n");
    const s = await c.sampleNow();
    assert.deepEqual(s.hw?.memory, { readBytes: 250000, writeBytes: 0, combined: true });
    await c.stop();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
