import { optionalWireTime, wireTime } from "../util/wire-time.js";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { atOriginalPriority } from "../util/priority.js";
import { enterSteadyState } from "../util/steady-state.js";
import type { ExitInfo } from "../bpftrace/runner.js";
import { HostCollector } from "../collectors/host-collector.js";
import type { HostSample } from "../collectors/host-sample.js";
import type { Session as WireSession } from "../generated/overlayscope/v1/Session.js";
import type { ProbeReading } from "../probes/probe-run.js";
import type { ProbeLease } from "../probes/run-pool.js";
import type { ProbeEngine, ProbeRequest } from "../probes/engine.js";
import { StackProfileBuilder, type StackProfile } from "../profile/stack-profile.js";
import { summarizeStderr } from "../bpftrace/runner.js";
import { componentLogger } from "../util/log.js";
import { OverlayscopeError } from "../util/errors.js";
import type { ResolvedTarget } from "./target.js";
import { availableParallelism, hostname, release } from "node:os";
import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import { hostInventory, type HostInventory } from "../collectors/inventory.js";
import { functionShares } from "../profile/function-shares.js";
import { frameClassShares } from "../profile/frame-classes.js";
import { depthBelow, RECEIVE_ENTRIES, SEND_ENTRIES } from "../profile/call-depth.js";
import { processShares } from "../profile/process-shares.js";
import { dropReasonNames } from "../probes/drop-reasons.js";
import { buildInterval } from "./interval-builder.js";
import type { Interval, ProbeCostFigure, ProcessCpu, SessionEventValue } from "./interval-model.js";
import { IntervalHistory } from "./interval-history.js";
import type { RunFile } from "./run-model.js";
import { readBpfPrograms, type BpfProgramsSnapshot } from "../collectors/bpf-programs.js";
import { bpfProgramUse } from "./bpf-program-use.js";
import { assembleRun, type CommandRecord } from "./session-run.js";
import { QdiscPoller } from "../collectors/qdisc-poller.js";
import { busyNamespaces, SessionEnvironment } from "./session-environment.js";
import { QDISC_COUNTERS, type Qdisc } from "../collectors/qdisc.js";

const log = componentLogger("session");

/** The node and pod a DaemonSet daemon runs as, from the downward API (deploy/kubernetes). */
function kubernetesPlacement(): { kubernetes?: { node: string; pod: string; namespace: string } } {
  const e = process.env;
  if (!e.OVERLAYSCOPE_NODE_NAME) return {};
  return {
    kubernetes: {
      node: e.OVERLAYSCOPE_NODE_NAME,
      pod: e.OVERLAYSCOPE_POD_NAME ?? "",
      namespace: e.OVERLAYSCOPE_POD_NAMESPACE ?? "",
    },
  };
}

/** Processes remembered for the run's per-process totals (it reports the top ones). */
const MAX_PROCESS_TOTALS = 4096;
/** A report is a few KB (a -J report with per-second intervals ~1.5 KB/s); the tail is kept, and it must fit a gRPC message. */
const MAX_COMMAND_OUTPUT = 1024 * 1024;

// systeminformation forks a few probes: once per daemon, not per session.
let inventory: Promise<HostInventory> | undefined;
export function daemonInventory(): Promise<HostInventory> {
  inventory ??= hostInventory();
  return inventory;
}

export type SessionStateName = "RUNNING" | "STOPPING" | "STOPPED" | "FAILED";

export interface SessionOptions {
  target: ResolvedTarget;
  probes: ProbeRequest[];
  intervalMs: number;
  stackHz: number;
  durationMs: number;
  detached: boolean;
  hardwareCounters: boolean;
  label: string;
  /** Shared by the sessions of one multi-host recording. */
  groupId?: string;
  /** How long a session nobody watches lives on (unless detached). */
  idleGraceMs: number;
  /** The daemon's version, written into the run. */
  version?: string;
}

/**
 * One profiling session: probes and collectors on one timeline, snapshots fanned out to every
 * watcher, a stack profile accumulated for GetProfile. Emits "snapshot" (Interval) and "ended".
 */
export class ProfilingSession extends EventEmitter {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  stoppedAt = 0;
  state: SessionStateName = "RUNNING";
  error = "";
  private runs: ProbeLease[] = [];
  private readonly runState = new Map<string, { running: boolean; error: string }>();
  private collector?: HostCollector;
  private pendingReadings: ProbeReading[] = [];
  private pendingEvents: SessionEventValue[] = [];
  /** Every interval, in order (merged in equal groups past a bound): the run is made of them. */
  private readonly intervals = new IntervalHistory();
  private readonly processTotals = new Map<string, ProcessCpu>();
  /** Namespaces that carried traffic during the window (busyNamespaces): read for the environment. */
  private readonly busyNetns = new Set<number>();
  /** When data was recorded: from the collectors' baseline to the stop request (or the command's exit). */
  private window = { startMs: 0, endMs: 0 };
  private envStart?: Promise<EnvSnapshot | undefined>;
  private envStop?: Promise<EnvSnapshot | undefined>;
  /** BPF programs' run-time counters read just before the window opens and just after it closes. */
  private bpfStart?: Promise<BpfProgramsSnapshot | undefined>;
  private bpfStop?: Promise<BpfProgramsSnapshot | undefined>;
  private commandRecord?: CommandRecord;
  private readonly qdiscPoller = new QdiscPoller();
  private readonly environment: SessionEnvironment;
  /** The drops probe's sampled stacks, per reason and stack, over the session. */
  private readonly dropStacks = new Map<string, { reason: number; frames: string[]; samples: number }>();
  private qdiscPolling = false;
  /** Qdisc counter deltas polled since the last interval was emitted, per namespace. */
  private pendingQdiscs = new Map<number, Qdisc[]>();
  private seq = 0;
  private profile: StackProfileBuilder;
  private watchers = 0;
  private idleTimer?: NodeJS.Timeout;
  private durationTimer?: NodeJS.Timeout;
  private targetWatch?: NodeJS.Timeout;
  private command?: ChildProcess;
  commandPid = 0;
  commandExitCode = -1;
  private stopping?: Promise<void>;
  private lastSnapshot?: Interval;

  constructor(
    private readonly engine: ProbeEngine,
    readonly opts: SessionOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.profile = new StackProfileBuilder(opts.stackHz);
    this.environment = new SessionEnvironment(opts.target, (env, ns) => this.qdiscPoller.watch(env, ns));
  }

  /** Everything was validated by the manager; this attaches and returns once data flows. */
  async start(): Promise<void> {
    const intervalS = Math.max(1, Math.round(this.opts.intervalMs / 1000));
    const requests = this.opts.probes.map((p) => ({
      name: p.name,
      params: {
        interval_s: intervalS,
        ...(p.name === "stacks" ? { hz: this.opts.stackHz } : {}),
        ...(p.params ?? {}),
      },
    }));
    this.runs = this.engine.prepare(requests, this.opts.target.target);
    // A stacks:hz parameter overrides stack_hz; the profile must use the rate that was sampled.
    const stacks = this.runs.find((r) => r.name === "stacks");
    if (stacks) this.profile = new StackProfileBuilder(Number(stacks.params.hz));
    const started: ProbeLease[] = [];
    // The host inventory forks a few probes once per daemon: do it while bpftrace compiles, not
    // after the benchmark when the run is asked for.
    void daemonInventory().catch(() => undefined);
    // Where start-up time goes, at debug level (OVERLAYSCOPE_LOG_LEVEL=debug): README, Start-up.
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const mark = (what: string): void => void (timings[what] = Math.round(performance.now() - t0));
    // Read while the probes attach (bpftrace compiles for most of a second), and before the window
    // opens: the qdisc and conntrack counters it holds are the run's baseline.
    this.envStart = this.environment.readStart().then((read) => {
      // Qdiscs that can hold or drop packets are watched per interval from now on.
      if (read) this.qdiscPoller.watchAll(read.snapshot, read.namespaces);
      return read?.snapshot;
    });
    try {
      await Promise.all(
        this.runs.map(async (r) => {
          r.on("reading", (x: ProbeReading) => this.onReading(x));
          r.once("exit", (info: ExitInfo) => this.onProbeExit(r, info));
          await r.start();
          mark(`probe ${r.name} attached`);
          started.push(r);
          this.runState.set(r.name, { running: true, error: "" });
        }),
      );
      // Once our probes switched the kernel's BPF statistics on: every program's run time moves from here.
      this.bpfStart = readBpfPrograms().catch(() => undefined);
      const t = this.opts.target.target;
      this.collector = new HostCollector(
        {
          intervalMs: this.opts.intervalMs,
          hardwareCounters: this.opts.hardwareCounters,
          // A scoped daemon's device and SNMP counters are its own namespaces', not its neighbours'.
          ...(t.kind === "netnsSet" ? { netnsFilter: new Set(t.namespaces.map((n) => n.inode)) } : {}),
          ranPids: () => this.sampledPids(),
        },
        (s) => this.onHostSample(s),
      );
      await Promise.all([this.envStart, this.bpfStart]);
      mark("environment read");
      await this.collector.start();
      mark("collectors' baseline");
      enterSteadyState();
      this.window.startMs = Date.now();
      log.debug({ session: this.id, ms: timings }, "start-up timings");
      // Inside the guarded start: a launch that throws (E2BIG, EACCES) undoes the probes.
      if (this.opts.target.command) this.launch(this.opts.target.command);
    } catch (e) {
      // No half-attached sessions: whatever started is stopped before the error is returned.
      await Promise.all(started.map((r) => r.stop()));
      await this.collector?.stop();
      this.state = "FAILED";
      throw e;
    }
    if (this.opts.target.target.kind === "pid") this.watchPid(this.opts.target.target.pid);
    if (this.opts.durationMs > 0) {
      this.durationTimer = setTimeout(
        () => void this.stop("DURATION_REACHED", "the requested duration elapsed"),
        this.opts.durationMs,
      );
      this.durationTimer.unref();
    }
    this.armIdleTimer();
  }

  private launch(cmd: NonNullable<ResolvedTarget["command"]>): void {
    // The daemon runs below the benchmark's priority; the benchmark itself must not.
    const argv = atOriginalPriority(cmd.netns ? ["ip", "netns", "exec", cmd.netns, ...cmd.argv] : cmd.argv);
    const child = spawnGuarded(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] });
    const startedAtMs = Date.now();
    this.command = child;
    this.commandPid = child.pid ?? 0;
    // Its report is read for the benchmark's own figures; only the tail is kept.
    let output = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      output += d;
      if (output.length > MAX_COMMAND_OUTPUT) output = output.slice(-MAX_COMMAND_OUTPUT);
    });
    child.once(
      "error",
      (e) => void this.stop("COMMAND_FAILED", `could not run ${cmd.argv[0]}: ${e.message}`),
    );
    child.once("exit", (code, signal) => {
      this.commandExitCode = code ?? (signal ? 128 : -1);
      this.commandRecord = {
        argv: cmd.argv,
        pid: this.commandPid,
        exitCode: code,
        startedAtMs,
        endedAtMs: Date.now(),
        output,
      };
      void this.stop("COMMAND_EXITED", `command exited with ${code ?? signal}`);
    });
  }

  /** A benchmark the client ran itself during the session (overlayscope run, lab bench). */
  setCommand(c: CommandRecord): void {
    this.commandRecord = { ...c, output: c.output.slice(-MAX_COMMAND_OUTPUT) };
  }

  private watchPid(pid: number): void {
    this.targetWatch = setInterval(() => {
      if (!existsSync(`/proc/${pid}`)) void this.stop("TARGET_EXITED", `target process ${pid} exited`);
    }, 200);
    this.targetWatch.unref();
  }

  private onReading(r: ProbeReading): void {
    this.pendingReadings.push(r);
    if (r.data.probe === "stacks") this.profile.add(r.data.data.samples);
    if (r.data.probe === "drops")
      for (const s of r.data.data.stacks) {
        const k = `${s.reason}\u0000${s.frames.join(";")}`;
        const prev = this.dropStacks.get(k);
        if (prev) prev.samples += s.samples;
        else this.dropStacks.set(k, { ...s });
      }
    for (const m of r.fullMaps)
      this.pendingEvents.push({
        code: "MAP_FULL",
        message: `probe ${r.probe}: map ${m} reached its key limit; counts beyond it were lost`,
      });
  }

  /** Processes the stack sampler caught on a CPU since the last interval. */
  private sampledPids(): Set<number> {
    const pids = new Set<number>();
    for (const r of this.pendingReadings)
      if (r.data.probe === "stacks") for (const s of r.data.data.samples) pids.add(s.pid);
    return pids;
  }

  private onProbeExit(r: ProbeLease, info: ExitInfo): void {
    if (info.requested) return;
    const why = `bpftrace for probe ${r.name} exited unexpectedly (${info.signal ?? `code ${info.code}`}): ${summarizeStderr(info.stderr)}`;
    log.warn({ session: this.id, probe: r.name }, why);
    this.runState.set(r.name, { running: false, error: why });
    this.pendingEvents.push({ code: "PROBE_EXITED", message: why });
    // The rest of the session goes on: collectors and other probes are unaffected.
  }

  private onHostSample(s: HostSample): void {
    for (const inode of busyNamespaces(s.netns)) this.busyNetns.add(inode);
    this.environment.noteBusy(this.busyNetns);
    const names = new Map(s.netns.map((n) => [n.inode, n.names[0] ?? ""]));
    for (const p of s.processes) {
      const k = String(p.pid);
      const prev = this.processTotals.get(k);
      if (prev && prev.comm === p.comm) prev.cpuSeconds += p.cpuSeconds;
      else this.processTotals.set(k, { ...p, netnsName: names.get(p.netns) ?? "" });
    }
    // A day beside a fork-heavy workload meets tens of thousands of pids: past the bound, the half
    // that used the least CPU is forgotten (the run names the top processes only).
    if (this.processTotals.size > MAX_PROCESS_TOTALS) {
      const least = [...this.processTotals].sort((a, b) => a[1].cpuSeconds - b[1].cpuSeconds);
      for (const [k] of least.slice(0, least.length - MAX_PROCESS_TOTALS / 2)) this.processTotals.delete(k);
    }
    this.emitSnapshot(s, false);
  }

  /** One `tc` per watched namespace, never two polls at once; results join the next interval. */
  private pollQdiscs(): void {
    const poller = this.qdiscPoller;
    if (!poller?.active || this.qdiscPolling) return;
    this.qdiscPolling = true;
    void poller
      .poll()
      .then((deltas) => {
        for (const [inode, list] of deltas) {
          const prev = new Map(
            (this.pendingQdiscs.get(inode) ?? []).map((q) => [`${q.device} ${q.handle}`, q]),
          );
          this.pendingQdiscs.set(
            inode,
            list.map((q) => {
              const p = prev.get(`${q.device} ${q.handle}`);
              if (!p) return q;
              const sum = { ...q };
              for (const k of QDISC_COUNTERS) sum[k] += p[k];
              return sum;
            }),
          );
        }
      })
      .finally(() => (this.qdiscPolling = false));
  }

  private emitSnapshot(host: HostSample | undefined, final: boolean): void {
    if (host) this.pollQdiscs();
    const interval = buildInterval(
      this.seq++,
      host,
      this.pendingReadings,
      this.pendingEvents,
      final,
      host ? this.pendingQdiscs : undefined,
    );
    if (host) this.pendingQdiscs = new Map();
    this.pendingReadings = [];
    this.pendingEvents = [];
    this.lastSnapshot = interval;
    this.intervals.push(interval);
    this.emit("snapshot", interval);
  }

  get snapshotCount(): number {
    return this.seq;
  }

  get finalSnapshot(): Interval | undefined {
    const last = this.lastSnapshot;
    return (this.state === "STOPPED" || this.state === "FAILED") && last ? last : undefined;
  }

  addWatcher(): () => void {
    this.watchers++;
    clearTimeout(this.idleTimer);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.watchers--;
      this.armIdleTimer();
    };
  }

  private armIdleTimer(): void {
    if (this.watchers > 0 || this.opts.detached || this.state !== "RUNNING") return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => void this.stop("IDLE", `no client watched for ${this.opts.idleGraceMs} ms`),
      this.opts.idleGraceMs,
    );
    this.idleTimer.unref();
  }

  /** Stops probes (final maps flushed), collectors and the command; idempotent. */
  stop(code = "STOPPED", message = "stopped by request"): Promise<void> {
    this.stopping ??= (async () => {
      this.state = "STOPPING";
      // The window ends when the stop was asked for (or the command exited), not when the probes
      // have finished flushing.
      this.window.endMs = this.commandRecord?.endedAtMs ?? Date.now();
      for (const t of [this.idleTimer, this.durationTimer]) clearTimeout(t);
      clearInterval(this.targetWatch);
      this.pendingEvents.push({ code, message });
      if (this.command && this.command.exitCode === null) this.command.kill("SIGTERM");
      const t0 = performance.now();
      // The collectors' last sample closes at the window's end; the probes flush afterwards.
      // The other way round, the per-process CPU covered the flush time too (4% past one CPU).
      await this.collector?.stop();
      const collectorsMs = Math.round(performance.now() - t0);
      // Read while the probes flush (the run, GetRun, waits for it; the stop does not), after the
      // collectors' last interval so it knows every namespace that moved a packet.
      if (this.envStart) this.envStop = this.environment.readStop(this.busyNetns);
      if (this.bpfStart) this.bpfStop = readBpfPrograms().catch(() => undefined);
      await Promise.all(this.runs.map((r) => r.stop()));
      log.debug(
        {
          session: this.id,
          ms: { collectors: collectorsMs, probesFlushed: Math.round(performance.now() - t0) },
        },
        "stop timings",
      );
      for (const r of this.runs) {
        const st = this.runState.get(r.name);
        if (st) st.running = false;
      }
      this.state = "STOPPED";
      this.stoppedAt = Date.now();
      this.emitSnapshot(undefined, true);
      this.emit("ended");
      log.info({ session: this.id, code }, "session ended");
    })();
    return this.stopping;
  }

  private windowSeconds(): number {
    const end = this.window.endMs || Date.now();
    return Math.max(0, end - (this.window.startMs || this.startedAt)) / 1000;
  }

  stackProfile(): StackProfile {
    return this.profile.build(this.windowSeconds());
  }

  summary(): RunFile["summary"] & { durationSeconds: number } {
    const p = this.stackProfile();
    const costs = new Map<string, ProbeCostFigure>();
    for (const i of this.intervals.all()) for (const c of i.probeCosts) costs.set(c.probe, c);
    return {
      durationSeconds: p.durationSeconds,
      stackSamples: p.stacks.reduce((a, s) => a + s.samples, 0),
      topFunctions: [...functionShares(p.stacks).shares]
        .map(([fn, share]) => ({ function: fn, share }))
        .sort((a, b) => b.share - a.share)
        .slice(0, 20),
      probeCosts: [...costs.values()],
      frameClasses: frameClassShares(p.stacks),
      callDepth: { send: depthBelow(p.stacks, SEND_ENTRIES), receive: depthBelow(p.stacks, RECEIVE_ENTRIES) },
      processShares: processShares(p.stacks),
      dropStacks: [...this.dropStacks.values()]
        .sort((a, b) => b.samples - a.samples)
        .slice(0, 10)
        .map((s) => ({ ...s, reasonName: dropReasonNames().get(s.reason) ?? `reason ${s.reason}` })),
    };
  }

  /** The complete run; only once the session has stopped (a run is a closed window). */
  async run(): Promise<RunFile> {
    if (this.state !== "STOPPED" && this.state !== "FAILED")
      throw new OverlayscopeError(
        "FAILED_PRECONDITION",
        `id: session ${this.id} is still ${this.state.toLowerCase()}: stop it first`,
        { field: "id" },
      );
    const inv = await daemonInventory();
    const { durationSeconds: _d, ...summary } = this.summary();
    return assembleRun({
      version: this.opts.version ?? "",
      label: this.opts.label,
      ...(this.opts.groupId ? { groupId: this.opts.groupId } : {}),
      host: {
        hostname: hostname(),
        kernel: release(),
        bpftraceVersion: this.engine.caps.bpftrace.text,
        cpus: availableParallelism(),
        cpuModel: inv.cpuModel,
        os: inv.os,
        numaNodes: inv.numaNodes,
        memoryBytes: inv.memoryBytes,
        daemonPid: process.pid,
        ...kubernetesPlacement(),
      },
      target: this.opts.target.description,
      ...(this.opts.target.container ? { container: this.opts.target.container } : {}),
      window: { ...this.window },
      intervalMs: this.opts.intervalMs,
      probes: this.runs.map((r) => ({
        name: r.name,
        variant: r.variant.name,
        costClass: this.engine.catalogue.get(r.name)?.manifest.costClass ?? "",
      })),
      ...(this.commandRecord ? { command: this.commandRecord } : {}),
      intervals: this.intervals.all(),
      profile: this.stackProfile(),
      summary,
      ...(await (this.envStart ?? Promise.resolve(undefined)).then((e) => (e ? { envStart: e } : {}))),
      ...(await (this.envStop ?? Promise.resolve(undefined)).then((e) => (e ? { envStop: e } : {}))),
      ...(await this.bpfProgramsOfWindow()),
      hardwareRequested: this.opts.hardwareCounters,
      processes: this.processTotals,
      cpus: availableParallelism(),
    });
  }

  /** The BPF programs that ran during the window, when both readings were taken. */
  private async bpfProgramsOfWindow(): Promise<{ bpfPrograms?: RunFile["bpfPrograms"] }> {
    const [start, stop] = await Promise.all([this.bpfStart, this.bpfStop]);
    return start && stop ? { bpfPrograms: bpfProgramUse(start, stop, process.pid) } : {};
  }

  toWire(): WireSession {
    return {
      id: this.id,
      state:
        this.state === "RUNNING"
          ? "SESSION_STATE_RUNNING"
          : this.state === "STOPPING"
            ? "SESSION_STATE_STOPPING"
            : this.state === "STOPPED"
              ? "SESSION_STATE_STOPPED"
              : "SESSION_STATE_FAILED",
      target: this.opts.target.description,
      startedAt: optionalWireTime(this.startedAt),
      stoppedAt: optionalWireTime(this.stoppedAt),
      interval: wireTime(this.opts.intervalMs),
      probes: this.runs.map((r) => ({
        name: r.name,
        variant: r.variant.name,
        costClass: this.engine.catalogue.get(r.name)?.manifest.costClass ?? "",
        running: this.runState.get(r.name)?.running ?? false,
        error: this.runState.get(r.name)?.error ?? "",
      })),
      snapshots: this.seq,
      label: this.opts.label,
      groupId: this.opts.groupId ?? "",
      error: this.error,
      commandPid: this.commandPid,
      commandExitCode: this.commandExitCode,
      watchers: this.watchers,
    };
  }

  /** For tests and operators: the bpftrace pids this session runs. */
  bpftracePids(): number[] {
    return this.runs.map((r) => r.pid).filter((p): p is number => p !== undefined);
  }
}
