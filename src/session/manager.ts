import { wireMs } from "../util/wire-time.js";
import type { StartSessionRequest__Output } from "../generated/overlayscope/v1/StartSessionRequest.js";
import type { ProbeEngine, ProbeRequest } from "../probes/engine.js";
import { clientText, invalidArgument, OverlayscopeError } from "../util/errors.js";
import { ProfilingSession } from "./session.js";
import { resolveTarget, type HostScope } from "./target.js";
import { loadCalibration } from "../probes/dispatch-calibration.js";

export interface SessionLimits {
  maxSessions: number;
  maxStreamsPerSession: number;
  idleGraceMs: number;
  /** Stopped sessions kept for GetSession/GetProfile. */
  keepStopped: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Owns every session: validation before side effects, limits, lookup, ordered shutdown. */
export class SessionManager {
  private readonly sessions = new Map<string, ProfilingSession>();
  private closed = false;

  constructor(
    private readonly engine: ProbeEngine,
    private readonly limits: SessionLimits,
    readonly scope?: HostScope,
    private readonly version = "",
  ) {}

  async start(req: StartSessionRequest__Output): Promise<ProfilingSession> {
    if (this.closed) throw new OverlayscopeError("FAILED_PRECONDITION", "the daemon is shutting down");
    const intervalMs = wireMs(req.interval) || 1000;
    if (intervalMs < 100 || intervalMs > 60_000)
      throw invalidArgument("interval", `must be 100 ms..60 s, got ${intervalMs} ms`);
    const stackHz = req.stackHz || 19;
    if (stackHz > 10_000) throw invalidArgument("stack_hz", `must be 1..10000, got ${stackHz}`);
    const durationMs = wireMs(req.duration);
    if (durationMs < 0 || durationMs > 24 * 3600 * 1000)
      throw invalidArgument("duration", `must be 0..24 h, got ${durationMs} ms`);
    if (req.detached && durationMs === 0)
      throw invalidArgument("detached", "a detached session needs a duration, or it would never end");
    if (req.label.length > 200) throw invalidArgument("label", "must be at most 200 characters");
    if (req.groupId !== "" && !/^[A-Za-z0-9._-]{1,64}$/.test(req.groupId))
      throw invalidArgument("group_id", "must match [A-Za-z0-9._-]{1,64}");
    const names = req.probes.map((p) => p.name);
    if (req.defaultProbes) for (const d of this.engine.defaultProbes()) if (!names.includes(d)) names.push(d);
    if (names.length === 0)
      throw invalidArgument("probes", "ask for at least one probe, or set default_probes");
    const probes: ProbeRequest[] = names.map((name) => {
      const spec = req.probes.find((p) => p.name === name);
      return spec && Object.keys(spec.params).length ? { name, params: { ...spec.params } } : { name };
    });
    const target = await resolveTarget(req.target, "target", this.scope);
    await this.engine.refreshSymbols();
    // A calibration made since the daemon started (probes --calibrate, lab bench) takes effect now.
    await loadCalibration();
    // Probe names, parameters and kernel support are checked by a dry prepare: nothing spawns.
    this.engine.prepare(probes, target.target);
    const running = [...this.sessions.values()].filter(
      (s) => s.state === "RUNNING" || s.state === "STOPPING",
    ).length;
    if (running >= this.limits.maxSessions) {
      throw new OverlayscopeError(
        "RESOURCE_EXHAUSTED",
        `at most ${this.limits.maxSessions} sessions may run at once (daemon limit max_sessions)`,
      );
    }
    const session = new ProfilingSession(this.engine, {
      target,
      probes,
      intervalMs,
      stackHz,
      durationMs,
      detached: req.detached,
      hardwareCounters: req.hardwareCounters,
      label: req.label,
      groupId: req.groupId,
      idleGraceMs: this.limits.idleGraceMs,
      version: this.version,
    });
    this.sessions.set(session.id, session);
    try {
      await session.start();
    } catch (e) {
      this.sessions.delete(session.id);
      throw e;
    }
    session.once("ended", () => this.prune());
    return session;
  }

  get(id: string, field = "id"): ProfilingSession {
    if (!UUID.test(id)) throw invalidArgument(field, `not a session id: ${clientText(id)}`);
    const s = this.sessions.get(id);
    if (!s) throw new OverlayscopeError("NOT_FOUND", `${field}: no session ${id}`, { field });
    return s;
  }

  list(): ProfilingSession[] {
    return [...this.sessions.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  private prune(): void {
    const stopped = this.list().filter((s) => s.state === "STOPPED" || s.state === "FAILED");
    for (const s of stopped.slice(0, Math.max(0, stopped.length - this.limits.keepStopped)))
      this.sessions.delete(s.id);
  }

  /** Stops every session (final maps flushed, final snapshot streamed); refuses new ones. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.list().map((s) => s.stop("DAEMON_SHUTDOWN", "the daemon is shutting down")));
  }
}
