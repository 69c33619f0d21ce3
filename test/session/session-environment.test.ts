import assert from "node:assert/strict";
import { test } from "node:test";
import type { DevCounters } from "../../src/collectors/net-dev.js";
import { busyNamespaces } from "../../src/session/session-environment.js";

const dev = (name: string, rxPackets: number, txPackets: number): DevCounters => ({
  name,
  rxBytes: rxPackets * 100,
  rxPackets,
  rxErrors: 0,
  rxDropped: 0,
  rxFifo: 0,
  rxFrame: 0,
  rxCompressed: 0,
  rxMulticast: 0,
  txBytes: txPackets * 100,
  txPackets,
  txErrors: 0,
  txDropped: 0,
  txFifo: 0,
  txCollisions: 0,
  txCarrier: 0,
  txCompressed: 0,
});

test("busy namespaces: every namespace a flow crosses, not a pod that answered a health check beside it", () => {
  const netns = [
    { inode: 1, names: [], devices: [dev("eth0", 5, 5)] },
    { inode: 2, names: ["h1"], devices: [dev("wire0", 0, 90_000), dev("vx0", 0, 90_000)] },
    { inode: 3, names: ["c1"], devices: [dev("eth0", 0, 88_000)] },
    { inode: 4, names: ["pod-a"], devices: [dev("eth0", 12, 10)] },
    { inode: 5, names: ["pod-b"], devices: [dev("eth0", 0, 0)] },
  ];
  assert.deepEqual(busyNamespaces(netns), [2, 3]);
  // With no flow, whatever moved is the traffic there is.
  assert.deepEqual(busyNamespaces([netns[0]!, netns[3]!, netns[4]!]), [1, 4]);
  // Drops count: a namespace that drops everything it is sent is on the path.
  const dropping = { inode: 6, names: ["c2"], devices: [{ ...dev("eth0", 0, 0), rxDropped: 80_000 }] };
  assert.deepEqual(busyNamespaces([...netns, dropping]), [2, 3, 6]);
  assert.deepEqual(busyNamespaces([netns[4]!]), []);
});
