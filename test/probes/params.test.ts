import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalogue, type Manifest } from "../../src/probes/manifest.js";
import { resolveParams } from "../../src/probes/params.js";
import { renderScript } from "../../src/probes/render.js";
import { isOverlayscopeError } from "../../src/util/errors.js";

const INJECTIONS = [
  'eth0"; system("id"); //',
  'eth0 } END { system("reboot")',
  "a\nb",
  "$(id)",
  "x".repeat(200),
  "../../etc/passwd",
  "vx0/ 1 == 1",
];

const stringy: Manifest = {
  name: "injection_target",
  purpose: "a manifest with every string parameter type",
  costClass: "per-packet",
  default: false,
  params: [
    { name: "dev", type: "ifname", default: "lo", description: "device" },
    { name: "fn", type: "ksym", default: "udp_sendmsg", description: "function" },
    { name: "mode", type: "enum", choices: ["fast", "slow"], default: "fast", description: "mode" },
    { name: "filter", type: "filter", default: "1", description: "target" },
  ],
  outputs: [],
  variants: [{ name: "tracepoint", file: "x.bt", requires: [] }],
};

test("every string parameter refuses injection attempts with a field-named error", () => {
  const ctx = { hasSymbol: () => true, hasDevice: () => true };
  for (const name of ["dev", "fn", "mode", "filter"]) {
    for (const bad of INJECTIONS) {
      assert.throws(
        () => resolveParams(stringy, { [name]: bad }, ctx),
        (e: unknown) =>
          isOverlayscopeError(e) && e.code === "INVALID_ARGUMENT" && e.field === `params.${name}`,
        `${name} accepted ${JSON.stringify(bad)}`,
      );
    }
  }
});

test("names that match the grammar must also exist", () => {
  assert.throws(
    () => resolveParams(stringy, { dev: "nosuchdev0" }, { hasDevice: () => false }),
    /no network device named 'nosuchdev0'/,
  );
  assert.throws(
    () => resolveParams(stringy, { fn: "not_a_symbol" }, { hasSymbol: () => false }),
    /no kernel symbol/,
  );
  assert.deepEqual(
    resolveParams(
      stringy,
      { dev: "vx0", fn: "vxlan_xmit_one.constprop.0" },
      { hasDevice: () => true, hasSymbol: () => true },
    ),
    {
      dev: "vx0",
      fn: "vxlan_xmit_one.constprop.0",
      mode: "fast",
      filter: "1",
    },
  );
});

test("ints are range-checked and unknown parameters are refused, naming the known ones", async () => {
  const stacks = (await loadCatalogue()).get("stacks")!.manifest;
  assert.throws(() => resolveParams(stacks, { hz: 0 }), /params\.hz: must be 1\.\.10000, got 0/);
  assert.throws(() => resolveParams(stacks, { hz: "99; exit()" }), /params\.hz: must be an integer/);
  assert.throws(() => resolveParams(stacks, { hz: 1.5 }), /must be an integer/);
  assert.throws(
    () => resolveParams(stacks, { freq: 99 }),
    /unknown parameter of probe stacks \(known: interval_s, hz, sampler, max_frames, user_stacks\)/,
  );
  assert.equal(resolveParams(stacks, { hz: "499" }).hz, 499);
  assert.throws(
    () => resolveParams(stacks, { sampler: "nmi" }),
    /params\.sampler: must be one of auto, tick, timer/,
  );
});

test("rendering keeps @if sections only when the flag is true and fills placeholders", () => {
  const src = "a {{n}}\n// @if lat\nb\n// @endif\nc";
  assert.equal(renderScript(src, { n: 5, lat: true }, "t"), "a 5\nb\nc");
  assert.equal(renderScript(src, { n: 5, lat: false }, "t"), "a 5\nc");
  assert.throws(() => renderScript("{{missing}}", {}, "t"), /no value for \{\{missing\}\}/);
  assert.throws(() => renderScript("// @if x\n", { x: true }, "t"), /unclosed @if/);
});
