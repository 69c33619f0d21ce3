import assert from "node:assert/strict";
import { test } from "node:test";
import type { HostSample } from "../../src/collectors/host-sample.js";
import { parseSnmp, snmpDelta } from "../../src/collectors/snmp.js";
import { buildInterval } from "../../src/session/interval-builder.js";
import { mergeIntervals } from "../../src/session/interval-history.js";

const SNMP = (inDatagrams: number, estab: number): string => `Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 ${inDatagrams}
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn CurrEstab InSegs
Tcp: 1 200 120000 -1 ${estab} 0
Udp: InDatagrams NoPorts
Udp: ${inDatagrams} 0
`;

const host = (netns: HostSample["netns"]): HostSample => ({
  at: 1000,
  seconds: 1,
  cpu: new Map(),
  busyJiffies: new Map(),
  softirqs: { cpus: [], rows: [] },
  interrupts: [],
  softnet: [],
  netns,
  processes: [],
  cpuQuotas: [],
});

test("SNMP gauges travel with a namespace's moving counters; a quiet namespace sends nothing", () => {
  const delta = (a: string, b: string) => snmpDelta(parseSnmp(a), parseSnmp(b));
  const sample = host([
    { inode: 1, names: ["busy"], devices: [], snmp: delta(SNMP(100, 2), SNMP(900, 3)) },
    { inode: 2, names: ["quiet"], devices: [], snmp: delta(SNMP(5, 1), SNMP(5, 1)) },
  ]);
  const i = buildInterval(0, sample, [], [], false);
  const snmp = i.counters.filter((c) => c.probe === "snmp");
  assert.deepEqual(
    snmp.map((c) => `${c.attributes.netnsName} ${c.attributes.protocol}.${c.metric}=${c.value}`).sort(),
    [
      "busy Ip.DefaultTTL=64",
      "busy Ip.Forwarding=1",
      "busy Ip.InReceives=800",
      "busy Tcp.CurrEstab=3",
      "busy Tcp.RtoAlgorithm=1",
      "busy Tcp.RtoMax=120000",
      "busy Tcp.RtoMin=200",
      "busy Udp.InDatagrams=800",
    ],
  );
  // Merged intervals: counters add, a gauge is the last level.
  const next = buildInterval(
    1,
    host([{ ...sample.netns[0]!, snmp: delta(SNMP(900, 3), SNMP(1000, 4)) }]),
    [],
    [],
    false,
  );
  const merged = mergeIntervals([i, next]).counters.filter((c) => c.attributes.netnsName === "busy");
  const get = (m: string) => merged.find((c) => c.metric === m)?.value;
  assert.equal(get("InDatagrams"), 900);
  assert.equal(get("CurrEstab"), 4);
  assert.equal(get("RtoMin"), 200);
});
