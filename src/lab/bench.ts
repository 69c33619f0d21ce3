import type { ProfilerApi } from "../client/api.js";
import { recordSession, type RecordOptions } from "../client/recorder.js";
import type { RunFile } from "../run/run-file.js";
import { nsExec } from "./ip-command.js";
import { runIperf, type IperfOptions } from "./iperf.js";
import { runSockperf } from "./sockperf.js";
import { labDown, labUp, type Lab } from "./topology.js";

/** What `lab bench` and `lab study` record under when no --probes is given. */
export const DEFAULT_LAB_PROBES = ["softirq", "stacks", "udp_sendmsg:sample_every=200"];

export interface LabBenchOptions {
  topology: string;
  bench: IperfOptions;
  /** Client/server pairs running the benchmark at once (1 when absent). */
  pairs?: number;
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
export async function prepareLab(opts: LabBenchOptions): Promise<Lab> {
  opts.progress(`lab: building '${opts.topology}'`);
  const lab = await labUp(opts.topology, undefined, false, opts.pairs ?? 1);
  try {
    if (opts.inject) {
      opts.progress(`lab: injecting '${opts.inject.argv.join(" ")}' in the ${opts.inject.netns} namespace`);
      await nsExec(nsFor(lab, opts.inject.netns), opts.inject.argv);
    }
    const b = opts.bench;
    opts.progress(
      `lab: ${opts.topology}: iperf3 ${b.protocol.toUpperCase()} ${b.length} B × ${b.parallel ?? 1} flow(s)${lab.pairs.length > 1 ? ` in each of ${lab.pairs.length} pairs` : ""} for ${b.seconds} s`,
    );
    return lab;
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
    label: `${opts.topology} ${opts.bench.protocol.toUpperCase()} ${opts.bench.length} B${(opts.pairs ?? 1) > 1 ? ` × ${opts.pairs} pairs` : ""}`,
    version: opts.version,
    progress: opts.progress,
  };
}

/** What only the lab knows: the topology the benchmark crossed, and which phase this run was. */
export function annotateRun(run: RunFile, lab: Lab, phase: "single" | "rates" | "probed" = "single"): void {
  run.lab = {
    id: lab.id,
    topology: lab.topology,
    setupMs: lab.setupMs,
    ...(lab.pairs.length > 1 ? { pairs: lab.pairs.length } : {}),
    path: lab.path,
    phase,
  };
}

/** Probes whose cost grows with the traffic: they halve a saturated flow here (README, Observer effect). */
const PERTURBING = new Set(["per-packet", "per-interrupt"]);
/** The probed phase is short: it is there for depth and probe counters, not for rates. */
const PROBED_SECONDS = 2;

/** The requested probes split by what they cost: the ones a rate may be measured under, and the rest. */
export async function splitByCost(
  api: ProfilerApi,
  probes: readonly string[],
): Promise<{ cheap: string[]; perturbing: string[] }> {
  const cost = new Map((await api.listProbes()).probes.map((p) => [p.name, p.costClass]));
  // "softirq,stacks:hz=299" is one list entry as --probes takes it: one spec per probe here.
  const specs = probes.flatMap((p) => p.split(",")).filter((p) => p.trim() !== "");
  const perturbing = specs.filter((p) => PERTURBING.has(cost.get(p.trim().split(":")[0]!) ?? ""));
  return { cheap: specs.filter((p) => !perturbing.includes(p)), perturbing };
}

/**
 * Builds the topology, records one benchmark through it under overlayscope (probes attached for
 * exactly the benchmark), keeps the benchmark's own figures and the environment in the run file,
 * and tears the lab down whatever happens.
 */
export async function labBench(
  api: ProfilerApi,
  opts: LabBenchOptions,
): Promise<{ run: RunFile; probed?: RunFile }> {
  const { cheap, perturbing } = await splitByCost(api, opts.probes);
  const lab = await prepareLab(opts);
  try {
    // With per-packet probes asked for, the rates are measured without them (they would halve
    // the flow being measured), and a short second run under them gives depth and counters.
    const ratesOpts = perturbing.length ? { ...opts, probes: cheap } : opts;
    if (perturbing.length)
      opts.progress(`lab: ${opts.topology}: rates with ${cheap.join(", ") || "the default probes"} only`);
    const run = await recordSession(api, benchRecordOptions(ratesOpts), async () => {
      return (await runIperf(lab, opts.bench)).command;
    });
    annotateRun(run, lab, perturbing.length ? "rates" : "single");
    let probed: RunFile | undefined;
    if (perturbing.length) {
      const seconds = Math.min(opts.bench.seconds, PROBED_SECONDS);
      opts.progress(
        `lab: ${opts.topology}: ${seconds} s more under ${perturbing.join(", ")} (depth, probe counters)`,
      );
      probed = await recordSession(api, benchRecordOptions(opts), async () => {
        return (await runIperf(lab, { ...opts.bench, seconds })).command;
      });
      annotateRun(probed, lab, "probed");
    }
    if (opts.latencySeconds) {
      opts.progress(
        `lab: ${opts.topology}: sockperf ping-pong ${opts.bench.length} B for ${opts.latencySeconds} s`,
      );
      run.latency = await runSockperf(lab, opts.latencySeconds, Math.min(opts.bench.length, 65000));
    }
    return probed ? { run, probed } : { run };
  } finally {
    await labDown(lab);
  }
}
