/**
 * Daemon footprint and latency (issue 8): time to first data after StartSession, Node CPU and
 * RSS with 4 clients streaming a default session at 1 Hz, RSS of each bpftrace child, and the
 * cost of parsing a 4096-stack NDJSON dump and of encoding a snapshot.
 *
 *   node --import tsx bench/daemon-footprint.ts [--seconds 20]
 */
import { wireTime } from "../src/util/wire-time.js";
import { bpftraceChildren, cpuSeconds, rssKiB, startDaemonProcess } from "./daemon-process.js";
import { ProfilerApi } from "../src/client/api.js";
import { connect } from "../src/client/client.js";
import { parseLine } from "../src/bpftrace/messages.js";
import { IntervalBatcher } from "../src/probes/interval-batch.js";
import { parseStacks } from "../src/probes/parsers/stacks.js";
import { loadProfilerPackage } from "../src/server/proto.js";
import type { Snapshot__Output } from "../src/generated/overlayscope/v1/Snapshot.js";

const i = process.argv.indexOf("--seconds");
const SECONDS = i >= 0 ? Number(process.argv[i + 1]) : 20;

const daemonProcess = await startDaemonProcess();
const daemon = daemonProcess.child;
const socket = daemonProcess.socket;
const api = new ProfilerApi(connect({ address: `unix://${socket}` }));

// Time to first data: StartSession until the first snapshot arrives on a stream.
const ttfd: number[] = [];
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const s = await api.startSession({ defaultProbes: true, interval: wireTime(1000) });
  const attached = performance.now() - t0;
  await new Promise<void>((resolve) => {
    const st = api.streamSession(s.id);
    st.once("data", () => {
      ttfd.push(performance.now() - t0);
      st.cancel();
      resolve();
    });
    st.on("error", () => undefined);
  });
  process.stderr.write(`attach ${attached.toFixed(0)} ms\n`);
  await api.stopSession(s.id);
}

// Footprint: one default session, 4 streaming clients, SECONDS seconds.
const s = await api.startSession({ defaultProbes: true, interval: wireTime(1000) });
const clients = Array.from({ length: 4 }, () => new ProfilerApi(connect({ address: `unix://${socket}` })));
let received = 0;
let lastSnap: Snapshot__Output | undefined;
const streams = clients.map((c) => {
  const st = c.streamSession(s.id);
  st.on("data", (x: { snapshot: Snapshot__Output | null }) => {
    received++;
    lastSnap = x.snapshot ?? lastSnap;
  });
  st.on("error", () => undefined);
  return st;
});
await new Promise((r) => setTimeout(r, 2000));
const cpu0 = cpuSeconds(daemon.pid!);
const clientCpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const wall = (performance.now() - t0) / 1000;
const nodeCpuPct = ((cpuSeconds(daemon.pid!) - cpu0) / wall) * 100;
const clientCpu = process.cpuUsage(clientCpu0);
const clientCpuPct = ((clientCpu.user + clientCpu.system) / 1e6 / wall) * 100;
const bpftrace = bpftraceChildren(daemon.pid!);
const bpfRss = bpftrace.map((p) => rssKiB(p));
const selfRss = rssKiB(daemon.pid!);
for (const st of streams) st.cancel();
await api.stopSession(s.id);

// Parser: a 4096-key stack map dump in the shape bpftrace prints.
const frames = Array.from({ length: 24 }, (_, k) => `    func_${k}+${k * 7}`).join("\n");
const entries = Array.from(
  { length: 4096 },
  (_, k) => `"${1000 + k},${k % 2},\\n${frames.replace(/\n/g, "\\n")}\\n,comm${k}": ${k + 1}`,
);
const line = `{"type": "map", "data": {"@samples": {${entries.join(", ")}}}}`;
const p0 = performance.now();
const batches: Parameters<typeof parseStacks>[0][] = [];
const b = new IntervalBatcher((x) => batches.push(x));
const msgs = parseLine(line);
if (!Array.isArray(msgs)) throw new Error(`synthetic dump did not parse: ${msgs.reason}`);
for (const m of msgs) b.push(m);
b.push({ type: "printf", text: "overlayscope:tick\n" });
const parsed = parseStacks(batches[0]!);
const parseMs = performance.now() - p0;

// Encoding: a real snapshot serialized the way the server does for each client.
const { grpcType } = loadProfilerPackage();
const serialize = grpcType.overlayscope.v1.ProfilerService.service.StreamSession.responseSerialize;
const enc0 = performance.now();
let snapBytes = 0;
for (let k = 0; k < 1000; k++) snapBytes = serialize({ snapshot: lastSnap! }).length;
const encUs = ((performance.now() - enc0) / 1000) * 1000;

console.log(
  `daemon footprint (${new Date().toISOString().slice(0, 10)}, ${SECONDS} s, default session, 4 clients at 1 Hz)`,
);
console.log("| figure | value | target |\n| --- | --- | --- |");
console.log(
  `| time to first data after StartSession (3 runs) | ${ttfd.map((x) => x.toFixed(0)).join(", ")} ms | ≤ 1500 ms |`,
);
console.log(
  `| daemon (Node process, clients elsewhere) CPU | ${nodeCpuPct.toFixed(2)}% of one core | ≤ 1% |`,
);
console.log(
  `| the 4 streaming clients (bench process) CPU | ${clientCpuPct.toFixed(2)}% of one core | reported |`,
);
console.log(`| daemon (Node) RSS | ${(selfRss / 1024).toFixed(0)} MiB | bounded |`);
console.log(
  `| bpftrace children RSS | ${bpfRss.map((k) => `${(k / 1024).toFixed(0)} MiB`).join(", ")} | reported |`,
);
console.log(
  `| snapshots delivered | ${received} (${(received / 4 / (SECONDS + 2)).toFixed(2)}/s per client) | 1/s |`,
);
console.log(
  `| parse a 4096-stack NDJSON map dump (${(line.length / 1024).toFixed(0)} KiB, ${parsed.samples.length} stacks) | ${parseMs.toFixed(1)} ms | ≪ 1000 ms interval |`,
);
console.log(
  `| encode one snapshot for one client (${snapBytes} bytes) | ${encUs.toFixed(0)} µs | reported |`,
);
for (const c of clients) c.close();
api.close();
await daemonProcess.stop();
