import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Metadata } from "@grpc/grpc-js";
import { status, type ServiceError } from "@grpc/grpc-js";
import { ProfilerApi } from "../../src/client/api.js";
import { DROPPED_TRAILER } from "../../src/server/service.js";
import type { Snapshot__Output } from "../../src/generated/overlayscope/v1/Snapshot.js";
import type { StreamSessionResponse__Output } from "../../src/generated/overlayscope/v1/StreamSessionResponse.js";
import { wireTime } from "../../src/util/wire-time.js";
import type { StartSessionRequest } from "../../src/generated/overlayscope/v1/StartSessionRequest.js";
import { runCli } from "../helpers/cli.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * Regressions of the reliability issue (#16): each request here once crashed, leaked or misled.
 * One daemon serves them all; it must still answer at the end.
 */
let d: RunningDaemon;
const bin = tempDir("robust-bin");

before(async () => {
  if (kernelSkipReason()) return;
  // A program whose name starts with "-" on the daemon's PATH: the nice wrapper once read it as an option.
  writeFileSync(join(bin, "-dash-prog"), "#!/bin/sh\nexit 5\n", { mode: 0o755 });
  writeFileSync(join(bin, "not-executable"), "#!/bin/sh\nexit 0\n", { mode: 0o644 });
  d = await startDaemon([], undefined, { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` });
});

after(async () => {
  if (d) await d.stop();
});

const api = (): ProfilerApi => new ProfilerApi(d.client);

async function refused(req: StartSessionRequest, code: status, field: string, detail: RegExp): Promise<void> {
  const e = (await api()
    .startSession(req)
    .then(
      () => assert.fail("call succeeded"),
      (err: unknown) => err,
    )) as ServiceError;
  assert.equal(e.code, code, `${e.code} ${e.details}`);
  assert.equal(e.metadata.get("overlayscope-field")[0], field);
  assert.match(e.details, detail);
  // A client's text is echoed at most ~80 characters: the status fits any peer's metadata limit.
  assert.ok(e.details.length < 400, `details of ${e.details.length} characters`);
}

test("regression: 20 KB names and paths are refused with the field, and echoed at most 80 characters", async (t) => {
  if (!requireKernel(t)) return;
  const long = "x".repeat(20_000);
  await refused(
    { probes: [{ name: long }] },
    status.INVALID_ARGUMENT,
    "probes[0].name",
    /unknown probe "x{80}…"/,
  );
  await refused(
    { probes: [{ name: "stacks", params: { sampler: long } }] },
    status.INVALID_ARGUMENT,
    "probes[0].params.sampler",
    /must be one of/,
  );
  await refused(
    { defaultProbes: true, target: { netns: { path: long } } },
    status.INVALID_ARGUMENT,
    "target.netns.path",
    /not a namespace name/,
  );
  await refused(
    { defaultProbes: true, target: { cgroupPath: `/sys/fs/cgroup/${long}` } },
    status.INVALID_ARGUMENT,
    "target.cgroupPath",
    /too long for a cgroup directory/,
  );
  await refused(
    { defaultProbes: true, target: { cgroupPath: `/sys/fs/cgroup/${"y".repeat(200)}` } },
    status.NOT_FOUND,
    "target.cgroupPath",
    /no cgroup directory "\/sys\/fs\/cgroup\/y{60}/,
  );
});

test("regression: command targets name a program that exists and can run, before anything attaches", async (t) => {
  if (!requireKernel(t)) return;
  await refused(
    { defaultProbes: true, target: { command: { argv: ["no-such-program-xyz", "-t", "1"] } } },
    status.NOT_FOUND,
    "target.command.argv",
    /no program "no-such-program-xyz" on the daemon's PATH/,
  );
  await refused(
    { defaultProbes: true, target: { command: { argv: [join(bin, "not-executable")] } } },
    status.FAILED_PRECONDITION,
    "target.command.argv",
    /is not executable/,
  );
  // A program named "-dash-prog" runs (at the original priority, through nice) and exits 5.
  const s = await api().startSession({
    probes: [{ name: "softirq" }],
    target: { command: { argv: ["-dash-prog"] } },
  });
  const deadline = Date.now() + 20_000;
  let info = await api().getSession(s.id);
  while (info.state !== "SESSION_STATE_STOPPED" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    info = await api().getSession(s.id);
  }
  assert.equal(info.commandExitCode, 5, "nice ran the program, not an option");
});

test("regression: an empty cgroup path is not the root cgroup, and a cgroup v1 directory is refused", async (t) => {
  if (!requireKernel(t)) return;
  await refused(
    { defaultProbes: true, target: { cgroupPath: "" } },
    status.INVALID_ARGUMENT,
    "target.cgroupPath",
    /give a cgroup path/,
  );
  // A directory under /sys/fs/cgroup that is not cgroup2 (as a v1 hierarchy's would be).
  const dir = `/sys/fs/cgroup/overlayscope-test-${process.pid}`;
  mkdirSync(dir);
  try {
    execFileSync("mount", ["-t", "tmpfs", "none", dir]);
    try {
      await refused(
        { defaultProbes: true, target: { cgroupPath: dir } },
        status.FAILED_PRECONDITION,
        "target.cgroupPath",
        /not on a cgroup v2 hierarchy/,
      );
    } finally {
      execFileSync("umount", [dir]);
    }
  } finally {
    rmdirSync(dir);
  }
});

test("regression: a second daemon on a live socket is refused, and the first keeps serving", async (t) => {
  if (!requireKernel(t)) return;
  const second = await runCli(["daemon", "--socket", d.socket], 60_000);
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stderr, /another daemon is serving on/);
  assert.ok(existsSync(d.socket), "the first daemon's socket is still there");
  assert.ok((await api().listProbes()).probes.length > 0, "the first daemon still answers");
});

test("regression: a token file others can read, or one that is missing, is a usage error naming the flag", async (t) => {
  if (!requireKernel(t)) return;
  const dir = tempDir("token");
  const file = join(dir, "token");
  writeFileSync(file, "s3cret-token-0123456789\n");
  chmodSync(file, 0o644);
  const open = await runCli(["daemon", "--socket", join(dir, "s.sock"), "--token-file", file], 60_000);
  assert.equal(open.code, 2, open.stderr);
  assert.match(open.stderr, /--token-file .*readable by group or others \(mode 644\); run 'chmod 600/);
  const missing = await runCli(
    ["daemon", "--socket", join(dir, "s.sock"), "--token-file", join(dir, "nope")],
    60_000,
  );
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /--token-file .*cannot read it \(ENOENT\)/);
});

test("regression: calls refused for a missing token are logged, once per burst", async (t) => {
  if (!requireKernel(t)) return;
  const dir = tempDir("token-log");
  writeFileSync(join(dir, "token"), "s3cret-token-0123456789\n", { mode: 0o600 });
  const td = await startDaemon(["--token-file", join(dir, "token")]);
  try {
    const c = new ProfilerApi(td.client);
    for (let i = 0; i < 20; i++) await c.listProbes().catch(() => undefined);
    const lines = td
      .stderr()
      .split("\n")
      .filter((l) => l.includes("refused unauthenticated calls"));
    assert.equal(lines.length, 1, td.stderr());
    assert.match(lines[0]!, /ListProbes/);
  } finally {
    await td.stop();
  }
});

test("regression: a client that stops reading gets the newest snapshot and a count of the rest, not a backlog", async (t) => {
  if (!requireKernel(t)) return;
  const s = await api().startSession({
    defaultProbes: false,
    probes: [{ name: "softirq" }],
    interval: wireTime(100),
  });
  const received: Snapshot__Output[] = [];
  let trailers: Metadata | undefined;
  const st = d.client.streamSession({ id: s.id });
  st.on("data", (x: StreamSessionResponse__Output) => x.snapshot && received.push(x.snapshot));
  st.on("status", (x: { metadata: Metadata }) => (trailers = x.metadata));
  const ended = new Promise<void>((r) => st.once("end", () => r()));
  // Wait for the first snapshot, then stop reading while the session emits ~150 more.
  while (received.length === 0) await new Promise((r) => setTimeout(r, 20));
  st.pause();
  const before = Number((await api().getSession(s.id)).snapshots);
  while (Number((await api().getSession(s.id)).snapshots) < before + 150)
    await new Promise((r) => setTimeout(r, 200));
  await api().stopSession(s.id);
  st.resume();
  await ended;
  const produced = Number((await api().getSession(s.id)).snapshots);
  const dropped = Number(trailers?.get(DROPPED_TRAILER)[0] ?? -1);
  assert.ok(received.at(-1)!.final, "the final snapshot arrives");
  assert.ok(dropped > 0, `dropped ${dropped}, received ${received.length} of ${produced}`);
  assert.ok(received.length < produced, `received ${received.length} of ${produced}`);
  assert.equal(received.length + dropped, produced, "every snapshot is either delivered or counted");
});
