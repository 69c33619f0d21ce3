import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ProfilerApi } from "../../client/api.js";
import { DEFAULT_LAB_PROBES, labBench, type LabBenchOptions } from "../../lab/bench.js";
import { isDockerTopology } from "../../lab/docker-topology.js";
import type { IperfOptions } from "../../lab/iperf.js";
import { listLabs, removeLab, saveLab } from "../../lab/lab-state.js";
import { labUp, TOPOLOGIES, UNSUPPORTED_TOPOLOGIES } from "../../lab/topology.js";
import { runFigures } from "../../diagnose/run-figures.js";
import { writeRunFile, type RunFile } from "../../run/run-file.js";
import { writeMultiHostRun, type MultiHostRun } from "../../run/multi-host-run.js";
import { labBenchPerHost } from "../../lab/per-host-bench.js";
import { describeError, invalidArgument } from "../../util/errors.js";
import { ensureCalibration } from "../../probes/dispatch-calibration.js";
import { formatNumber, renderTable } from "../table.js";

const INJECT_TOOLS = new Set(["ethtool", "ip", "sysctl", "tc"]);
const INJECT_NS = new Set(["client", "server", "client-host", "server-host"]);

/** `client:ethtool -K eth0 tx off` → a change applied in the lab before measuring. */
export function parseInject(text: string): NonNullable<LabBenchOptions["inject"]> {
  const colon = text.indexOf(":");
  const ns = text.slice(0, colon);
  const argv = text
    .slice(colon + 1)
    .trim()
    .split(/\s+/);
  if (colon < 0 || !INJECT_NS.has(ns))
    throw invalidArgument("--inject", `expected NS:COMMAND with NS one of ${[...INJECT_NS].join(", ")}`);
  if (!INJECT_TOOLS.has(argv[0] ?? ""))
    throw invalidArgument("--inject", `the command must start with one of ${[...INJECT_TOOLS].join(", ")}`);
  return { netns: ns as NonNullable<LabBenchOptions["inject"]>["netns"], argv };
}

export function checkTopologies(names: string[]): void {
  for (const t of names) {
    if (t in UNSUPPORTED_TOPOLOGIES) continue; // labUp explains what the kernel lacks
    if (!(TOPOLOGIES as readonly string[]).includes(t))
      throw invalidArgument("--topology", `unknown '${t}' (known: ${TOPOLOGIES.join(", ")})`);
  }
}

export async function labUpCommand(topology: string): Promise<{
  id: string;
  namespaces: string[];
  clientNs: string;
  serverNs: string;
  serverAddr: string;
  setupMs: number;
}> {
  const lab = await labUp(topology, undefined, true);
  await saveLab(lab);
  return {
    id: lab.id,
    namespaces: lab.namespaces,
    clientNs: lab.clientNs,
    serverNs: lab.serverNs,
    serverAddr: lab.serverAddr,
    setupMs: lab.setupMs,
  };
}

export async function labStatusCommand(): Promise<Awaited<ReturnType<typeof listLabs>>> {
  return listLabs();
}

export async function labDownCommand(ids: string[], all: boolean): Promise<string[]> {
  const targets = all ? (await listLabs()).filter((l) => l.state !== "in-use").map((l) => l.id) : ids;
  if (targets.length === 0 && !all)
    throw invalidArgument("id", "give a lab id or --all (see 'overlayscope lab status')");
  for (const id of targets) await removeLab(id);
  return targets;
}

export interface BenchFlags {
  topology: string[];
  protocol: string;
  length: number;
  parallel: number;
  pairs: number;
  seconds: number;
  bitrate?: string;
  output: string;
  probes?: string[];
  hz: number;
  inject?: string;
  latency?: number;
  perHost?: boolean;
}

/**
 * Everything before the first benchmark: validated options per topology from the CLI flags, the
 * output directory, and this boot's dispatch calibration.
 */
async function prepareBenches(
  flags: BenchFlags,
  version: string,
  progress: (t: string) => void,
): Promise<LabBenchOptions[]> {
  if (flags.protocol !== "udp" && flags.protocol !== "tcp")
    throw invalidArgument("--protocol", `must be udp or tcp, got '${flags.protocol}'`);
  checkTopologies(flags.topology);
  const bench: IperfOptions = {
    protocol: flags.protocol,
    length: flags.length,
    seconds: flags.seconds,
    parallel: flags.parallel,
  };
  if (flags.bitrate !== undefined) {
    if (!/^\d+[KMG]?$/.test(flags.bitrate))
      throw invalidArgument("--bitrate", "must be a number with optional K, M or G");
    const mult = { K: 1e3, M: 1e6, G: 1e9 }[flags.bitrate.slice(-1)] ?? 1;
    bench.bitrate = Number(flags.bitrate.replace(/[KMG]$/, "")) * mult;
  }
  const inject = flags.inject ? parseInject(flags.inject) : undefined;
  await mkdir(flags.output, { recursive: true });
  // Per-packet probes report their cost with this kernel's dispatch figure, measured before any lab runs.
  await ensureCalibration(progress).catch((e: unknown) =>
    progress(`dispatch calibration failed (${describeError(e)}); probe costs use the bare-metal estimate`),
  );
  return flags.topology.map((topology) => {
    const opts = labBenchOptions(topology, bench, flags, version, progress);
    if (inject) opts.inject = inject;
    return opts;
  });
}

/** One topology's bench as `lab bench` and each cell of `lab study` run it. */
export function labBenchOptions(
  topology: string,
  bench: IperfOptions,
  flags: { pairs?: number; probes?: string[]; hz: number; latency?: number },
  version: string,
  progress: (t: string) => void,
): LabBenchOptions {
  return {
    topology,
    bench,
    pairs: flags.pairs ?? 1,
    probes: flags.probes ?? DEFAULT_LAB_PROBES,
    hz: flags.hz,
    version,
    progress,
    ...(flags.latency ? { latencySeconds: flags.latency } : {}),
  };
}

const runFileName = (flags: BenchFlags, topology: string, suffix = ""): string =>
  join(
    flags.output,
    `${topology}-${flags.protocol}${flags.length}${flags.pairs > 1 ? `-n${flags.pairs}` : ""}${suffix}.json`,
  );

export async function labBenchCommand(
  api: ProfilerApi,
  flags: BenchFlags,
  version: string,
  progress: (t: string) => void,
): Promise<Array<{ topology: string; file: string; run: RunFile; probedFile?: string; probed?: RunFile }>> {
  const out: Array<{ topology: string; file: string; run: RunFile; probedFile?: string; probed?: RunFile }> =
    [];
  for (const opts of await prepareBenches(flags, version, progress)) {
    const { run, probed } = await labBench(api, opts);
    const file = runFileName(flags, opts.topology);
    await writeRunFile(file, run);
    if (probed) {
      const probedFile = runFileName(flags, opts.topology, "-probed");
      await writeRunFile(probedFile, probed);
      out.push({ topology: opts.topology, file, run, probedFile, probed });
    } else out.push({ topology: opts.topology, file, run });
  }
  return out;
}

/** `--per-host`: one daemon per lab host, one multi-host run per topology. */
export async function labBenchPerHostCommand(
  flags: BenchFlags,
  version: string,
  progress: (t: string) => void,
): Promise<Array<{ topology: string; file: string; run: MultiHostRun }>> {
  if (flags.latency) throw invalidArgument("--latency", "not with --per-host (measure latency without it)");
  const docker = flags.topology.filter(isDockerTopology);
  if (docker.length)
    throw invalidArgument(
      "--per-host",
      `Docker topologies (${docker.join(", ")}) run on one dockerd: record them without it`,
    );
  const out: Array<{ topology: string; file: string; run: MultiHostRun }> = [];
  for (const opts of await prepareBenches(flags, version, progress)) {
    const run = await labBenchPerHost(opts);
    const file = runFileName(flags, opts.topology, "-per-host");
    await writeMultiHostRun(file, run);
    out.push({ topology: opts.topology, file, run });
  }
  return out;
}

/** The benchmark's own figures next to ours, one row per topology. */
export function formatBench(
  results: Array<{ topology: string; file: string; run: RunFile; probed?: RunFile; probedFile?: string }>,
): string {
  const rows = results.map(({ topology, file, run, probed, probedFile }) => {
    const f = runFigures(run);
    const b = run.benchmark!;
    const lat = run.latency ? `${run.latency.avgUs.toFixed(1)} / ${run.latency.p99Us.toFixed(1)}` : "-";
    const depth = probed ? runFigures(probed).depth : undefined;
    return [
      topology,
      Math.round(f.packetsPerSecond),
      Number((b.bitsPerSecond / 1e6).toFixed(1)),
      Number(b.lostPercent.toFixed(2)),
      lat,
      Number((f.softirqsPerPacket ?? 0).toFixed(3)),
      Number((f.cpuUsPerPacket ?? 0).toFixed(2)),
      depth ? Number(depth.mean.toFixed(1)) : "-",
      Number((run.lab?.setupMs ?? 0).toFixed(1)),
      probedFile ? `${file} (+ ${probedFile})` : file,
    ];
  });
  const phased = results.some((r) => r.probed);
  return (
    renderTable(
      [
        "topology",
        "iperf3 pkt/s",
        "iperf3 Mbit/s",
        "iperf3 loss %",
        "sockperf avg / p99 µs",
        "softirqs/pkt",
        "CPU µs/pkt",
        "udp_sendmsg depth (probed)",
        "setup ms",
        "run file",
      ],
      rows,
    ) +
    (phased
      ? "\nrates, loss, softirqs and CPU per packet: measured with the per-packet probes off; depth: from a short second run under them (the -probed files)"
      : "") +
    `\n(${formatNumber(results.length)} runs; 'overlayscope diagnose A B' compares two)`
  );
}
