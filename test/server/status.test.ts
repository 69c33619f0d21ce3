import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import { toServiceError } from "../../src/server/status.js";
import { loadCatalogue } from "../../src/probes/manifest.js";
import { resolveParams } from "../../src/probes/params.js";
import { OverlayscopeError } from "../../src/util/errors.js";

test("regression: a parameter key with a newline (or é, or \\u0001) is refused before it reaches any message", async () => {
  const stacks = (await loadCatalogue()).get("stacks")!.manifest;
  for (const key of ["hz\n", "hzé", "h\u0001z", "x".repeat(20_000)])
    assert.throws(
      () => resolveParams(stacks, { [key]: "1" }, {}, "probes[0].params"),
      (e: OverlayscopeError) => e.field === "probes[0].params" && e.message.length < 300,
    );
});

test("regression: error mapping cannot throw on any field text, and caps what it echoes", () => {
  for (const field of ["probes[0].params.hz\n", "é", "\u0001", "f".repeat(20_000)]) {
    const err = toServiceError(new OverlayscopeError("INVALID_ARGUMENT", "m".repeat(50_000), { field }));
    assert.equal(err.code, status.INVALID_ARGUMENT);
    const sent = String(err.metadata!.get("overlayscope-field")[0]);
    assert.match(sent, /^[\x20-\x7e]{1,130}$/);
    assert.ok(err.details!.length <= 2001);
  }
});
