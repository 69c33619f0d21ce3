import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { StudySchema } from "../../src/lab/study-model.js";
import { readRunFile } from "../../src/run/read-run.js";
import { runCli } from "../helpers/cli.js";
import { dockerInstalled, TestDocker } from "../helpers/docker.js";
import { kernelSkipReason, requireKernel, requireTool } from "../helpers/kernel.js";
import { labNamespaces, labNamespacesSince } from "../helpers/lab-namespaces.js";
import { labOwnerProcess } from "../helpers/lab-owner.js";
import { tempDir } from "../helpers/temp-dir.js";

let docker: TestDocker | undefined;

before(async () => {
  if (kernelSkipReason() || !dockerInstalled()) return;
  docker = await TestDocker.start();
});

after(async () => {
  await docker?.stop();
});

const labContainers = (): string =>
  execFileSync("docker", ["ps", "-a", "-q", "--filter", "label=overlayscope.lab"], {
    encoding: "utf8",
  }).trim();

test("lab study on Docker's own modes: a row per mode from iperf3 run inside the containers, set-up times, nothing left behind", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const out = tempDir("docker-study");
  const labsBefore = labNamespaces();
  const modes = ["docker-bridge", "docker-host", "docker-none", "docker-container"];
  const sweep = "--protocol tcp --length 1400 --seconds 2 --probes stacks --json".split(" ");
  const r = await runCli(["lab", "study", "--topology", ...modes, ...sweep, "-o", out], 300_000);
  assert.equal(r.code, 0, r.stderr);
  const study = StudySchema.parse(JSON.parse(r.stdout));
  assert.deepEqual(
    study.cells.map((c) => c.topology),
    modes,
  );
  for (const c of study.cells) {
    const run = await readRunFile(join(out, c.file));
    assert.equal(run.benchmark?.tool, "iperf3", c.topology);
    assert.ok(c.row.bitsPerSecond > 1e8, `${c.topology}: ${c.row.bitsPerSecond} bit/s`);
    assert.ok((c.row.setupMs ?? 0) > 0, `${c.topology}: set-up time`);
    // The benchmark ran inside the client container, as `docker exec` shows.
    assert.deepEqual(run.command?.argv.slice(0, 2), ["docker", "exec"], c.topology);
    const sent = (run.benchmark.raw as { end: { sum_sent: { bytes: number } } }).end.sum_sent.bytes;
    if (c.topology === "docker-bridge") {
      // The bridge forwarded the flow: the client's host-side veth port (a bridge's own counters
      // count only what reaches the host) received at least the bytes iperf3 sent.
      const perVeth = new Map<string, number>();
      for (const s of run.snapshots)
        for (const d of s.devices.filter((x) => x.netnsName === "" && x.device.startsWith("veth")))
          perVeth.set(d.device, (perVeth.get(d.device) ?? 0) + (d.rxBitsPerSecond / 8) * s.seconds);
      const most = Math.max(0, ...perVeth.values());
      assert.ok(most >= sent * 0.9, `a host veth carried ${most} bytes, iperf3 sent ${sent}`);
    }
  }
  assert.equal(labContainers(), "", "no lab container left");
  assert.deepEqual(labNamespacesSince(labsBefore), [], "no lab namespace left");
});

test("lab up docker-bridge keeps its containers until lab down removes them", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const up = await runCli(["lab", "up", "docker-bridge", "--json"]);
  assert.equal(up.code, 0, up.stderr);
  const lab = JSON.parse(up.stdout) as { id: string; clientNs: string; serverAddr: string };
  execFileSync("ip", ["netns", "exec", lab.clientNs, "ping", "-c", "1", "-W", "2", lab.serverAddr]);
  assert.notEqual(labContainers(), "");
  const down = await runCli(["lab", "down", lab.id]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(labContainers(), "");
});

test("a docker-bridge lab whose process was SIGKILLed: 'lab down' removes its containers and namespaces", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const { owner, id, exited } = await labOwnerProcess("docker-bridge");
  owner.kill("SIGKILL");
  await exited;
  const mine = (): string =>
    execFileSync("docker", ["ps", "-a", "-q", "--filter", `label=overlayscope.lab=${id}`], {
      encoding: "utf8",
    }).trim();
  assert.notEqual(mine(), "", "its containers outlived it");
  const down = await runCli(["lab", "down", id]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(mine(), "", "no container of the orphan left");
  assert.deepEqual(
    labNamespaces().filter((n) => n.startsWith(`${id}-`)),
    [],
  );
});

test("docker-overlay: run -- docker exec … iperf3 across a two-node swarm overlay shows VXLAN frames and the overlay network's VXLAN device with its VNI; lab down leaves nothing", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "dockerd")) return;
  const up = await runCli(["lab", "up", "docker-overlay", "--json"], 180_000);
  assert.equal(up.code, 0, up.stderr);
  const lab = JSON.parse(up.stdout) as { id: string; serverAddr: string };
  const node = (n: number): string[] => ["-H", `unix:///run/overlayscope/docker-nodes/${lab.id}-n${n}.sock`];
  try {
    const vni = Number(
      execFileSync(
        "docker",
        [
          ...node(1),
          "network",
          "inspect",
          `${lab.id}-ovl`,
          "--format",
          '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}',
        ],
        { encoding: "utf8" },
      ).trim(),
    );
    assert.ok(vni > 0, "the overlay network's VNI, as docker network inspect has it");
    execFileSync("docker", [...node(2), "exec", "-d", `${lab.id}-s1`, "iperf3", "-s", "-1"]);
    const listening = (): boolean =>
      execFileSync("docker", [...node(2), "exec", `${lab.id}-s1`, "ss", "-ltnH", "sport = :5201"], {
        encoding: "utf8",
      }).trim() !== "";
    for (let i = 0; i < 100 && !listening(); i++) await new Promise((res) => setTimeout(res, 100));
    const out = join(tempDir("docker-overlay"), "overlay.json");
    // As a user would: the benchmark through docker exec, on the client's node.
    const r = await runCli(
      [
        "run",
        "--probes",
        "stacks:hz=499",
        "-o",
        out,
        "--",
        "docker",
        ...node(1),
        "exec",
        `${lab.id}-c1`,
        "iperf3",
        "-c",
        lab.serverAddr,
        "-u",
        "-b",
        "0",
        "-l",
        "1400",
        "-t",
        "3",
      ],
      120_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const run = await readRunFile(out);
    assert.equal(run.benchmark?.tool, "iperf3");
    assert.ok((run.benchmark?.packetsReceived ?? 0) > 1000, JSON.stringify(run.benchmark));
    assert.ok(
      run.profile.stacks.some((s) => s.frames.some((f) => f.startsWith("vxlan_"))),
      "VXLAN encapsulation frames sampled",
    );
    const sandbox = run.environment!.start.netns.find((n) => n.names.includes(`${lab.id}-ovl1`));
    assert.ok(
      sandbox,
      `the overlay's namespace on node 1: ${run.environment!.start.netns.map((n) => n.names.join("/")).join(", ")}`,
    );
    const vx = (
      sandbox.devices as Array<{ link: { name: string; kind: string; vxlan?: { vni: number } } }>
    ).find((d) => d.link.kind === "vxlan");
    assert.equal(vx?.link.vxlan?.vni, vni, "the vxlan device carries the network's VNI");
  } finally {
    const down = await runCli(["lab", "down", lab.id], 120_000);
    assert.equal(down.code, 0, down.stderr);
  }
  assert.doesNotMatch(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }), new RegExp(lab.id));
  assert.doesNotMatch(
    execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }),
    new RegExp(`docker-nodes/${lab.id}`),
  );
  assert.doesNotMatch(
    execFileSync("mount", [], { encoding: "utf8" }),
    new RegExp(lab.id),
    "no mount of the nodes left",
  );
});
