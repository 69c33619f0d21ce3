/**
 * Long-session soak (issue 16): one default session at 100 ms intervals for 10 000 intervals with
 * 4 clients streaming, the daemon's RSS sampled throughout, then the run fetched. Memory must stay
 * flat: the session keeps its intervals merged past a bound (src/session/interval-history.ts), the
 * profile folds rare stacks, and a stream keeps one snapshot for a client that stops reading.
 *
 *   node --import tsx bench/soak.ts [--intervals 10000] [--interval-ms 100]
 */
import { wireTime } from "../src/util/wire-time.js";
import { ProfilerApi } from "../src/client/api.js";
import { connect } from "../src/client/client.js";
import { bpftraceChildren, cpuSeconds, rssKiB, startDaemonProcess } from "./daemon-process.js";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const INTERVALS = arg("--intervals", 10_000);
const INTERVAL_MS = arg("--interval-ms", 100);

const daemon = await startDaemonProcess();
const pid = daemon.child.pid!;
const api = new ProfilerApi(connect({ address: `unix://${daemon.socket}` }));
const s = await api.startSession({ defaultProbes: true, interval: wireTime(INTERVAL_MS) });
const clients = Array.from(
  { length: 4 },
  () => new ProfilerApi(connect({ address: `unix://${daemon.socket}` })),
);
let received = 0;
let lastSeq = 0;
const streams = clients.map((c) => {
  const st = c.streamSession(s.id);
  st.on("data", (x: { snapshot: { seq: number } | null }) => {
    received++;
    lastSeq = Math.max(lastSeq, Number(x.snapshot?.seq ?? 0));
  });
  st.on("error", () => undefined);
  return st;
});

const samples: Array<{ seq: number; minutes: number; rssMiB: number; bpftraceMiB: number }> = [];
const t0 = Date.now();
const cpu0 = cpuSeconds(pid);
const sample = (): void => {
  const bpf = bpftraceChildren(pid).reduce((a, p) => a + rssKiB(p), 0);
  samples.push({
    seq: lastSeq,
    minutes: (Date.now() - t0) / 60_000,
    rssMiB: rssKiB(pid) / 1024,
    bpftraceMiB: bpf / 1024,
  });
  process.stderr.write(
    `soak: interval ${lastSeq}/${INTERVALS}, daemon RSS ${samples.at(-1)!.rssMiB.toFixed(0)} MiB\n`,
  );
};
while (lastSeq < INTERVALS) {
  sample();
  await new Promise((r) => setTimeout(r, 30_000));
}
sample();
const cpuPct = ((cpuSeconds(pid) - cpu0) / ((Date.now() - t0) / 1000)) * 100;
for (const st of streams) st.cancel();
await api.stopSession(s.id);
const run = await api.getRun(s.id);
for (const c of clients) c.close();
api.close();
await daemon.stop();

// Growth: the last quarter's median RSS against the second quarter's (the first has warm-up).
const q = (a: number, b: number): number[] =>
  samples
    .filter((x) => x.seq >= a * INTERVALS && x.seq <= b * INTERVALS)
    .map((x) => x.rssMiB)
    .sort((x, y) => x - y);
const median = (v: number[]): number => v[Math.floor(v.length / 2)] ?? NaN;
console.log(
  `soak (${new Date().toISOString().slice(0, 10)}): ${INTERVALS} intervals of ${INTERVAL_MS} ms, default session, 4 streaming clients`,
);
console.log("| figure | value |\n| --- | --- |");
console.log(`| duration | ${samples.at(-1)!.minutes.toFixed(1)} min |`);
console.log(
  `| daemon RSS, min / median / max | ${Math.min(...samples.map((x) => x.rssMiB)).toFixed(0)} / ${median(samples.map((x) => x.rssMiB).sort((a, b) => a - b)).toFixed(0)} / ${Math.max(...samples.map((x) => x.rssMiB)).toFixed(0)} MiB |`,
);
console.log(
  `| daemon RSS, median of 2nd quarter → last quarter | ${median(q(0.25, 0.5)).toFixed(0)} → ${median(q(0.75, 1)).toFixed(0)} MiB |`,
);
console.log(`| bpftrace children RSS at the end | ${samples.at(-1)!.bpftraceMiB.toFixed(0)} MiB |`);
console.log(`| daemon CPU | ${cpuPct.toFixed(2)}% of one core |`);
console.log(`| snapshots delivered (4 clients) | ${received} |`);
console.log(
  `| intervals in the run / raw intervals each | ${run.snapshots.length} / ${(run.durationSeconds / run.snapshots.length / (INTERVAL_MS / 1000)).toFixed(1)} |`,
);
console.log(`| run JSON size | ${(JSON.stringify(run).length / 1048576).toFixed(1)} MiB |`);
console.log("RSS samples (interval, MiB):", samples.map((x) => `${x.seq}:${x.rssMiB.toFixed(0)}`).join(" "));
