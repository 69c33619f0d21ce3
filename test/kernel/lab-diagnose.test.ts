import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Diagnosis } from "../../src/diagnose/diagnose.js";
import { LAB_OWNERS_DIR } from "../../src/lab/lab-owners.js";
import type { LabStatus } from "../../src/lab/lab-state.js";
import { readRunFile } from "../../src/run/read-run.js";
import { runCli } from "../helpers/cli.js";
import { requireKernel } from "../helpers/kernel.js";
import { labNamespaces, labNamespacesSince } from "../helpers/lab-namespaces.js";
import { labOwnerProcess } from "../helpers/lab-owner.js";
import { tempDir } from "../helpers/temp-dir.js";

const dir = tempDir("lab");

function netnsList(): string {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
}

async function bench(args: string[]): Promise<
  Array<{
    topology: string;
    file: string;
    probedFile?: string;
    benchmark: { packetsReceived: number; bitsPerSecond: number };
  }>
> {
  const r = await runCli(["lab", "bench", "--json", "-o", dir, "--seconds", "3", ...args], 300_000);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{
    topology: string;
    file: string;
    probedFile?: string;
    benchmark: { packetsReceived: number; bitsPerSecond: number };
  }>;
}

async function diagnoseJson(a: string, b: string): Promise<Diagnosis> {
  const r = await runCli(["diagnose", a, b, "--json", "--report", join(dir, "why.html")]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Diagnosis;
}

const codes = (d: Diagnosis): string[] => d.findings.map((f) => f.code);

test("lab up / status / down keep and remove a topology; unsupported ones name the missing kernel feature", async (t) => {
  if (!requireKernel(t)) return;
  const up = await runCli(["lab", "up", "overlay", "--json"]);
  assert.equal(up.code, 0, up.stderr);
  const lab = JSON.parse(up.stdout) as { id: string; clientNs: string; serverAddr: string; setupMs: number };
  assert.ok(lab.setupMs > 0);
  execFileSync("ip", ["netns", "exec", lab.clientNs, "ping", "-c", "1", "-W", "2", lab.serverAddr]);
  const status = JSON.parse((await runCli(["lab", "status", "--json"])).stdout) as LabStatus[];
  assert.ok(status.some((s) => s.id === lab.id && s.alive && s.state === "kept"));
  assert.equal(existsSync(join(LAB_OWNERS_DIR, lab.id)), false, "a kept lab is recorded as kept, not owned");
  const down = await runCli(["lab", "down", lab.id]);
  assert.equal(down.code, 0, down.stderr);
  assert.doesNotMatch(netnsList(), new RegExp(lab.id));
  for (const topo of ["bridge", "macvlan", "none", "container"]) {
    const r = await runCli(["lab", "up", topo, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const l = JSON.parse(r.stdout) as { id: string; clientNs: string; serverAddr: string };
    execFileSync("ip", ["netns", "exec", l.clientNs, "ping", "-c", "1", "-W", "2", l.serverAddr]);
    assert.equal((await runCli(["lab", "down", l.id])).code, 0);
  }
  const ipip = await runCli(["lab", "up", "ipip"]);
  assert.equal(ipip.code, 3);
  assert.match(ipip.stderr, /cannot be built here: the kernel has no IPIP tunnel driver \(CONFIG_NET_IPIP\)/);
  const bad = await runCli(["lab", "down", "../etc"]);
  assert.equal(bad.code, 2);
});

test("a lab whose process was SIGKILLed is listed as orphaned and 'lab down' removes it; while its process runs, it is in use and refused", async (t) => {
  if (!requireKernel(t)) return;
  const { owner, id, exited } = await labOwnerProcess("overlay");
  try {
    const statusOf = async (): Promise<LabStatus | undefined> =>
      (JSON.parse((await runCli(["lab", "status", "--json"])).stdout) as LabStatus[]).find(
        (l) => l.id === id,
      );
    const inUse = await statusOf();
    assert.equal(inUse?.state, "in-use");
    assert.equal(inUse?.owner, owner.pid);
    assert.ok(inUse.alive && inUse.namespaces.length === 4, inUse.namespaces.join(" "));
    const refused = await runCli(["lab", "down", id]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, new RegExp(`lab ${id} is in use by process ${owner.pid}`));
    assert.equal(labNamespaces().filter((n) => n.startsWith(`${id}-`)).length, 4, "refused: still there");

    owner.kill("SIGKILL");
    await exited;
    const orphan = await statusOf();
    assert.equal(orphan?.state, "orphaned");
    assert.deepEqual(orphan.namespaces, inUse.namespaces);
    const text = await runCli(["lab", "status"]);
    assert.match(text.stdout, new RegExp(`^${id}\\s+orphaned`, "m"));
    assert.match(text.stdout, /'overlayscope lab down ID' or 'lab down --all' removes it/);
    const down = await runCli(["lab", "down", id, "--json"]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(JSON.parse(down.stdout), { removed: [id] });
    assert.equal(labNamespaces().filter((n) => n.startsWith(`${id}-`)).length, 0, "orphan removed");
    assert.equal(await statusOf(), undefined);
    assert.equal(existsSync(join(LAB_OWNERS_DIR, id)), false, "its owner record went with it");
  } finally {
    owner.kill("SIGKILL");
  }
});

test("host vs overlay, UDP 64 B: the diagnosis names VXLAN frames, a deeper path, more softirq work and a lower packet rate", async (t) => {
  if (!requireKernel(t)) return;
  const labsBefore = labNamespaces();
  const runs = await bench([
    "--topology",
    "host",
    "overlay",
    "--protocol",
    "udp",
    "--length",
    "64",
    "--probes",
    "softirq,stacks:hz=299,udp_sendmsg:sample_every=100",
    "--latency",
    "1",
  ]);
  assert.equal(runs.length, 2);
  assert.deepEqual(labNamespacesSince(labsBefore), [], "lab torn down");
  const overlay = await readRunFile(runs[1]!.file);
  assert.ok(
    overlay.benchmark && overlay.benchmark.packetsReceived > 1000,
    "iperf3's own figures are in the run file",
  );
  assert.ok((overlay.lab?.setupMs ?? 0) > 0);
  assert.ok((overlay.latency?.avgUs ?? 0) > 0, "sockperf latency recorded through the same lab");
  const d = await diagnoseJson(runs[0]!.file, runs[1]!.file);
  const c = codes(d);
  // The verdict needs the gap to clear this VM's run-to-run noise, which a 3 s pair under
  // per-packet probes does not always do; the encapsulation work is there either way (a cause
  // when the verdict is slower, a note otherwise), and the overlay is never "faster".
  assert.notEqual(d.verdict, "faster");
  if (d.verdict === "slower") assert.equal(d.findings[0]!.kind, "symptom");
  assert.ok(c.includes("ENCAPSULATION_WORK"), c.join(","));
  const encap = d.findings.find((f) => f.code === "ENCAPSULATION_WORK")!;
  assert.equal(encap.kind, d.verdict === "slower" ? "cause" : "note");
  assert.ok(
    encap.evidence.some((e) => e.what.startsWith("vxlan_") || e.what.startsWith("br_")),
    encap.evidence.map((e) => e.what).join(","),
  );
  assert.ok(d.figures.subject.packetsPerSecond < d.figures.baseline.packetsPerSecond);
  // Rates were measured with the per-packet probes off; their depth comes from the probed phase.
  assert.equal(overlay.lab?.phase, "rates");
  assert.deepEqual(
    overlay.probes.map((p) => p.name).sort(),
    ["stacks"],
    "softirq and udp_sendmsg (per-interrupt, per-packet) are not attached while rates are measured",
  );
  const probed = await readRunFile(runs[1]!.probedFile!);
  assert.equal(probed.lab?.phase, "probed");
  assert.ok(probed.probes.some((p) => p.name === "udp_sendmsg"));
  const dp = await diagnoseJson(runs[0]!.probedFile!, runs[1]!.probedFile!);
  assert.ok(dp.figures.subject.depth!.mean > dp.figures.baseline.depth!.mean, "udp_sendmsg probe depth");
  // The deeper path is named from the probe's depth at each transmit, the path's own figure.
  const deeper = dp.findings.find((f) => f.code === "DEEPER_CALL_PATH");
  assert.ok(deeper, codes(dp).join(","));
  assert.ok(deeper.evidence.some((e) => e.source.startsWith("udp_sendmsg probe")));
  assert.ok(
    d.findings.every((f) => f.evidence.every((e) => e.source.length > 0)),
    "no number without its source",
  );
  assert.ok(c.includes("CACHE_AND_MEMORY"));
});

test("host vs overlay, TCP: lower throughput and VXLAN encapsulation frames added", async (t) => {
  if (!requireKernel(t)) return;
  const runs = await bench([
    "--topology",
    "host",
    "overlay",
    "--protocol",
    "tcp",
    "--length",
    "65536",
    "--probes",
    "softirq,stacks:hz=299",
  ]);
  const d = await diagnoseJson(runs[0]!.file, runs[1]!.file);
  // One host run of 3 s on this VM can land below the overlay's (8.1 vs 8.2 Gbit/s seen once):
  // the raw figures are not compared, the verdict is, and it must never say faster beyond noise.
  assert.notEqual(
    d.verdict,
    "faster",
    `${d.figures.subject.bitsPerSecond} vs ${d.figures.baseline.bitsPerSecond}`,
  );
  // With segmentation offloads a TCP overlay costs little per byte here (8.2-8.6 vs 8.4 Gbit/s
  // on the host path in three runs): the overlay's own mechanisms are named (as causes or notes),
  // and nothing else is, but for the host's own draw (HOST_CONTENTION, from /proc/stat's steal):
  // on this machine kind the hypervisor took 23% of the CPUs in one run and 6% in the next
  // (2026-12-06), which the diagnosis says whatever the lab did.
  const OVERLAY_OWN = [
    "ENCAPSULATION_WORK",
    "DEEPER_CALL_PATH",
    "MORE_SOFTIRQ_WORK_PER_PACKET",
    "NETFILTER_COST",
  ];
  const found = d.findings
    .filter((f) => f.kind !== "symptom" && f.code !== "CACHE_AND_MEMORY" && !f.fromHost)
    .map((f) => f.code);
  assert.ok(
    found.some((c) => OVERLAY_OWN.includes(c)),
    JSON.stringify(codes(d)),
  );
  assert.deepEqual(
    found.filter((c) => !OVERLAY_OWN.includes(c) && c !== "TCP_RETRANSMISSIONS"),
    [],
    `nothing but the overlay's own work: ${d.findings.map((f) => `${f.code}: ${f.title}`).join("; ")}`,
  );
});

test("an injected configuration cause (checksum offload off in the container) is named, with its effect", async (t) => {
  if (!requireKernel(t)) return;
  // TCP: without tx checksumming the kernel also gives up segmentation offload, so the change
  // shows as CPU per packet; a configuration difference without an effect is not named.
  const base = await bench([
    "--topology",
    "overlay",
    "--protocol",
    "tcp",
    "--length",
    "65536",
    "--probes",
    "softirq,stacks",
  ]);
  const baseFile = join(dir, "overlay-clean.json");
  execFileSync("mv", [base[0]!.file, baseFile]);
  const broken = await bench([
    "--topology",
    "overlay",
    "--protocol",
    "tcp",
    "--length",
    "65536",
    "--probes",
    "softirq,stacks",
    "--inject",
    "client:ethtool -K eth0 tx off",
  ]);
  const d = await diagnoseJson(baseFile, broken[0]!.file);
  const off = d.findings.find((f) => f.code === "OFFLOAD_CHANGED");
  assert.ok(off, codes(d).join(","));
  assert.ok(
    off.evidence.some((e) => /^c1\/eth0 tx-checksumming/.test(e.what)),
    JSON.stringify(off.evidence),
  );
  assert.ok(!codes(d).includes("MTU_MISMATCH"), "the MTUs did not change");
});

test("--inject refuses commands outside its allow-list", async (t) => {
  if (!requireKernel(t)) return;
  const r = await runCli(["lab", "bench", "--inject", "client:rm -rf /", "-o", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--inject: the command must start with one of ethtool, ip, sysctl, tc/);
});
