import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { withReadyMarker } from "../../src/bpftrace/runner.js";
import { loadCatalogue } from "../../src/probes/manifest.js";
import { resolveParams } from "../../src/probes/params.js";
import { renderScript } from "../../src/probes/render.js";
import { symbolValues } from "../../src/probes/select.js";
import { readKallsyms } from "../../src/probes/capabilities.js";
import { requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);

test("every variant of every probe, kprobe ones included, compiles to BPF (--emit-elf dry run)", async (t) => {
  if (!requireKernel(t)) return;
  const dir = tempDir("elf");
  try {
    const symbols = await readKallsyms();
    for (const [name, entry] of await loadCatalogue()) {
      const params = resolveParams(entry.manifest, {});
      if ("filter" in params) params.filter = "(pid == 1 || curtask->real_parent->tgid == 1)";
      for (const v of entry.manifest.variants) {
        const values = { ...params, ...symbolValues(v, { symbols }) };
        const script = withReadyMarker(renderScript(entry.sources.get(v.name)!, values, `${name}/${v.name}`));
        const out = join(dir, `${name}-${v.name}.o`);
        await t.test(`${name}/${v.name}`, async () => {
          await run("bpftrace", ["--emit-elf", out, "-e", script], { timeout: 60_000 });
          assert.ok((await stat(out)).size > 500);
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
