import { discoverNetns } from "../collectors/netns.js";
import { takeEnvSnapshot } from "../collectors/env-snapshot.js";
import type { ProfilerApi } from "../client/api.js";
import { recordSession, type RecordOptions } from "../client/recorder.js";
import type { RunFile } from "../run/run-file.js";
import { nsExec } from "./ip-command.js";
import { runIperf, type IperfOptions, type IperfResult } from "./iperf.js";
import { runSockperf } from "./sockperf.js";
import { labDown, labUp, type Lab } from "./topology.js";

export interface LabBenchOptions {
  topology: string;
  bench: IperfOptions;
  probes: string[];
  hz: number;
  version: string;
  progress: (t: string) => void;
  /** A configuration change applied inside the lab before measuring, e.g. to reproduce a cause. */
  inject?: { netns: "client" | "server" | "client-host" | "server-host"; argv: string[] };
  /** Also measure UDP ping-pong latency with sockperf for this many seconds (0 = skip). */
  latencySeconds?: number;
}

function nsFor(lab: Lab, which: NonNullable<LabBenchOptions["inject"]>["netns"]): string {
  if (which === "client") return lab.clientNs;
  if (which === "server") return lab.serverNs;
  return lab.namespaces.find((n) => n.endsWith(which === "client-host" ? "-h1" : "-h2"))!;
}

/** Builds the topology and applies the injected change; the caller must labDown the lab. */
export async function prepareLab(
  opts: LabBenchOptions,
): Promise<{ lab: Lab; environment: RunFile["environment"] }> {
  opts.progress(`lab: building '${opts.topology}'`);
  const lab = await labUp(opts.topology);
  try {
    if (opts.inject) {
      opts.progress(`lab: injecting '${opts.inject.argv.join(" ")}' in the ${opts.inject.netns} namespace`);
      await nsExec(nsFor(lab, opts.inject.netns), opts.inject.argv);
    }
    const inodes = new Set<number>();
    const all = await discoverNetns();
    for (const ns of all) if (ns.names.some((n) => lab.namespaces.includes(n))) inodes.add(ns.inode);
    const environment = await takeEnvSnapshot(all.filter((n) => inodes.has(n.inode)));
    const b = opts.bench;
    opts.progress(
      `lab: ${opts.topology}: iperf3 ${b.protocol.toUpperCase()} ${b.length} B × ${b.parallel ?? 1} flow(s) for ${b.seconds} s`,
    );
    return { lab, environment };
  } catch (e) {
    await labDown(lab);
    throw e;
  }
}

/** Host-wide (or host-scoped) recording for exactly the benchmark's lifetime. */
export function benchRecordOptions(opts: LabBenchOptions): RecordOptions {
  return {
    target: { host: {} },
    probes: opts.probes,
    defaultProbes: opts.probes.length === 0,
    hz: opts.hz,
    intervalMs: 1000,
    durationMs: 0,
    label: `${opts.topology} ${opts.bench.protocol.toUpperCase()} ${opts.bench.length} B`,
    version: opts.version,
    progress: opts.progress,
  };
}

/** What a lab run records besides the profile: the lab, its environment and iperf3's figures. */
export function annotateRun(
  run: RunFile,
  lab: Lab,
  environment: RunFile["environment"],
  result?: IperfResult,
): void {
  run.environment = environment;
  run.lab = { id: lab.id, topology: lab.topology, setupMs: lab.setupMs, path: lab.path };
  if (result) {
    run.benchmark = {
      tool: "iperf3",
      protocol: result.protocol,
      messageBytes: result.length,
      seconds: result.seconds,
      bitsPerSecond: result.bitsPerSecond,
      packetsSent: result.packetsSent,
      packetsReceived: result.packetsReceived,
      lostPercent: result.lostPercent,
      raw: result.raw,
    };
  }
}

/**
 * Builds the topology, records one benchmark through it under overlayscope (probes attached for
 * exactly the benchmark), keeps the benchmark's own figures and the environment in the run file,
 * and tears the lab down whatever happens.
 */
export async function labBench(api: ProfilerApi, opts: LabBenchOptions): Promise<RunFile> {
  const { lab, environment } = await prepareLab(opts);
  try {
    let result: IperfResult | undefined;
    const run = await recordSession(api, benchRecordOptions(opts), async () => {
      result = await runIperf(lab, opts.bench);
      return undefined;
    });
    annotateRun(run, lab, environment, result);
    if (opts.latencySeconds) {
      opts.progress(
        `lab: ${opts.topology}: sockperf ping-pong ${opts.bench.length} B for ${opts.latencySeconds} s`,
      );
      run.latency = await runSockperf(lab, opts.latencySeconds, Math.min(opts.bench.length, 65000));
    }
    const info = await api.hostInfo();
    const hw = info.collectors.find((c) => c.name === "hardware_counters");
    run.hardware = { supported: hw?.supported ?? false, reason: hw?.reason ?? "unknown" };
    return run;
  } finally {
    await labDown(lab);
  }
}
