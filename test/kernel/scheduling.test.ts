import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { requireKernel } from "../helpers/kernel.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * What the benchmark sees of `run`'s scheduling: the CLI (its embedded daemon) and its bpftrace
 * children under SCHED_BATCH at nice 10, the command it launches at the policy and niceness it
 * would have had without us. Read with chrt and ps from inside the command itself.
 */
test("run: the embedded daemon and bpftrace run SCHED_BATCH at nice 10; the launched command SCHED_OTHER at nice 0", async (t) => {
  if (!requireKernel(t)) return;
  const script = [
    'echo "self $(chrt -p $$ | head -1 | sed "s/.*: //") $(ps -o ni= -p $$)"',
    'echo "parent $(chrt -p $PPID | head -1 | sed "s/.*: //") $(ps -o ni= -p $PPID)"',
    'for p in $(pgrep -P $PPID -x bpftrace); do echo "bpftrace $(chrt -p $p | head -1 | sed "s/.*: //") $(ps -o ni= -p $p)"; done',
  ].join("; ");
  const r = await runCli(["run", "-o", `${tempDir("sched")}/run.json`, "--", "sh", "-c", script]);
  assert.equal(r.code, 0, r.stderr);
  const line = (who: string): string[] =>
    r.stdout
      .split("\n")
      .filter((l) => l.startsWith(`${who} `))
      .map((l) =>
        l
          .slice(who.length + 1)
          .replace(/\s+/g, " ")
          .trim(),
      );
  assert.deepEqual(line("self"), ["SCHED_OTHER 0"], r.stdout);
  assert.deepEqual(line("parent"), ["SCHED_BATCH 10"], r.stdout);
  const bpftrace = line("bpftrace");
  assert.ok(bpftrace.length >= 1, `no bpftrace child of the CLI: ${r.stdout}`);
  for (const b of bpftrace) assert.equal(b, "SCHED_BATCH 10");
});
