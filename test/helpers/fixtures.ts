import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLine } from "../../src/bpftrace/messages.js";
import { CumulativeDelta } from "../../src/probes/cumulative-delta.js";
import { IntervalBatcher, type IntervalBatch } from "../../src/probes/interval-batch.js";
import { RunFileSchema, type RunFile } from "../../src/run/run-file.js";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), "utf8");
}

/** A run file recorded in the lab (test/fixtures/runs, see the README there), parsed as readers do. */
export function fixtureRun(name: string): RunFile {
  return RunFileSchema.parse(JSON.parse(fixtureText(join("runs", name))));
}

/**
 * Feeds a recorded NDJSON file through the real parser, batcher and cumulative differencing, as a
 * probe run does; `cumulative` names the maps the manifest marks cumulative.
 */
export function batchesFromFixture(rel: string, cumulative: readonly string[] = []): IntervalBatch[] {
  const batches: IntervalBatch[] = [];
  const delta = new CumulativeDelta(new Set(cumulative));
  const batcher = new IntervalBatcher((b) => batches.push(delta.apply(b)));
  for (const line of fixtureText(rel).split("\n")) {
    const parsed = parseLine(line);
    if (!Array.isArray(parsed)) throw new Error(`fixture ${rel}: ${parsed.reason}`);
    for (const m of parsed) batcher.push(m);
  }
  batcher.flush();
  return batches;
}
