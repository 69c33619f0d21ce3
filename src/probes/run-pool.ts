import { EventEmitter } from "node:events";
import type { ExitInfo } from "../bpftrace/runner.js";
import { componentLogger } from "../util/log.js";
import type { ProbeReading, ProbeRun } from "./probe-run.js";

const log = componentLogger("probe-pool");

interface Shared {
  run: ProbeRun;
  leases: Set<ProbeLease>;
  started: Promise<void>;
}

/**
 * bpftrace costs 0.3–0.8 s to start and ~100 MB per process, so sessions that ask for the same
 * probe with the same rendered program share one process. Readings are per-interval deltas, so a
 * session that joins later simply starts receiving from its first interval.
 */
export class ProbeRunPool {
  private readonly shared = new Map<string, Shared>();
  private readonly observers = new Set<(r: ProbeReading) => void>();

  /** Sees every reading once per process, however many sessions share it (metrics). */
  observe(fn: (r: ProbeReading) => void): void {
    this.observers.add(fn);
  }

  lease(run: ProbeRun): ProbeLease {
    return new ProbeLease(this, run);
  }

  /** @internal */
  async attach(lease: ProbeLease, fresh: ProbeRun): Promise<ProbeRun> {
    const key = `${fresh.name}\u0000${fresh.script}`;
    let s = this.shared.get(key);
    if (!s) {
      const entry: Shared = { run: fresh, leases: new Set(), started: Promise.resolve() };
      entry.started = fresh.start();
      fresh.on("reading", (r: ProbeReading) => {
        for (const o of this.observers) o(r);
        for (const l of entry.leases) l.emit("reading", r);
      });
      fresh.once("exit", (info: ExitInfo) => {
        if (this.shared.get(key) === entry) this.shared.delete(key);
        for (const l of entry.leases) l.emit("exit", info);
      });
      this.shared.set(key, entry);
      s = entry;
      try {
        await entry.started;
      } catch (e) {
        this.shared.delete(key);
        throw e;
      }
    } else {
      await s.started;
      log.debug({ probe: fresh.name, sharing: s.leases.size + 1 }, "sharing a running probe");
    }
    s.leases.add(lease);
    return s.run;
  }

  /** @internal Resolves once this lease is detached (and the process stopped if it was the last). */
  async detach(lease: ProbeLease, run: ProbeRun): Promise<ExitInfo> {
    for (const [key, s] of this.shared) {
      if (s.run !== run || !s.leases.delete(lease)) continue;
      if (s.leases.size > 0) return { code: null, signal: null, stderr: [], requested: true };
      this.shared.delete(key);
      // The last holder gets the final maps, so it keeps listening while the process stops.
      s.leases.add(lease);
      const info = await run.stop();
      s.leases.delete(lease);
      return info;
    }
    return run.stop();
  }

  /** Processes currently running, for tests and operators. */
  get size(): number {
    return this.shared.size;
  }
}

/**
 * A session's handle on a probe: the same surface as a ProbeRun (name, variant, params, pid,
 * start, stop, "reading" and "exit" events), backed by a possibly shared process.
 */
export class ProbeLease extends EventEmitter {
  private run?: ProbeRun;

  constructor(
    private readonly pool: ProbeRunPool,
    private readonly candidate: ProbeRun,
  ) {
    super();
  }

  get name(): string {
    return this.candidate.name;
  }

  get variant(): ProbeRun["variant"] {
    return this.candidate.variant;
  }

  get params(): ProbeRun["params"] {
    return this.candidate.params;
  }

  get pid(): number | undefined {
    return this.run?.pid;
  }

  get script(): string {
    return this.candidate.script;
  }

  async start(): Promise<void> {
    this.run = await this.pool.attach(this, this.candidate);
  }

  stop(): Promise<ExitInfo> {
    if (!this.run) return Promise.resolve({ code: null, signal: null, stderr: [], requested: true });
    const run = this.run;
    return this.pool.detach(this, run);
  }
}
