import type { BenchmarkResult } from "../benchmarks/benchmark-result.js";
import { parseBenchmarkOutput } from "../benchmarks/benchmark-report.js";
import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import type { Container } from "../containers/container-model.js";
import type { StackProfile } from "../profile/stack-profile.js";
import { envChanges } from "./env-changes.js";
import type { Interval, ProcessCpu } from "./interval-model.js";
import { pathDevice } from "./path-device.js";
import { RUN_SCHEMA_ID, type RunFile } from "./run-model.js";

/** How many processes the run names over the whole window. */
const TOP_PROCESSES = 20;

export interface CommandRecord {
  argv: string[];
  pid: number;
  exitCode: number | null;
  startedAtMs: number;
  endedAtMs: number;
  /** What it printed on stdout, for its benchmark report. */
  output: string;
  /** The client that launched it: overlayscope's own process, even when the benchmark exited before any sample saw it. */
  launcherPid?: number;
  /** The tail of what it printed on stderr (at most 2 KiB): where a failed benchmark says why. */
  errorOutput?: string;
}

/** The tail of a benchmark's stderr a run keeps (CommandRecord.errorOutput): the client sends no more, the daemon keeps no more. */
export const MAX_ERROR_OUTPUT = 2048;

/** Everything a session holds when it stops; the run is made from this alone. */
export interface RunParts {
  version: string;
  label: string;
  groupId?: string;
  host: RunFile["host"];
  target: string;
  /** What a container target resolved to. */
  container?: Container;
  window: { startMs: number; endMs: number };
  intervalMs: number;
  probes: RunFile["probes"];
  command?: CommandRecord;
  intervals: readonly Interval[];
  profile: StackProfile;
  summary: RunFile["summary"];
  envStart?: EnvSnapshot;
  envStop?: EnvSnapshot;
  bpfPrograms?: RunFile["bpfPrograms"];
  /** Whether hardware counters were asked for; when not, the run says so as the reason. */
  hardwareRequested: boolean;
  processes: ReadonlyMap<string, ProcessCpu>;
  cpus: number;
}

/** Hardware counters summed over CPUs and the window, or the reason they are absent. */
function hardwareTotals(parts: RunParts): RunFile["hardware"] {
  const totals: Record<string, number> = {};
  let supported = false;
  let reason = parts.hardwareRequested
    ? "no interval carried hardware counters"
    : "not requested (hardware_counters = false)";
  let memorySupported = false;
  let memoryReason = reason;
  let memoryBytes = 0;
  for (const i of parts.intervals) {
    const hw = i.hardware;
    if (!hw) continue;
    if (hw.supported) supported = true;
    else reason = hw.reason;
    for (const v of hw.values) if (v.counted) totals[v.event] = (totals[v.event] ?? 0) + v.value;
    if (hw.memorySupported) {
      memorySupported = true;
      memoryBytes += hw.memoryReadBytes + hw.memoryWriteBytes;
    } else memoryReason = hw.memoryReason;
  }
  return {
    supported,
    reason: supported ? "" : reason,
    totals,
    memorySupported,
    memoryReason: memorySupported ? "" : memoryReason,
    memoryBytes,
  };
}

function processTotals(parts: RunParts): RunFile["processes"] {
  const cpuTime = (parts.cpus || 1) * Math.max(1e-3, (parts.window.endMs - parts.window.startMs) / 1000);
  return [...parts.processes.values()]
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .slice(0, TOP_PROCESSES)
    .map((p) => ({ ...p, cpuShare: p.cpuSeconds / cpuTime }));
}

/**
 * Without a benchmark report, the path's rates come from the device counters: the busiest device
 * in the benchmark's namespace when it is known, else on the whole host; not loopback unless
 * loopback carried the benchmark (loopbackIsPath).
 */
function deviceBenchmark(
  intervals: readonly Interval[],
  netns: number | undefined,
): BenchmarkResult | undefined {
  const totals = new Map<
    string,
    { netns: number; name: string; device: string; rxP: number; txP: number; rxB: number; txB: number }
  >();
  let seconds = 0;
  for (const i of intervals) {
    if (i.final && i.devices.length === 0) continue;
    seconds += i.seconds;
    for (const d of i.devices) {
      const k = `${d.netns}/${d.device}`;
      const t = totals.get(k) ?? {
        netns: d.netns,
        name: d.netnsName,
        device: d.device,
        rxP: 0,
        txP: 0,
        rxB: 0,
        txB: 0,
      };
      t.rxP += d.rxPacketsPerSecond * i.seconds;
      t.txP += d.txPacketsPerSecond * i.seconds;
      t.rxB += d.rxBitsPerSecond * i.seconds;
      t.txB += d.txBitsPerSecond * i.seconds;
      totals.set(k, t);
    }
  }
  const inNetns = [...totals.values()].filter((t) => netns === undefined || t.netns === netns);
  const candidates = inNetns.some((t) => t.device !== "lo") ? inNetns : [...totals.values()];
  const best = pathDevice(candidates, (t) => Math.max(t.rxP, t.txP));
  if (!best || seconds <= 0 || Math.max(best.rxP, best.txP) === 0) return undefined;
  const dir = best.rxP >= best.txP ? "rx" : "tx";
  const packets = dir === "rx" ? best.rxP : best.txP;
  const where = `${best.name || best.netns}/${best.device} ${dir}`;
  return {
    tool: "device counters",
    protocol: "",
    messageBytes: 0,
    seconds,
    bitsPerSecond: (dir === "rx" ? best.rxB : best.txB) / seconds,
    packetsSent: Math.round(packets),
    packetsReceived: Math.round(packets),
    lostPercent: 0,
    source: `device counters: ${where}`,
    packetsSource: `device counters: ${where}`,
  };
}

/** The benchmark's report when it printed one; packet counts it lacks come from the devices. */
function benchmarkFigures(parts: RunParts): BenchmarkResult | undefined {
  const cmdNetns = parts.command ? parts.processes.get(String(parts.command.pid))?.netns : undefined;
  const devices = deviceBenchmark(parts.intervals, cmdNetns || undefined);
  const report = parts.command ? parseBenchmarkOutput(parts.command.argv, parts.command.output) : undefined;
  if (!report) return devices;
  // A report that counted deliveries keeps its count, none included (every datagram lost).
  if (!report.packetsSource && devices)
    return {
      ...report,
      packetsSent: devices.packetsSent,
      packetsReceived: devices.packetsReceived,
      packetsSource: devices.packetsSource,
    };
  return report;
}

/** Makes the run from a stopped session's parts: the one place a run file's content is decided. */
export function assembleRun(parts: RunParts): RunFile {
  const run: RunFile = {
    schema: RUN_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    overlayscopeVersion: parts.version,
    label: parts.label,
    host: parts.host,
    target: parts.target,
    ...(parts.container ? { container: parts.container } : {}),
    window: parts.window,
    intervalMs: parts.intervalMs,
    durationSeconds: (parts.window.endMs - parts.window.startMs) / 1000,
    probes: parts.probes,
    snapshots: [...parts.intervals],
    profile: parts.profile,
    summary: parts.summary,
    hardware: hardwareTotals(parts),
    processes: processTotals(parts),
  };
  if (parts.groupId) run.groupId = parts.groupId;
  if (parts.command) {
    const { output: _o, ...command } = parts.command;
    run.command = command;
  }
  if (parts.bpfPrograms) run.bpfPrograms = parts.bpfPrograms;
  const benchmark = benchmarkFigures(parts);
  if (benchmark) run.benchmark = benchmark;
  if (parts.envStart)
    run.environment = {
      start: parts.envStart,
      ...(parts.envStop ? { stop: parts.envStop } : {}),
      changes: parts.envStop ? envChanges(parts.envStart, parts.envStop) : [],
    };
  return run;
}
