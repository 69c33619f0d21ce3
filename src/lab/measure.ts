import { readFile } from "node:fs/promises";
import { parsePerCpuTable, tableDelta, type PerCpuTable } from "../collectors/per-cpu-table.js";
import type { ProbeEngine, ProbeRequest } from "../probes/engine.js";
import type { ProbeReading } from "../probes/probe-run.js";
import { runIperf, type IperfOptions, type IperfResult } from "./iperf.js";
import type { Lab } from "./topology.js";

export interface Measurement {
  topology: string;
  benchmark: IperfResult;
  readings: ProbeReading[];
  /** /proc/softirqs increase over the whole probed window: the independent check. */
  procSoftirqs: PerCpuTable;
  windowSeconds: number;
}

/** Runs one benchmark across a lab with probes attached for exactly the benchmark's window. */
export async function measure(
  engine: ProbeEngine,
  lab: Lab,
  probes: ProbeRequest[],
  bench: IperfOptions,
): Promise<Measurement> {
  const runs = engine.prepare(probes, { kind: "host" });
  const readings: ProbeReading[] = [];
  for (const r of runs) r.on("reading", (x: ProbeReading) => readings.push(x));
  const started: typeof runs = [];
  try {
    await Promise.all(
      runs.map(async (r) => {
        await r.start();
        started.push(r);
      }),
    );
    const before = parsePerCpuTable(await readFile("/proc/softirqs", "utf8"));
    const t0 = performance.now();
    const benchmark = await runIperf(lab, bench);
    await Promise.all(started.map((r) => r.stop()));
    const windowSeconds = (performance.now() - t0) / 1000;
    const after = parsePerCpuTable(await readFile("/proc/softirqs", "utf8"));
    return {
      topology: lab.topology,
      benchmark,
      readings,
      procSoftirqs: tableDelta(before, after),
      windowSeconds,
    };
  } finally {
    await Promise.all(started.map((r) => r.stop()));
  }
}
