import assert from "node:assert/strict";
import { linkSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { discoverNetns } from "../../src/collectors/netns.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * A fake /proc and bind-mount directories: a namespace is "the same" when its files share an
 * inode, as bind mounts of one namespace do (hard links stand in for them here).
 */
test("namespaces: ip netns names first, a runtime's bind-mount paths for the others, never for our own", async () => {
  const root = tempDir("netns");
  const proc = join(root, "proc");
  const named = join(root, "netns");
  const docker = join(root, "docker-netns");
  for (const d of [join(proc, "self", "ns"), named, docker]) mkdirSync(d, { recursive: true });
  // Our own namespace: /proc/self/ns/net and Docker's "default" are the same file.
  writeFileSync(join(proc, "self", "ns", "net"), "");
  linkSync(join(proc, "self", "ns", "net"), join(docker, "default"));
  // A lab namespace with a name, which Docker also binds (a container attached by name).
  writeFileSync(join(named, "os123456-c1"), "");
  linkSync(join(named, "os123456-c1"), join(docker, "0123abcd"));
  // An overlay sandbox: only Docker has it, and no process is in it.
  writeFileSync(join(docker, "1-jslo9ibuz0"), "");
  // A process in our namespace (readlink form "net:[inode]").
  mkdirSync(join(proc, "42", "ns"), { recursive: true });
  symlinkSync(`net:[${statSync(join(proc, "self", "ns", "net")).ino}]`, join(proc, "42", "ns", "net"));
  const refs = await discoverNetns(proc, named, [docker], true);
  const byName = (n: string) => refs.find((r) => r.names.includes(n));
  assert.equal(refs.length, 3);
  assert.deepEqual(refs[0]!.names, [], "our own namespace keeps no runtime path as its name");
  assert.equal(refs[0]!.self, true);
  assert.deepEqual(byName("os123456-c1")!.names, ["os123456-c1"], "the ip netns name wins");
  assert.deepEqual(
    byName(join(docker, "1-jslo9ibuz0"))!.pid,
    undefined,
    "reached by its path, not a process",
  );
});
