import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { isDockerTopology } from "../../src/lab/docker-topology.js";
import { labDown, labUp, TOPOLOGIES } from "../../src/lab/topology.js";
import { requireKernel } from "../helpers/kernel.js";

/** The IPv4 addresses a namespace holds. */
function addressOf(ns: string): string[] {
  return execFileSync("ip", ["-n", ns, "-4", "-o", "addr", "show"], { encoding: "utf8" })
    .split("\n")
    .map((l) => /inet (\S+)\//.exec(l)?.[1])
    .filter((a): a is string => a !== undefined);
}

test("every topology builds three client/server pairs through the same host devices, each pair reaching its server", async (t) => {
  if (!requireKernel(t)) return;
  // Docker's topologies build their pairs through dockerd: test/kernel/docker-lab.test.ts.
  for (const topology of TOPOLOGIES.filter((t) => !isDockerTopology(t))) {
    const lab = await labUp(topology, undefined, false, 3);
    try {
      assert.equal(lab.pairs.length, 3, topology);
      assert.deepEqual(
        { clientNs: lab.clientNs, serverNs: lab.serverNs, serverAddr: lab.serverAddr },
        lab.pairs[0],
        `${topology}: the lab's own client/server is its first pair`,
      );
      for (const [i, p] of lab.pairs.entries()) {
        // Independent of labUp's own wait: the pair's server address answers from its client.
        execFileSync("ip", ["netns", "exec", p.clientNs, "ping", "-c", "1", "-W", "2", p.serverAddr]);
        assert.ok(addressOf(p.serverNs).includes(p.serverAddr) || p.serverAddr === "127.0.0.1", topology);
        if (topology !== "host")
          assert.equal(
            new Set(lab.pairs.map((x) => x.clientNs)).size,
            3,
            `${topology}: pair ${i + 1} has a container of its own`,
          );
      }
      assert.ok(lab.setupMs > 0, `${topology}: set-up time`);
    } finally {
      await labDown(lab);
    }
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    assert.doesNotMatch(left, new RegExp(lab.id), `${topology}: no namespace left`);
  }
  await assert.rejects(labUp("bridge", undefined, false, 0), /pairs: must be 1 to 32, got 0/);
});
