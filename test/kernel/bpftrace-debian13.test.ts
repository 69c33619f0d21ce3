import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ProfilerApi } from "../../src/client/api.js";
import { recordSession } from "../../src/client/recorder.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { handOverlay, udpClientArgv, type HandOverlay } from "../helpers/hand-overlay.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";

// Current distributions ship bpftrace 0.23+ (Debian 13): the default session must start there too.
// 0.23.2 segfaulted on the tick sampler's ternary over a map read; this runs the real 0.23 binary
// from a Debian 13 root (scripts/bpftrace-debian13.sh) on this kernel against real traffic.
let daemon: RunningDaemon | undefined;
let ov: HandOverlay | undefined;
let wrapper = "";

before(async () => {
  if (kernelSkipReason()) return;
  wrapper = execFileSync("bash", [join(import.meta.dirname, "..", "..", "scripts", "bpftrace-debian13.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 15 * 60_000,
  }).trim();
  ov = handOverlay("os23", 95);
  daemon = await startDaemon(["--bpftrace", wrapper]);
});

after(async () => {
  await daemon?.stop();
  ov?.down();
});

test("bpftrace 0.23 (Debian 13): the default session attaches every default probe and records a run", async (t) => {
  if (!requireKernel(t)) return;
  const api = new ProfilerApi(daemon!.client);
  const info = await api.hostInfo();
  assert.match(info.bpftraceVersion, /^v?0\.23\./, info.bpftraceVersion);
  const srv = spawn("ip", ["netns", "exec", ov!.c2, "iperf3", "-s", "-1", "-p", "5320"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const run = await recordSession(
      api,
      {
        target: { host: {} },
        // The default session, plus the per-interrupt probes so 0.23's output of each shape is parsed.
        probes: ["softirq,hardirq,netdev"],
        defaultProbes: true,
        hz: 49,
        intervalMs: 1000,
        durationMs: 0,
        label: "bpftrace 0.23",
        version: "test",
        progress: () => undefined,
      },
      async () => {
        // Saturating UDP so that both CPUs' ticks run (an idle CPU's tick stops).
        const [cmd, ...args] = udpClientArgv(ov!, 5320, "0", 64, 3);
        await promisify(execFile)(cmd!, args);
        return undefined;
      },
    );
    const names = run.probes.map((p) => `${p.name}/${p.variant}`);
    assert.ok(names.includes("stacks/tick"), names.join(", "));
    const defaults = (await api.listProbes()).probes.filter((p) => p.default).map((p) => p.name);
    assert.ok(defaults.length > 0);
    for (const p of [...defaults, "softirq", "hardirq", "netdev"])
      assert.ok(
        names.some((n) => n.startsWith(`${p}/`)),
        `${p}: ${names.join(", ")}`,
      );
    assert.ok(run.summary.stackSamples > 0, "stacks sampled on the tick");
    assert.ok(
      run.snapshots.some((s) => s.softirqs.some((x) => x.vector === "NET_RX" && x.probePerSecond > 0)),
      `the softirq probe's counts parsed from 0.23's JSON; NET_RX by snapshot (final, seconds, [cpu, probe/s, /proc/s]): ${JSON.stringify(
        run.snapshots.map((s) => [
          s.final,
          s.seconds,
          s.softirqs.filter((x) => x.vector === "NET_RX").map((x) => [x.cpu, x.probePerSecond, x.perSecond]),
          s.probeCosts.map((c) => [c.probe, c.eventsPerSecond]),
          s.events.map((e) => e.code),
        ]),
      )}; window ${run.durationSeconds} s`,
    );
    assert.ok(
      run.snapshots.every((s) => s.events.every((e) => e.code !== "PROBE_EXITED")),
      "no probe died",
    );
    assert.ok(
      run.snapshots.some((s) =>
        s.counters.some((c) => c.probe === "netdev" && c.metric === "packets" && c.value > 0),
      ),
      "netdev's keyed map parsed from 0.23's quoted keys",
    );
  } finally {
    srv.kill("SIGKILL");
  }
});
