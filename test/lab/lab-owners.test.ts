import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dropOwnerSync, labOwners, recordOwnerSync } from "../../src/lab/lab-owners.js";
import { tempDir } from "../helpers/temp-dir.js";

test("lab owners: this process is alive; a gone pid, or a reused one (other start time), is not", () => {
  const dir = tempDir("owners");
  recordOwnerSync("os000001", dir);
  // pid_max is at most 2^22: this pid cannot run.
  writeFileSync(join(dir, "os000002"), "4194305 123\n");
  // Our pid with another start time: what a later process reusing a dead owner's pid looks like.
  writeFileSync(join(dir, "os000003"), `${process.pid} 1\n`);
  writeFileSync(join(dir, "os000004"), "not a pid\n");
  const owners = labOwners(dir);
  assert.deepEqual(owners.get("os000001"), { pid: process.pid, alive: true });
  assert.deepEqual(owners.get("os000002"), { pid: 4194305, alive: false });
  assert.deepEqual(owners.get("os000003"), { pid: process.pid, alive: false });
  assert.equal(owners.get("os000004")?.alive, false);
  dropOwnerSync("os000001", dir);
  dropOwnerSync("os000001", dir); // idempotent
  assert.equal(labOwners(dir).has("os000001"), false);
  assert.equal(labOwners(join(dir, "missing")).size, 0);
});
