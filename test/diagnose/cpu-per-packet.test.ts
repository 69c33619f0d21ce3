import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { sideFigures } from "../../src/diagnose/run-figures.js";
import { RunFileSchema, type RunFile } from "../../src/run/run-file.js";

const run = RunFileSchema.parse(
  JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "fixtures", "runs", "overlay-udp64-run.json"), "utf8"),
  ),
);

/** The run with each CPU's time moved into steal: `take(cpu)` says how much from which column. */
function withSteal(
  take: (c: RunFile["snapshots"][number]["cpus"][number]) => Partial<Record<"idle" | "sys", number>>,
): RunFile {
  const r = structuredClone(run);
  for (const s of r.snapshots)
    for (const c of s.cpus)
      for (const [k, v] of Object.entries(take(c)) as Array<["idle" | "sys", number]>) {
        c[k] -= v;
        c.steal += v;
      }
  return r;
}

test("CPU per packet is the time the CPUs worked: steal (the hypervisor running someone else) is not a packet's cost", () => {
  const plain = sideFigures([run]);
  assert.ok(plain.cpuUsPerPacket && plain.cpuUsPerPacket > 0);
  // The same work on a host that took idle time away: the cost per packet is unchanged.
  const fromIdle = sideFigures([withSteal((c) => ({ idle: c.idle / 2 }))]);
  assert.ok(Math.abs(fromIdle.cpuUsPerPacket! / plain.cpuUsPerPacket - 1) < 1e-9);
  assert.equal(fromIdle.cpuPerPacketSeries.length, plain.cpuPerPacketSeries.length);
  fromIdle.cpuPerPacketSeries.forEach((x, i) =>
    assert.ok(Math.abs(x / plain.cpuPerPacketSeries[i]! - 1) < 1e-9),
  );
  // Time the kernel seemed to spend in sys was the hypervisor's: less work per packet.
  const fromSys = sideFigures([withSteal((c) => ({ sys: c.sys / 2 }))]);
  assert.ok(fromSys.cpuUsPerPacket! < plain.cpuUsPerPacket * 0.99);
  // Saturation still counts stolen time as taken: it was not there for the benchmark either.
  const busiestOthers = (f: typeof plain) => Math.max(...f.saturation.map((x) => x.othersBusyPercent));
  assert.ok(busiestOthers(fromIdle) > busiestOthers(plain));
});
