import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

interface Listing {
  kernel: { bpftrace: string; kprobe: { ok: boolean } };
  probes: Array<{ name: string; variant: string | null; reason: string; costClass: string }>;
}

test("cli-probes: `probes --json` names the variant each probe uses on this kernel and why", async (t) => {
  if (!requireKernel(t)) return;
  const r = await runCli(["probes", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const listing = JSON.parse(r.stdout) as Listing;
  assert.match(listing.kernel.bpftrace, /^\d+\.\d+\.\d+$/);
  const byName = new Map(listing.probes.map((p) => [p.name, p]));
  for (const name of ["hardirq", "softirq", "udp_sendmsg", "vxlan", "netdev", "stacks"]) {
    const p = byName.get(name);
    assert.ok(p?.variant, `${name} has a working variant: ${p?.reason}`);
  }
  if (!listing.kernel.kprobe.ok) {
    assert.equal(byName.get("vxlan")!.variant, "tracepoint");
    assert.match(byName.get("vxlan")!.reason, /fallback because kprobe kprobes do not attach/);
  }
});

test("cli-probes: the human table shows cost classes", async (t) => {
  if (!requireKernel(t)) return;
  const r = await runCli(["probes"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /per-packet/);
  assert.match(r.stdout, /sampled/);
});

test("cli-demo: the demo benchmarks host and overlay, prints a diagnosis and writes a report", async (t) => {
  if (!requireKernel(t)) return;
  const out = tempDir("demo");
  const r = await runCli(["demo", "--seconds", "2", "-o", out, "--json"], 300_000);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as {
    runs: string[];
    report: string;
    diagnosis: { verdict: string; findings: Array<{ code: string; kind: string }> };
  };
  assert.equal(res.runs.length, 2);
  assert.ok(existsSync(res.report));
  // The verdict comes first; host vs overlay is never "faster", and the overlay's own work is named.
  // On a miss, the symptom's evidence (both runs' rates) says whether the host run was disturbed.
  assert.ok(
    ["slower", "no-material-difference"].includes(res.diagnosis.verdict),
    `${res.diagnosis.verdict}: ${JSON.stringify(res.diagnosis.findings.filter((f) => f.kind === "symptom"))}`,
  );
  assert.ok(res.diagnosis.findings.some((f) => f.code === "ENCAPSULATION_WORK"));
});
