import { wireTime } from "../util/wire-time.js";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { findProgram } from "../util/path-lookup.js";
import type { ServiceError } from "@grpc/grpc-js";
import type { ProfilerApi } from "./api.js";
import type { Snapshot__Output } from "../generated/overlayscope/v1/Snapshot.js";
import type { StreamSessionResponse__Output } from "../generated/overlayscope/v1/StreamSessionResponse.js";
import type { StartSessionRequest } from "../generated/overlayscope/v1/StartSessionRequest.js";
import type { Target } from "../generated/overlayscope/v1/Target.js";
import type { RunFile } from "../run/run-file.js";
import { MAX_ERROR_OUTPUT, type CommandRecord } from "../session/session-run.js";
import { OverlayscopeError, invalidArgument } from "../util/errors.js";
import { withOriginalPriority } from "../util/priority.js";
import { onShutdown } from "../util/shutdown.js";

/** The tail of a benchmark's output the daemon takes (its report is at the end). */
const MAX_OUTPUT = 1024 * 1024;

export interface RecordOptions {
  target: Target;
  probes: string[];
  defaultProbes: boolean;
  hz: number;
  intervalMs: number;
  durationMs: number;
  label: string;
  /** Shared by every host's session in a multi-host recording. */
  groupId?: string;
  /** Resolves when the user wants to stop early (Ctrl-C): the session stops, the run completes. */
  stopEarly?: Promise<void>;
  version: string;
  progress: (text: string) => void;
}

/** "30s", "2m", "500ms", "1h" → milliseconds. */
export function parseDuration(text: string, field = "--duration"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw invalidArgument(field, `not a duration: '${text}' (examples: 30s, 2m, 500ms)`);
  const n = Number(m[1]);
  const ms = n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"] ?? 1000);
  if (ms < 100 || ms > 24 * 3_600_000) throw invalidArgument(field, "must be between 100ms and 24h");
  return ms;
}

/** `--probes softirq,stacks:hz=199` → probe specs with string parameters. */
export function parseProbeList(list: string[]): Array<{ name: string; params: Record<string, string> }> {
  return list
    .flatMap((s) => s.split(","))
    .filter((s) => s.trim() !== "")
    .map((spec) => {
      const [name, ...kv] = spec.trim().split(":");
      const params: Record<string, string> = {};
      for (const pair of kv.join(":").split(";").filter(Boolean)) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw invalidArgument("--probes", `expected name:key=value, got '${spec}'`);
        params[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return { name: name!, params };
    });
}

function streamUntilFinal(
  api: ProfilerApi,
  id: string,
  onSnap: (s: Snapshot__Output) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // Progress only: the run is fetched whole at the end, the intervals' figures are not read here.
    const stream = api.streamSession(id, "progress");
    stream.on("data", (m: StreamSessionResponse__Output) => {
      if (m.snapshot) onSnap(m.snapshot);
    });
    stream.on("end", () => resolve());
    stream.on("error", (e: ServiceError) => reject(e));
  });
}

/** A benchmark that ran during the session, as the client saw it; the session keeps it in the run. */
export type CommandRun = CommandRecord;

/**
 * Records one session: start, stream snapshots until the duration, the command's exit or Ctrl-C,
 * stop (handing over the command the client ran, if any), and fetch the run the session made.
 */
export async function recordSession(
  api: ProfilerApi,
  opts: RecordOptions,
  during?: (sessionId: string) => Promise<CommandRun | undefined>,
): Promise<RunFile> {
  const specs = parseProbeList(opts.probes);
  const req: StartSessionRequest = {
    target: opts.target,
    probes: specs,
    defaultProbes: opts.defaultProbes || specs.length === 0,
    interval: wireTime(opts.intervalMs),
    stackHz: opts.hz,
    duration: wireTime(opts.durationMs),
    // Counters or the reason they are missing: a run always says which.
    hardwareCounters: true,
    label: opts.label,
    groupId: opts.groupId ?? "",
  };
  opts.progress("attaching probes");
  const t0 = Date.now();
  const session = await api.startSession(req);
  opts.progress(
    `recording session ${session.id} (${session.probes.map((p) => `${p.name}/${p.variant}`).join(", ")}) after ${Date.now() - t0} ms`,
  );
  let stopped: Promise<unknown> | undefined;
  const stop = (command?: CommandRun): Promise<unknown> =>
    (stopped ??= api
      .stopSession(
        session.id,
        command && {
          argv: command.argv,
          pid: command.pid,
          exitCode: command.exitCode ?? -1,
          startedAt: wireTime(command.startedAtMs),
          endedAt: wireTime(command.endedAtMs),
          output: command.output,
          launcherPid: process.pid,
          errorOutput: command.errorOutput ?? "",
        },
      )
      .catch(() => undefined));
  onShutdown(() => stop().then(() => undefined));
  void opts.stopEarly?.then(() => stop());
  let snapshots = 0;
  const streaming = streamUntilFinal(api, session.id, (s) => {
    snapshots++;
    const elapsed = (Date.now() - t0) / 1000;
    const remaining = opts.durationMs > 0 ? ` / ${(opts.durationMs / 1000).toFixed(0)} s` : "";
    if (!s.final) opts.progress(`recording: ${elapsed.toFixed(0)} s${remaining}, ${snapshots} snapshots`);
    for (const e of s.events) if (e.code !== "STOPPED") opts.progress(`${e.code}: ${e.message}`);
  });
  // A daemon that goes away mid-recording rejects this long before it is awaited below.
  streaming.catch(() => undefined);
  const command = during ? await during(session.id) : undefined;
  if (during) await stop(command);
  await streaming;
  await stop();
  return api.getRun(session.id);
}

/** Launches the benchmark with its output on our terminal (and kept for its report); resolves when it exits. */
export async function runBenchmark(argv: string[], progress: (t: string) => void): Promise<CommandRun> {
  if (argv.length === 0)
    throw invalidArgument(
      "command",
      "give the benchmark after --, e.g. overlayscope run -- iperf3 -c 10.0.0.2",
    );
  // Looked up first: through setpriv (spawnGuarded) a missing program is setpriv's exit 127, not
  // an error saying which program is missing.
  const { file, found } = await findProgram(argv[0]!);
  if (!file)
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `cannot run ${argv[0]}: ${found ? "not executable" : argv[0]!.includes("/") ? "no such file" : "not found on PATH"}`,
    );
  return new Promise((resolve, reject) => {
    const startedAtMs = Date.now();
    // The embedded daemon lowered this process's priority; the benchmark keeps the caller's.
    // Guarded: a `run` stopped by a signal (not the terminal's Ctrl-C, which reaches the whole
    // foreground group) or killed outright takes its benchmark with it instead of orphaning it.
    const child = withOriginalPriority(() =>
      spawnGuarded(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }),
    );
    let errorOutput = "";
    child.stderr?.on("data", (d: Buffer) => {
      process.stderr.write(d);
      errorOutput = (errorOutput + d.toString("utf8")).slice(-MAX_ERROR_OUTPUT);
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => {
      // The output still reaches the terminal unchanged; the tail is kept for the report parser.
      process.stdout.write(d);
      output += d.toString("utf8");
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
    });
    child.once("error", (e) =>
      reject(new OverlayscopeError("FAILED_PRECONDITION", `cannot run ${argv[0]}: ${e.message}`)),
    );
    child.once("spawn", () => progress(`running ${argv.join(" ")} (pid ${child.pid})`));
    child.once("close", (code, signal) =>
      resolve({
        argv,
        pid: child.pid ?? 0,
        exitCode: code ?? (signal ? 128 : null),
        startedAtMs,
        endedAtMs: Date.now(),
        output,
        ...(errorOutput ? { errorOutput } : {}),
      }),
    );
  });
}
