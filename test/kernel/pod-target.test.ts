import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CriClient } from "../../src/containers/cri-api.js";
import { ensureLabRoot } from "../../src/lab/docker-image.js";
import { readRunFile } from "../../src/run/read-run.js";
import { runCli } from "../helpers/cli.js";
import { TestCri } from "../helpers/cri.js";
import { eth0Rx, runEth0Rx } from "../helpers/eth0-rx.js";
import { kernelSkipReason, requireKernel, requireTool } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

const tag = randomBytes(3).toString("hex");
const POD = `web-${tag}`;
const dir = tempDir("pod");
/** A fixed offered rate, so the run's packet rate has an expected value. */
const DATAGRAM = 1000;
const BITRATE = 40e6;
let cri: TestCri | undefined;
const ids: Record<string, string> = {};
const containerdAvailable = (): boolean =>
  spawnSync("containerd", ["--version"], { stdio: "ignore" }).status === 0;
/** The daemon finds this node's CRI socket as it would a kubelet's --container-runtime-endpoint. */
const env = (): Record<string, string> => ({ OVERLAYSCOPE_CRI_ENDPOINTS: cri!.socket });

before(async () => {
  if (kernelSkipReason() || !containerdAvailable()) return;
  cri = await TestCri.start(await ensureLabRoot((m) => process.stderr.write(`${m}\n`)));
  // The same pod name in two namespaces, as two teams' deployments would have it.
  ids["team-a"] = await cri.runPod(POD, "team-a");
  ids["team-b"] = await cri.runPod(POD, "team-b");
});

after(async () => {
  await cri?.stop();
});

async function sandbox(id: string): Promise<{ pid: number; ip: string; netns: string }> {
  const c = new CriClient(cri!.socket);
  try {
    const s = await c.podStatus(id);
    const info = JSON.parse(s.info.info!) as {
      pid: number;
      runtimeSpec: { linux: { namespaces: Array<{ type: string; path?: string }> } };
    };
    const netns = info.runtimeSpec.linux.namespaces.find((n) => n.type === "network")?.path ?? "";
    return { pid: info.pid, ip: s.status!.network!.ip, netns };
  } finally {
    c.close();
  }
}

test("record --pod NAME --namespace NS: the pod's sandbox through the CRI, its pid, network namespace and IP; its traffic counted", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "containerd")) return;
  const { pid, ip } = await sandbox(ids["team-a"]!);
  assert.match(ip, /^10\.213\.0\.\d+$/);
  // A paced UDP flow from the host into the pod (5000 datagrams/s: pings came in bursts when the
  // recording's start-up took the CPU), to an iperf3 server in the pod's network namespace.
  const server = spawn("nsenter", [`--net=/proc/${pid}/ns/net`, "iperf3", "-s", "-p", "5301"], {
    stdio: "ignore",
  });
  const client = spawn(
    "sh",
    ["-c", `until iperf3 -c ${ip} -p 5301 -u -b ${BITRATE} -l ${DATAGRAM} -t 600; do sleep 0.2; done`],
    { stdio: "ignore" },
  );
  t.after(() => {
    client.kill("SIGKILL");
    spawnSync("pkill", ["-f", `iperf3 -c ${ip} -p 5301`]);
    server.kill("SIGKILL");
  });
  const out = join(dir, "pod.json");
  // Once the flow arrives; then the kernel's counter over the same span as the recording.
  for (let i = 0; i < 100 && eth0Rx(pid) < 1000; i++) await new Promise((r) => setTimeout(r, 100));
  const rx0 = eth0Rx(pid);
  const t0 = performance.now();
  const r = await runCli(
    ["record", "--pod", POD, "--namespace", "team-a", "--duration", "3s", "-o", out],
    120_000,
    env(),
  );
  const independent = (eth0Rx(pid) - rx0) / ((performance.now() - t0) / 1000);
  assert.equal(r.code, 0, r.stderr);
  const run = await readRunFile(out);
  const c = run.container!;
  assert.equal(c.runtime, "containerd");
  assert.equal(c.id, ids["team-a"]);
  assert.equal(c.name, POD);
  assert.deepEqual(
    { ...c.pod, uid: "" },
    { name: POD, namespace: "team-a", uid: "", criSocket: cri!.socket },
  );
  assert.equal(c.namespace, "k8s.io");
  assert.equal(c.pid, pid);
  assert.equal(c.netns.inode, statSync(`/proc/${pid}/ns/net`).ino);
  assert.notEqual(c.netns.inode, statSync(`/proc/self/ns/net`).ino, "not the host's namespace");
  assert.equal(c.networks[0]?.address, ip);
  assert.match(c.image, /overlayscope-pause/);
  assert.match(run.target, new RegExp(`^pod team-a/${POD} \\(containerd sandbox `));
  // The environment names every ready pod with its namespace, each sandbox once (as the pod, not
  // also as the containerd task it is).
  const seen = run.environment!.start.containers ?? [];
  assert.deepEqual(
    seen
      .filter((x) => x.pod?.name === POD)
      .map((x) => x.pod!.namespace)
      .sort(),
    ["team-a", "team-b"],
  );
  assert.equal(seen.filter((x) => x.id === ids["team-a"]).length, 1);
  // The pod's eth0 received the flow, as the kernel's own counter in the pod says.
  const rx = runEth0Rx(run, c.netns.inode);
  assert.ok(rx.intervals >= 2, `eth0 of the pod in ${run.snapshots.length} snapshots`);
  assert.ok(
    Math.abs(rx.mean - independent) / independent < 0.2,
    `run: ${rx.mean.toFixed(0)} packets/s on the pod's eth0, /proc/${pid}/net/dev: ${independent.toFixed(0)}`,
  );
  assert.ok(
    independent > (BITRATE / 8 / DATAGRAM) * 0.5,
    `the flow ran: ${independent.toFixed(0)} packets/s`,
  );
});

test("--pod errors: a name in two namespaces lists both, an unknown pod lists the ready ones, bad names are refused; nothing recorded", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "containerd")) return;
  const out = join(dir, "none.json");
  const both = await runCli(["record", "--pod", POD, "--duration", "1s", "-o", out], 120_000, env());
  assert.notEqual(both.code, 0);
  assert.match(
    both.stderr,
    new RegExp(`is in 2 namespaces: .*team-a/${POD}.*team-b/${POD}.*give --namespace`),
  );
  const none = await runCli(
    ["record", "--pod", `nope-${tag}`, "--duration", "1s", "-o", out],
    120_000,
    env(),
  );
  assert.notEqual(none.code, 0);
  assert.match(
    none.stderr,
    new RegExp(`no ready pod "nope-${tag}" \\(looked in ${cri!.socket}; ready: .*team-a/${POD}`),
  );
  const bad = await runCli(["record", "--pod", "Web_1;rm", "-o", out], 120_000, env());
  assert.match(bad.stderr, /not a pod name/);
  const ns = await runCli(["record", "--namespace", "team-a", "-o", out], 120_000, env());
  assert.match(ns.stderr, /--namespace: goes with --pod NAME/);
  assert.throws(() => statSync(out), "no run file");
});

test("the CRI node's leftovers are gone: pods' namespaces, shims, the CNI bridge", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "containerd")) return;
  const { pid, netns } = await sandbox(ids["team-a"]!);
  assert.match(netns, /^\/var\/run\/netns\/cni-/, "the pod's namespace, pinned by the CNI");
  await cri!.stop();
  const socket = cri!.socket;
  cri = undefined;
  assert.notEqual(
    spawnSync("pgrep", ["-f", `containerd-shim.*${socket}`]).status,
    0,
    "a pod's shim still runs",
  );
  assert.throws(() => statSync(`/proc/${pid}`), "the sandbox process is gone");
  assert.throws(() => statSync(netns), "the pod's network namespace is gone");
  assert.notEqual(spawnSync("ip", ["link", "show", "ospods0"], { stdio: "ignore" }).status, 0, "bridge left");
});
