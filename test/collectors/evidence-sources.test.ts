import assert from "node:assert/strict";
import { test } from "node:test";
import { conntrackDelta, parseConntrackStat } from "../../src/collectors/conntrack-stat.js";
import { parseNftRuleset } from "../../src/collectors/netfilter-rules.js";
import { parseTcQdiscJson, qdiscDelta } from "../../src/collectors/qdisc.js";
import { parseDropReasons } from "../../src/probes/drop-reasons.js";

test("tc -s -j qdisc show: kind, handle, parent, options and counters; deltas per device and handle", () => {
  const a = parseTcQdiscJson(
    '[{"kind":"tbf","handle":"8001:","dev":"wire0","root":true,"refcnt":2,"options":{"rate":3750000,"burst":4096,"lat":20000},"bytes":100,"packets":10,"drops":1,"overlimits":5,"requeues":0,"backlog":0,"qlen":0}]',
  );
  assert.deepEqual(
    { kind: a[0]!.kind, parent: a[0]!.parent, rate: a[0]!.options.rate, overlimits: a[0]!.overlimits },
    { kind: "tbf", parent: "root", rate: 3750000, overlimits: 5 },
  );
  const b = a.map((q) => ({ ...q, overlimits: 25, drops: 4, backlog: 900 }));
  const d = qdiscDelta(a, b)[0]!;
  assert.equal(d.overlimits, 20);
  assert.equal(d.drops, 3);
  assert.equal(d.backlog, 900, "backlog is a gauge");
  assert.deepEqual(parseTcQdiscJson("not json"), []);
});

test("nft -j list ruleset: rules per chain with its hook, and the total", () => {
  const r = parseNftRuleset(
    '{"nftables": [{"metainfo": {}}, {"table": {"family": "inet", "name": "t"}}, {"chain": {"family": "inet", "table": "t", "name": "c", "hook": "input"}}, {"chain": {"family": "inet", "table": "t", "name": "j"}}, {"rule": {"family": "inet", "table": "t", "chain": "c"}}, {"rule": {"family": "inet", "table": "t", "chain": "c"}}, {"rule": {"family": "inet", "table": "t", "chain": "j"}}]}',
  );
  assert.equal(r.rules, 3);
  assert.deepEqual(
    r.chains.map((c) => [c.chain, c.hook, c.rules]),
    [
      ["c", "input", 2],
      ["j", "", 1],
    ],
  );
});

test("nf_conntrack stat: columns by header, per-CPU hex summed, entries kept as a gauge", () => {
  const text = `entries  clashres found new invalid insert insert_failed drop early_drop
0000000a  00000000 00000001 00000002 00000000 00000002 00000001 00000000 00000000
0000000a  00000000 00000003 00000004 00000000 00000004 00000000 00000000 00000000
`;
  const s = parseConntrackStat(text)!;
  assert.equal(s.get("entries"), 10);
  assert.equal(s.get("insert"), 6);
  assert.equal(s.get("insert_failed"), 1);
  const later = new Map(s);
  later.set("insert", 16);
  later.set("entries", 12);
  const d = conntrackDelta(s, later);
  assert.equal(d.get("insert"), 10);
  assert.equal(d.get("entries"), 12);
  assert.equal(parseConntrackStat(""), undefined);
});

test("drop reason names come from the running kernel's tracepoint format, not a copied table", () => {
  const fmt = `print fmt: "skbaddr=%p reason: %s", REC->skbaddr, __print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, { 109, "VXLAN_INVALID_HDR" })`;
  const names = parseDropReasons(fmt);
  assert.equal(names.get(3), "NO_SOCKET");
  assert.equal(names.get(109), "VXLAN_INVALID_HDR");
  assert.equal(parseDropReasons("no symbolic table").size, 0);
});
