/**
 * The kernel matrix's report (scripts/kernel-matrix.sh): reads each cell's result and prints one
 * row per (kernel, bpftrace, probe, variant) as a Markdown table, or with --json as a JSON array.
 * Exits 1 when a cell has no result or a variant expected to work here did not run or failed a check.
 *
 *   node --import tsx test/matrix/matrix-table.ts [--json] --dir RESULTS CELL...
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MatrixRow } from "./probe-variants.js";

interface CellResult {
  kernel: string;
  bpftrace: string;
  rows: MatrixRow[];
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const dirAt = args.indexOf("--dir");
const dir = args[dirAt + 1]!;
const cells = args.filter((a, i) => a !== "--json" && i !== dirAt && i !== dirAt + 1);
const out: Array<MatrixRow & { cell: string; kernel: string; bpftrace: string }> = [];
let failed = false;
for (const cell of cells) {
  let result: CellResult;
  try {
    result = JSON.parse(readFileSync(join(dir, `${cell}.json`), "utf8")) as CellResult;
  } catch {
    console.error(`kernel-matrix: cell ${cell} produced no result (see ${join(dir, `${cell}.console`)})`);
    failed = true;
    continue;
  }
  for (const r of result.rows) {
    out.push({ cell, kernel: result.kernel, bpftrace: result.bpftrace, ...r });
    if (r.expected && !r.passed) failed = true;
  }
}
if (json) console.log(JSON.stringify(out, null, 1));
else {
  const yes = (b: boolean): string => (b ? "yes" : "no");
  console.log("| kernel | bpftrace | probe | variant | expected | ran | checked | reason |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of out)
    console.log(
      `| ${r.kernel} | ${r.bpftrace} | ${r.probe} | ${r.variant} | ${yes(r.expected)} | ${yes(r.ran)} | ${yes(r.checked)} | ${r.reason.replaceAll("|", "\\|")} |`,
    );
}
process.exit(failed ? 1 : 0);
