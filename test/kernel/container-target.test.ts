import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ensureLabRoot, LAB_IMAGE } from "../../src/lab/docker-image.js";
import { readRunFile } from "../../src/run/read-run.js";
import { runCli } from "../helpers/cli.js";
import { TestDocker } from "../helpers/docker.js";
import { eth0Rx, runEth0Rx } from "../helpers/eth0-rx.js";
import { TestPodman } from "../helpers/podman.js";
import { kernelSkipReason, requireKernel, requireTool } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

const tag = randomBytes(3).toString("hex");
const SERVER = `os-srv-${tag}`;
const CLIENT = `os-cli-${tag}`;
/** A fixed offered rate, so the run's packet rate has an expected value. */
const DATAGRAM = 1000;
const BITRATE = 40e6;
const dir = tempDir("container");
let docker: TestDocker | undefined;
const dockerAvailable = (): boolean => spawnSync("dockerd", ["--version"], { stdio: "ignore" }).status === 0;
const iptablesBefore = spawnSync("iptables-save", [], { encoding: "utf8" }).stdout ?? "";
const hadDocker0 = spawnSync("ip", ["link", "show", "docker0"], { stdio: "ignore" }).status === 0;

before(async () => {
  if (kernelSkipReason() || !dockerAvailable()) return;
  docker = await TestDocker.start();
  docker.run(SERVER, [], ["iperf3", "-s"]);
  const ip = docker.inspect(SERVER, "{{.NetworkSettings.IPAddress}}");
  // Started once the server listens: iperf3 -s prints nothing before it does, so retry its dial.
  docker.run(
    CLIENT,
    [],
    ["sh", "-c", `until iperf3 -c ${ip} -u -b ${BITRATE} -l ${DATAGRAM} -t 600; do sleep 0.2; done`],
  );
});

after(async () => {
  await docker?.stop();
});

test("record --container NAME: a Docker container resolved to its runtime, image, pid, network namespace and network, its traffic counted", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const pid = Number(docker!.inspect(SERVER, "{{.State.Pid}}"));
  // The flow is running before the recording starts: its first datagrams reached the server.
  for (let i = 0; i < 100 && eth0Rx(pid) < 1000; i++) await new Promise((r) => setTimeout(r, 100));
  const out = join(dir, "server.json");
  const rx0 = eth0Rx(pid);
  const t0 = performance.now();
  const r = await runCli(["record", "--container", SERVER, "--duration", "3s", "-o", out, "--json"]);
  const independent = (eth0Rx(pid) - rx0) / ((performance.now() - t0) / 1000);
  assert.equal(r.code, 0, r.stderr);
  const run = await readRunFile(out);
  const c = run.container!;
  assert.equal(c.runtime, "docker");
  assert.equal(c.name, SERVER);
  assert.equal(c.id, docker!.inspect(SERVER, "{{.Id}}"));
  assert.equal(c.image, LAB_IMAGE);
  assert.equal(c.pid, pid);
  assert.equal(c.netns.inode, statSync(`/proc/${pid}/ns/net`).ino);
  assert.match(run.target, new RegExp(`^container ${SERVER} \\(docker `));
  const net = c.networks.find((n) => n.name === "bridge");
  assert.ok(net, JSON.stringify(c.networks));
  assert.equal(net.driver, "bridge");
  assert.equal(net.address, docker!.inspect(SERVER, "{{.NetworkSettings.IPAddress}}"));
  assert.deepEqual(
    net.subnets,
    [docker!.inspect("bridge", "{{range .IPAM.Config}}{{.Subnet}}{{end}}")],
    "the network's subnet, as docker network inspect has it",
  );
  // The environment names every running container with its namespace and network.
  const seen = run.environment!.start.containers ?? [];
  for (const name of [SERVER, CLIENT]) {
    const e = seen.find((x) => x.name === name);
    assert.ok(e, `${name} in the environment's containers: ${seen.map((x) => x.name).join(", ")}`);
    assert.equal(e.netns.inode, statSync(`/proc/${e.pid}/ns/net`).ino);
    assert.equal(e.networks[0]?.driver, "bridge");
  }
  // The container's eth0 carried the flow: ~5000 datagrams/s offered, the kernel's counter agrees.
  const rx = runEth0Rx(run, c.netns.inode);
  assert.ok(rx.intervals >= 2, `eth0 of the container in ${run.snapshots.length} snapshots`);
  const mean = rx.mean;
  assert.ok(
    Math.abs(mean - independent) / independent < 0.2,
    `run: ${mean.toFixed(0)} packets/s on eth0, /proc/${pid}/net/dev: ${independent.toFixed(0)}`,
  );
  assert.ok(
    independent > (BITRATE / 8 / DATAGRAM) * 0.5,
    `the flow ran: ${independent.toFixed(0)} packets/s`,
  );
});

/** A one-second `record --container NAME --runtime RUNTIME`: the run's resolved container. */
async function recordContainer(name: string, runtime: string) {
  const out = join(dir, `${runtime}.json`);
  const r = await runCli([
    "record",
    "--container",
    name,
    "--runtime",
    runtime,
    "--duration",
    "1s",
    "-o",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return (await readRunFile(out)).container!;
}

test("--container through containerd (ctr): Docker's container by id prefix in the moby namespace, the same process", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const id = docker!.inspect(SERVER, "{{.Id}}");
  const c = await recordContainer(id.slice(0, 12), "containerd");
  assert.equal(c.runtime, "containerd");
  assert.equal(c.namespace, "moby");
  assert.equal(c.id, id);
  assert.equal(c.pid, Number(docker!.inspect(SERVER, "{{.State.Pid}}")));
});

test("--container with no such container: NOT_FOUND naming where it looked and what runs; nothing recorded", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const out = join(dir, "none.json");
  const r = await runCli(["record", "--container", `nope-${tag}`, "--duration", "1s", "-o", out]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`no running container "nope-${tag}"`));
  assert.match(r.stderr, new RegExp(`running: .*${SERVER} \\(docker`));
  assert.throws(() => statSync(out), "no run file");
  const bad = await runCli(["record", "--container", "a;rm -rf /", "-o", out]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /not a container name or id/);
  const runtime = await runCli(["record", "--container", SERVER, "--runtime", "lxc", "-o", out]);
  assert.match(runtime.stderr, /runtime: unknown "lxc" \(known: docker, podman, containerd\)/);
});

test("Docker's leftovers are gone after the tests: containers, dockerd started here, docker0, iptables rules", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const started = docker!.startedDaemon;
  await docker!.stop();
  docker = undefined;
  if (started) {
    assert.notEqual(spawnSync("pgrep", ["-x", "dockerd"]).status, 0, "dockerd started here still runs");
    assert.notEqual(spawnSync("pgrep", ["-f", "containerd-shim"]).status, 0, "a container's shim still runs");
  } else
    assert.notEqual(
      spawnSync("docker", ["inspect", SERVER], { stdio: "ignore" }).status,
      0,
      "container left",
    );
  if (!hadDocker0)
    assert.notEqual(
      spawnSync("ip", ["link", "show", "docker0"], { stdio: "ignore" }).status,
      0,
      "docker0 left",
    );
  const now = execFileSync("iptables-save", [], { encoding: "utf8" });
  // Tables, chains with their policies, and rules; not the comments and packet counters.
  const rules = (text: string): string[] =>
    text
      .split("\n")
      .filter((l) => /^[*:-]/.test(l))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, ""));
  assert.deepEqual(rules(now), rules(iptablesBefore), "iptables tables, policies and rules as before");
});

test("--container through Podman's API socket: a podman container by name, its pid and network namespace", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "podman")) return;
  const pod = await TestPodman.start(await ensureLabRoot((m) => process.stderr.write(`${m}\n`)));
  t.after(() => pod.stop());
  const name = `os-podman-${tag}`;
  pod.run(name, ["sleep", "infinity"]);
  const pid = Number(pod.inspect(name, "{{.State.Pid}}"));
  const c = await recordContainer(name, "podman");
  assert.equal(c.runtime, "podman");
  assert.equal(c.name, name);
  assert.equal(c.pid, pid);
  assert.equal(c.netns.inode, statSync(`/proc/${pid}/ns/net`).ino);
  assert.ok(c.id.startsWith(pod.inspect(name, "{{.Id}}").slice(0, 12)));
});
