import { recordHosts } from "../client/multi-host-recorder.js";
import type { MultiHostRun } from "../run/multi-host-run.js";
import { annotateRun, benchRecordOptions, prepareLab, type LabBenchOptions } from "./bench.js";
import { startHostDaemons } from "./host-daemons.js";
import { runIperf } from "./iperf.js";
import { labDown } from "./topology.js";

/**
 * `lab bench --per-host`: the benchmark recorded from both ends at once, one daemon per lab host,
 * merged into one multi-host run (sender and receiver sections, each with iperf3's figures).
 */
export async function labBenchPerHost(opts: LabBenchOptions): Promise<MultiHostRun> {
  const lab = await prepareLab(opts);
  try {
    const daemons = await startHostDaemons(lab, opts.progress);
    try {
      const run = await recordHosts(
        daemons.endpoints,
        benchRecordOptions(opts),
        async () => (await runIperf(lab, opts.bench)).command,
      );
      for (const h of run.hosts) if (h.run) annotateRun(h.run, lab);
      return run;
    } finally {
      await daemons.stop();
    }
  } finally {
    await labDown(lab);
  }
}
