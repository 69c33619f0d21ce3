import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, test } from "node:test";
import { Profile } from "pprof-format";
import { ProfilerApi } from "../../src/client/api.js";
import type { ProfileStack } from "../../src/profile/stack-profile.js";
import { requireKernel, requireTool } from "../helpers/kernel.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * A program whose user stack is known: main -> spin_outer -> spin_inner, built with frame
 * pointers (the walk bpftrace's ustack does; -O0 because gcc 12 drops the leaf's frame at -O1 even
 * with -mno-omit-leaf-frame-pointer). Static functions live only in .symtab, so
 * resolving them proves the daemon read the binary's own symbol table, not just exports.
 */
const SPIN_C = `
#include <stdlib.h>
#include <stdio.h>
#include <time.h>
__attribute__((noinline)) static unsigned long spin_inner(unsigned long x) {
  for (int i = 0; i < 100000; i++) { x = x * 6364136223846793005UL + 1442695040888963407UL; __asm__ volatile("" : "+r"(x)); }
  return x;
}
__attribute__((noinline)) static unsigned long spin_outer(unsigned long x) { return spin_inner(x) ^ 1; }
int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 2;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned long x = 1;
  do { x = spin_outer(x); clock_gettime(CLOCK_MONOTONIC, &t); }
  while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
  printf("%lu\\n", x);
  return 0;
}
`;

let d: RunningDaemon | undefined;
after(async () => {
  await d?.stop();
});

test("stacks resolve user frames of the target (main -> spin_outer -> spin_inner) into the profile and pprof", async (t) => {
  if (!requireKernel(t) || !requireTool(t, "gcc") || !requireTool(t, "addr2line")) return;
  const dir = tempDir("ustack");
  const bin = join(dir, "spin");
  writeFileSync(join(dir, "spin.c"), SPIN_C);
  execFileSync("gcc", ["-O0", "-fno-omit-frame-pointer", "-o", bin, join(dir, "spin.c")]);
  d = await startDaemon();
  const api = new ProfilerApi(d.client);
  const s = await api.startSession({
    probes: [{ name: "stacks" }],
    stackHz: 499,
    target: { command: { argv: [bin, "3"] } },
  });
  const pid = s.commandPid ?? 0;
  assert.ok(pid > 0);
  // the command's exit ends the session; wait for it
  for (let i = 0; i < 100; i++) {
    const st = await api.getSession(s.id);
    if (st.state === "SESSION_STATE_STOPPED") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const json = JSON.parse((await api.getProfile(s.id, "PROFILE_FORMAT_JSON")).data.toString()) as {
    stacks: ProfileStack[];
  };
  const mine = json.stacks.filter((x) => x.pid === pid);
  const samples = mine.reduce((a, x) => a + x.samples, 0);
  assert.ok(samples > 200, `only ${samples} samples of pid ${pid}`);
  const chain = mine.filter((x) => x.userFrames[0] === "spin_inner").reduce((a, x) => a + x.samples, 0);
  // nearly all time is in spin_inner; its caller chain must be walked and named in order
  assert.ok(chain / samples > 0.8, `spin_inner innermost in ${chain}/${samples} samples`);
  const full = mine.filter((x) => x.userFrames.slice(0, 3).join(">") === "spin_inner>spin_outer>main");
  assert.ok(
    full.reduce((a, x) => a + x.samples, 0) / chain > 0.9,
    JSON.stringify(mine.slice(0, 5).map((x) => x.userFrames)),
  );

  const folded = (await api.getProfile(s.id, "PROFILE_FORMAT_FOLDED")).data.toString();
  assert.match(folded, /^spin;\[task\];(\S+;)*main;spin_outer;spin_inner \d+$/m);

  const p = Profile.decode(gunzipSync((await api.getProfile(s.id, "PROFILE_FORMAT_PPROF")).data));
  const str = (i: number | bigint) => p.stringTable.strings[Number(i)];
  const userFns = p.function.filter((f) => str(f.filename) === "[user]").map((f) => str(f.name));
  assert.ok(
    ["spin_inner", "spin_outer", "main"].every((n) => userFns.includes(n)),
    userFns.join(","),
  );

  // User locations keep their addresses and the binary's mapping with its build id, so a standard
  // tool re-symbolises them: binutils' addr2line names spin_inner again from a location's address,
  // the mapping's start and file offset alone (a PIE's segments are linked at their file offsets).
  const buildId = /Build ID: ([0-9a-f]+)/.exec(
    execFileSync("readelf", ["-n", bin], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
  )?.[1];
  const binMapping = p.mapping.find((m) => str(m.filename) === bin);
  assert.ok(binMapping, `a mapping for ${bin}: ${p.mapping.map((m) => str(m.filename)).join(", ")}`);
  assert.equal(str(binMapping.buildId), buildId);
  const inBin = p.location.filter((l) => l.mappingId === binMapping.id);
  const start = Number(binMapping.memoryStart);
  assert.ok(
    inBin.length >= 3 &&
      inBin.every((l) => Number(l.address) >= start && Number(l.address) < Number(binMapping.memoryLimit)),
    "user locations carry addresses inside their mapping",
  );
  const named = execFileSync(
    "addr2line",
    [
      "-f",
      "-e",
      bin,
      ...inBin.map((l) => `0x${(Number(l.address) - start + Number(binMapping.fileOffset)).toString(16)}`),
    ],
    { encoding: "utf8" },
  );
  for (const fn of ["spin_inner", "spin_outer", "main"])
    assert.match(named, new RegExp(`^${fn}$`, "m"), named);
});
