import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseProcessStat } from "../../src/collectors/process-cpu.js";
import { parseSnmp } from "../../src/collectors/snmp.js";
import { waitForListen } from "../../src/lab/ip-command.js";
import { readRunFile } from "../../src/run/read-run.js";
import type { RunFile } from "../../src/run/run-file.js";
import { runCli } from "../helpers/cli.js";
import { handOverlay, type HandOverlay } from "../helpers/hand-overlay.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

// Causes injected into a hand-built overlay, all in one plain `run`: a token bucket on the
// underlay, UDP to a closed port, a busy process and TCP traffic. Each figure the run holds is
// checked against an independent source read around it (tc -s, /proc/net/snmp, /proc/<pid>/stat).
let ov: HandOverlay | undefined;
let server: ChildProcess | undefined;
let busy: ChildProcess | undefined;
let run: RunFile;
const dir = tempDir("evidence");
const independent = { before: {} as Record<string, number>, after: {} as Record<string, number> };
// Enough sends for the 99 Hz stacks to catch udp_sendmsg beside a busy loop: 20 000 took ~0.2 s and
// a CI run once sampled none of it below the send entry.
const UDP_DATAGRAMS = 100000;

const snmpIn = (ns: string): Map<string, Map<string, number>> =>
  parseSnmp(execFileSync("ip", ["netns", "exec", ns, "cat", "/proc/net/snmp"], { encoding: "utf8" }));
const tbfStats = (): { overlimits: number; drops: number } => {
  const list = JSON.parse(
    execFileSync("ip", ["netns", "exec", ov!.h1, "tc", "-s", "-j", "qdisc", "show", "dev", "wire0"], {
      encoding: "utf8",
    }),
  ) as Array<{ kind: string; overlimits: number; drops: number }>;
  return list.find((q) => q.kind === "tbf")!;
};
const cpuTicks = (pid: number): number =>
  parseProcessStat(pid, readFileSync(`/proc/${pid}/stat`, "utf8"))!.cpuTicks;

function readIndependent(into: Record<string, number>): void {
  into.at = Date.now() / 1000;
  into.noPorts = snmpIn(ov!.c2).get("Udp")!.get("NoPorts")!;
  into.retrans = snmpIn(ov!.c1).get("Tcp")!.get("RetransSegs")!;
  const tbf = tbfStats();
  into.overlimits = tbf.overlimits;
  into.busyTicks = cpuTicks(busy!.pid!);
}

before(async () => {
  if (kernelSkipReason()) return;
  ov = handOverlay("osev", 94);
  execFileSync("ip", [
    "netns",
    "exec",
    ov.h1,
    "tc",
    "qdisc",
    "add",
    "dev",
    "wire0",
    "root",
    "tbf",
    "rate",
    "30mbit",
    "burst",
    "32kbit",
    "latency",
    "20ms",
  ]);
  server = spawn("ip", ["netns", "exec", ov.c2, "iperf3", "-s", "-p", "5330"], { stdio: "ignore" });
  await waitForListen(ov.c2, "tcp", 5330);
  // perl names itself through prctl when $0 is set: a process the run must name.
  busy = spawn("perl", ["-e", '$0 = "ovsbusy"; 1 while 1'], { stdio: "ignore" });
  readIndependent(independent.before);
  const flood = `import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor _ in range(${UDP_DATAGRAMS}): s.sendto(b"x" * 64, ("${ov.serverAddr}", 9))`;
  const out = join(dir, "evidence.json");
  const r = await runCli([
    "run",
    "--hz",
    "99",
    "--probes",
    "stacks,drops",
    "-o",
    out,
    "--",
    "ip",
    "netns",
    "exec",
    ov.c1,
    "sh",
    "-c",
    `python3 -c '${flood}' && iperf3 -c ${ov.serverAddr} -p 5330 -t 3`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  readIndependent(independent.after);
  run = await readRunFile(out);
});

after(() => {
  busy?.kill("SIGKILL");
  server?.kill("SIGKILL");
  ov?.down();
  rmSync(dir, { recursive: true, force: true });
});

const counterSum = (probe: string, metric: string, match: (a: Record<string, string>) => boolean): number =>
  run.snapshots
    .flatMap((s) => s.counters)
    .filter((c) => c.probe === probe && c.metric === metric && match(c.attributes))
    .reduce((a, c) => a + c.value, 0);
const inode = (ns: string): string =>
  String(run.environment!.start.netns.find((n) => n.names.includes(ns))!.inode);

test("the token bucket on the underlay: its tree in the environment and its overlimits, as tc -s counts them", (t) => {
  if (!requireKernel(t)) return;
  const h1 = run.environment!.start.netns.find((n) => n.names.includes(ov!.h1))!;
  const tbf = h1.qdiscs.find((q) => q.device === "wire0" && q.kind === "tbf");
  assert.ok(tbf, "tbf on wire0 in the environment");
  assert.equal(tbf.options.rate, 30e6 / 8, "rate in bytes/s as tc prints it");
  const stop = run
    .environment!.stop!.netns.find((n) => n.inode === h1.inode)!
    .qdiscs.find((q) => q.kind === "tbf")!;
  const inRun = stop.overlimits - tbf.overlimits;
  const byTc = independent.after.overlimits! - independent.before.overlimits!;
  assert.ok(
    inRun > 0 && inRun <= byTc && inRun >= byTc * 0.9,
    `overlimits ${inRun} in the run, ${byTc} by tc -s around it`,
  );
  const perInterval = counterSum("qdisc", "overlimits", (a) => a.device === "wire0" && a.kind === "tbf");
  assert.ok(perInterval > 0 && perInterval <= byTc, `per-interval overlimits ${perInterval}`);
});

test("drops counted under the reason this kernel names for 'no socket', as many as Udp NoPorts", (t) => {
  if (!requireKernel(t)) return;
  const noSocket = counterSum(
    "drops",
    "packets",
    (a) => a.reason === "NO_SOCKET" && a.netns === inode(ov!.c2),
  );
  const noPorts = independent.after.noPorts! - independent.before.noPorts!;
  assert.ok(noPorts > 100, `NoPorts ${noPorts}`);
  // Within 5%: 0.2-1.9% fewer NO_SOCKET drops than NoPorts were seen across runs, once 3.6%
  // (CI, 2026-12-03), never more; not yet explained (a kfree_skb on an skb still referenced
  // elsewhere fires no tracepoint).
  assert.ok(
    noSocket <= noPorts && noSocket >= noPorts * 0.95,
    `NO_SOCKET ${noSocket}, Udp NoPorts ${noPorts}`,
  );
  assert.ok(
    run.summary.dropStacks.some(
      (s) => s.reasonName === "NO_SOCKET" && s.frames.some((f) => f.startsWith("__udp4_lib_rcv")),
    ),
  );
  assert.ok(
    counterSum("drops", "packets_at", (a) => a.function === "__udp4_lib_rcv") >= noSocket,
    "the function that dropped them",
  );
});

test("TCP retransmissions over the window, as /proc/net/snmp counts them", (t) => {
  if (!requireKernel(t)) return;
  const inRun = counterSum("snmp", "RetransSegs", (a) => a.protocol === "Tcp" && a.netns === inode(ov!.c1));
  const byProc = independent.after.retrans! - independent.before.retrans!;
  assert.ok(byProc > 0, "the token bucket made TCP retransmit");
  assert.ok(inRun <= byProc && inRun >= byProc * 0.9, `RetransSegs ${inRun} in the run, ${byProc} around it`);
  assert.ok(counterSum("snmp", "OutSegs", (a) => a.protocol === "Tcp" && a.netns === inode(ov!.c1)) > 0);
});

test("per-process CPU names the busy process, close to its /proc/<pid>/stat", (t) => {
  if (!requireKernel(t)) return;
  const p = run.processes.find((x) => x.comm === "ovsbusy");
  assert.ok(p, run.processes.map((x) => x.comm).join(", "));
  // Its share of one CPU over the window, against its share over the whole CLI call around it.
  const around =
    (independent.after.busyTicks! - independent.before.busyTicks!) /
    100 /
    (independent.after.at! - independent.before.at!);
  const inRun = p.cpuSeconds / run.durationSeconds;
  assert.ok(inRun <= 1.02, `a single thread uses at most one CPU: ${inRun}`);
  assert.ok(
    Math.abs(inRun - around) <= 0.25,
    `${inRun.toFixed(2)} of a CPU in the run, ${around.toFixed(2)} around it`,
  );
  assert.ok(
    run.summary.processShares.some((x) => x.comm === "ovsbusy" && x.share > 0.1),
    "and in the busy stack samples",
  );
});

test("call depth below the send entry, from the default stack samples", (t) => {
  if (!requireKernel(t)) return;
  const send = run.summary.callDepth.send;
  assert.ok(send.reduce((a, b) => a + b.samples, 0) > 0, "samples below udp_sendmsg/tcp_sendmsg");
  assert.ok(send.every((b) => b.depth >= 0 && b.depth < 128));
  assert.ok(
    run.summary.frameClasses.some((c) => c.class === "encapsulation" && c.samples > 0),
    "VXLAN frames classed",
  );
});
