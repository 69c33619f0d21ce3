import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { labDown, labUp, type Lab } from "../../src/lab/topology.js";
import { readRunFile } from "../../src/run/read-run.js";
import { EAGER_NAMESPACES } from "../../src/session/session-environment.js";
import { CLI_ARGV, runCli } from "../helpers/cli.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startUdpFlow } from "../helpers/lab-flow.js";

// More quiet namespaces than a session reads eagerly, each with a veth pair that moves nothing.
const QUIET = Array.from({ length: EAGER_NAMESPACES + 4 }, (_x, i) => `osquiet-${process.pid}-${i}`);
const dir = tempDir("busyns");
let lab: Lab | undefined;

const ipBatch = (lines: string[], force = false): void => {
  const file = join(dir, "batch");
  writeFileSync(file, lines.join("\n"));
  execFileSync("ip", [...(force ? ["-force"] : []), "-batch", file]);
};

before(async () => {
  if (kernelSkipReason()) return;
  lab = await labUp("overlay");
  ipBatch(
    QUIET.flatMap((ns) => [`netns add ${ns}`, `link add va netns ${ns} type veth peer name vb netns ${ns}`]),
  );
});

after(async () => {
  if (lab) await labDown(lab);
  if (!kernelSkipReason())
    ipBatch(
      QUIET.map((ns) => `netns del ${ns}`),
      true,
    );
});

test("on a host with many namespaces, the environment reads the flow's path and lists the quiet ones", async (t) => {
  if (!requireKernel(t)) return;
  const flow = await startUdpFlow(lab!, { port: 5302, bitrate: "20M", length: 256 });
  try {
    const out = join(dir, "busy.json");
    const r = await runCli(["record", "--all", "--duration", "4s", "--probes", "softirq", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    const run = await readRunFile(out);
    const env = run.environment!;
    const byName = (ns: string) => env.start.netns.find((n) => n.names.includes(ns));
    const unread = new Set((env.start.notReread ?? []).flatMap((n) => n.names));
    // Every quiet namespace is listed as present and not read, at the start and at the stop.
    for (const ns of QUIET) {
      assert.ok(unread.has(ns), `${ns} listed as not read at start`);
      assert.equal(byName(ns), undefined, `${ns} not read`);
    }
    const stopUnread = new Set((env.stop?.notReread ?? []).flatMap((n) => n.names));
    assert.ok(
      QUIET.every((ns) => stopUnread.has(ns)),
      "quiet at stop too",
    );
    // The flow's namespaces were read once they carried it, after the snapshot itself.
    for (const ns of [lab!.clientNs, lab!.serverNs, `${lab!.id}-h1`, `${lab!.id}-h2`]) {
      const n = byName(ns);
      assert.ok(
        n,
        `${ns} on the flow's path read (unread: ${[...unread].filter((u) => !u.startsWith("osquiet")).join(", ")})`,
      );
      assert.ok(n.takenAt !== undefined && n.takenAt >= env.start.takenAt, `${ns} read after the start`);
    }
    // As `ip -d link` says, in the namespace read late: the VXLAN device with its VNI.
    const links = JSON.parse(
      execFileSync("ip", ["-n", `${lab!.id}-h1`, "-j", "-d", "link", "show", "vx0"], { encoding: "utf8" }),
    ) as Array<{ linkinfo: { info_kind: string; info_data: { id: number } } }>;
    const vx = byName(`${lab!.id}-h1`)!.devices.find((d) => d.link.name === "vx0");
    assert.equal(vx?.link.kind, "vxlan");
    assert.equal(vx?.link.vxlan?.vni, links[0]!.linkinfo.info_data.id);
    // Our own namespace is read at the start, as always.
    assert.equal(env.start.netns[0]!.takenAt, undefined);
    // Read late is not "appeared": no namespace change is reported.
    assert.deepEqual(
      env.changes.filter((c) => c.what === "namespace"),
      [],
    );
  } finally {
    flow.stop();
  }
});

/** Pids of processes inside a namespace, found by their /proc/<pid>/ns/net link. */
function processesIn(ns: string): number[] {
  const inode = `net:[${statSync(`/var/run/netns/${ns}`).ino}]`;
  const out: number[] = [];
  for (const p of readdirSync("/proc").filter((e) => /^\d+$/.test(e)))
    try {
      if (readlinkSync(`/proc/${p}/ns/net`) === inode) out.push(Number(p));
    } catch {
      // gone
    }
  return out;
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a recording killed with SIGKILL leaves no process in the namespaces it anchored", async (t) => {
  if (!requireKernel(t)) return;
  const quiet = QUIET[0]!;
  assert.deepEqual(processesIn(quiet), [], "nothing in the namespace before");
  const cli = spawn(
    CLI_ARGV[0]!,
    [...CLI_ARGV.slice(1), "record", "--all", "--duration", "60s", "-o", join(dir, "killed.json")],
    {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, OVERLAYSCOPE_LOG_LEVEL: "info" },
    },
  );
  let stderr = "";
  cli.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    // The anchor is there once the recording runs: the namespace has no process of its own.
    await until("the recording", () => /recording session/.test(stderr));
    assert.ok(processesIn(quiet).length > 0, "an anchor in the quiet namespace while recording");
    cli.kill("SIGKILL");
    await new Promise((r) => cli.once("exit", r));
    // Each anchor sees its own stdin close and exits on its own schedule: wait for all of them
    // (a process still there after the deadline is the failure, named by namespace).
    await until("no process in the quiet namespaces", () =>
      QUIET.every((ns) => processesIn(ns).length === 0),
    ).catch(() => undefined);
    for (const ns of QUIET) assert.deepEqual(processesIn(ns), [], ns);
  } finally {
    cli.kill("SIGKILL");
    // A killed CLI cannot remove its embedded daemon's socket directory.
    const sock = /"socket":"([^"]+)\/embedded\.sock"/.exec(stderr)?.[1];
    if (sock) rmSync(sock, { recursive: true, force: true });
  }
});
