import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { CLI_ARGV } from "../helpers/cli.js";
import { requireKernel, requireTool } from "../helpers/kernel.js";

function tmux(...args: string[]): string {
  return execFileSync("tmux", args, { encoding: "utf8" });
}

function bpftraceCount(): number {
  return Number(spawnSync("pgrep", ["-c", "-x", "bpftrace"], { encoding: "utf8" }).stdout.trim() || 0);
}

test("cli-top: the live view draws per-core bars in a pseudo-terminal and q quits cleanly", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "tmux", ["-V"])) return;
  const name = `ostop${randomBytes(3).toString("hex")}`;
  const before = bpftraceCount();
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "140",
    "-y",
    "45",
    `${CLI_ARGV.join(" ")} top --interval 500; echo EXITED:$?; sleep 30`,
  );
  try {
    let screen = "";
    for (let i = 0; i < 60 && !/snapshot [2-9]/.test(screen); i++) {
      await new Promise((r) => setTimeout(r, 250));
      screen = tmux("capture-pane", "-p", "-t", name);
    }
    assert.match(screen, /overlayscope top — snapshot \d+/);
    assert.match(screen, /^cpu0 +\[[usiS ]{40}\]/m);
    assert.match(screen, /softirqs\/s +NET_/);
    assert.match(screen, /hottest kernel functions/);
    tmux("send-keys", "-t", name, "q");
    for (let i = 0; i < 40 && !/EXITED:/.test(screen); i++) {
      await new Promise((r) => setTimeout(r, 250));
      screen = tmux("capture-pane", "-p", "-t", name);
    }
    assert.match(screen, /EXITED:0/);
    assert.equal(bpftraceCount(), before, "no bpftrace left behind");
  } finally {
    spawnSync("tmux", ["kill-session", "-t", name]);
  }
});

test("cli-top: --json --iterations prints NDJSON snapshots for scripts", (t) => {
  if (!requireKernel(t)) return;
  const r = spawnSync(
    CLI_ARGV[0]!,
    [...CLI_ARGV.slice(1), "top", "--json", "--iterations", "2", "--interval", "300"],
    {
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { cpus: unknown[] });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.cpus.length > 0));
});
