import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { OverlayscopeError } from "../util/errors.js";
import { componentLogger } from "../util/log.js";
import { parseLine, type BpftraceMessage, type LineError } from "./messages.js";
import { spawnGuarded } from "./spawn-guarded.js";

const log = componentLogger("bpftrace-runner");

/** Printed from BEGIN, which bpftrace fires only after every probe attached. */
export const READY_MARKER = "overlayscope:ready";

export type RunnerState = "idle" | "starting" | "running" | "stopping" | "exited";

export interface RunnerOptions {
  /** Shown in errors and logs, e.g. the catalogue probe name. */
  label: string;
  script: string;
  binary?: string;
  mapKeysMax?: number;
  attachTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stderr lines that are not known noise. */
  stderr: string[];
  /** True when we asked it to stop (as opposed to a crash or a probe failure). */
  requested: boolean;
}

export interface RunnerCounters {
  lines: number;
  messages: number;
  unknown: number;
  invalid: number;
  lostEvents: number;
}

/** stderr lines every bpftrace 0.17 start prints on memcg-accounted kernels (BPFTRACE.md trap 4). */
const STDERR_NOISE = [/couldn't set RLIMIT_MEMLOCK/];

/** Insert the ready marker into the script's BEGIN, or add one (bpftrace allows only one BEGIN). */
export function withReadyMarker(script: string): string {
  const marker = `printf("${READY_MARKER}\\n");`;
  if (/(^|\s)BEGIN\s*\{/.test(script)) return script.replace(/(^|\s)BEGIN\s*\{/, `$1BEGIN { ${marker}`);
  return `BEGIN { ${marker} }\n${script}`;
}

/**
 * One bpftrace process: start → attached → running → stopped, with every path settling.
 * Emits "message" (BpftraceMessage), "invalid" (LineError) and "exit" (ExitInfo).
 */
/**
 * How long bpftrace may take to compile and attach: 20 s, or OVERLAYSCOPE_ATTACH_TIMEOUT_S on a
 * slow host (an emulated kernel-matrix guest compiles several scripts at once in a minute or more).
 */
/** How often a stop request is repeated until bpftrace exits (see stop()). */
const STOP_REPEAT_MS = 400;

export function attachTimeoutMs(): number {
  const s = Number(process.env.OVERLAYSCOPE_ATTACH_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 20_000;
}

export class BpftraceRunner extends EventEmitter {
  readonly label: string;
  private readonly opts: RunnerOptions;
  private child?: ChildProcess;
  private stateValue: RunnerState = "idle";
  private readonly stderrLines: string[] = [];
  private stopRequested = false;
  private exitPromise?: Promise<ExitInfo>;
  readonly counters: RunnerCounters = { lines: 0, messages: 0, unknown: 0, invalid: 0, lostEvents: 0 };

  constructor(opts: RunnerOptions) {
    super();
    this.label = opts.label;
    this.opts = opts;
  }

  get state(): RunnerState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves once every probe is attached; rejects with PROBE_ATTACH_FAILED and bpftrace's reason. */
  async start(): Promise<void> {
    if (this.stateValue !== "idle")
      throw new OverlayscopeError("INTERNAL", `runner ${this.label} started twice`);
    this.stateValue = "starting";
    // User stacks are symbolised by the daemon (src/symbols): bpftrace 0.17 doing it at print
    // time stalled the interval output for seconds.
    const env = {
      ...process.env,
      // 0.23 renamed the variable (the old name still works there, with a warning).
      BPFTRACE_MAP_KEYS_MAX: String(this.opts.mapKeysMax ?? 4096),
      BPFTRACE_MAX_MAP_KEYS: String(this.opts.mapKeysMax ?? 4096),
      BPFTRACE_NO_USER_SYMBOLS: "1",
    };
    const child = spawnGuarded(
      this.opts.binary ?? "bpftrace",
      ["-f", "json", "-e", withReadyMarker(this.opts.script)],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env,
      },
    );
    this.child = child;

    const exited = new Promise<ExitInfo>((resolve) => {
      child.once("error", (err) => {
        this.stderrLines.push(`spawn failed: ${err.message}`);
        this.stateValue = "exited";
        resolve(this.exitInfo(null, null));
      });
      child.once("close", (code, signal) => {
        this.stateValue = "exited";
        resolve(this.exitInfo(code, signal));
      });
    });
    this.exitPromise = exited.then((info) => {
      this.emit("exit", info);
      return info;
    });

    let readyResolve!: () => void;
    const ready = new Promise<void>((r) => (readyResolve = r));
    createInterface({ input: child.stderr!, crlfDelay: Infinity }).on("line", (line) => {
      if (STDERR_NOISE.some((re) => re.test(line))) return;
      if (this.stderrLines.length < 200) this.stderrLines.push(line);
    });
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on("line", (line) => {
      this.counters.lines++;
      const parsed = parseLine(line);
      if (!Array.isArray(parsed)) {
        this.counters.invalid++;
        this.emit("invalid", parsed satisfies LineError);
        return;
      }
      for (const msg of parsed) {
        if (msg.type === "printf" && msg.text.trim() === READY_MARKER) {
          readyResolve();
          continue;
        }
        this.counters.messages++;
        if (msg.type === "unknown") this.counters.unknown++;
        if (msg.type === "lost_events") this.counters.lostEvents += msg.lost;
        this.emit("message", msg satisfies BpftraceMessage);
      }
    });

    const timeoutMs = this.opts.attachTimeoutMs ?? attachTimeoutMs();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready.then(() => "ready" as const),
      this.exitPromise.then(() => "exited" as const),
      new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (outcome === "ready") {
      this.stateValue = "running";
      log.debug({ probe: this.label, pid: child.pid }, "attached");
      return;
    }
    if (outcome === "timeout") await this.stop(2000);
    const info = await this.exitPromise;
    throw new OverlayscopeError(
      "PROBE_ATTACH_FAILED",
      `probe ${this.label} did not attach${outcome === "timeout" ? ` within ${timeoutMs} ms` : ""}: ${summarizeStderr(info.stderr)}`,
    );
  }

  /**
   * SIGINT first so bpftrace runs END and prints its remaining maps; SIGKILL after the deadline.
   * Idempotent; always resolves.
   *
   * bpftrace's main loop (0.17 at least) looks at its exit flag only when epoll_wait fails with
   * EINTR: a signal that lands while it is awake — reading events, or runnable but waiting for a
   * CPU after a 100 ms poll timeout — sets the flag and is then forgotten. On a loaded 2-core VM
   * that lost a quarter of the stops (15 of 60 with four busy loops), so we repeat the request
   * until it exits. The repeats are SIGTERM: bpftrace keeps its flag-setting handler for SIGTERM
   * after the main loop, where it resets SIGINT to the default, so a late repeat cannot kill it
   * while it prints its final maps.
   */
  async stop(deadlineMs = 3000): Promise<ExitInfo> {
    if (!this.child || !this.exitPromise) return this.exitInfo(null, null);
    if (this.stateValue !== "exited" && !this.stopRequested) {
      this.stopRequested = true;
      this.stateValue = "stopping";
      const child = this.child;
      child.kill("SIGINT");
      let repeats = 0;
      const repeater = setInterval(() => {
        repeats++;
        child.kill("SIGTERM");
      }, STOP_REPEAT_MS);
      const killer = setTimeout(() => {
        log.warn(
          { probe: this.label, pid: child.pid, repeats },
          "bpftrace did not exit on SIGINT/SIGTERM; killing",
        );
        child.kill("SIGKILL");
      }, deadlineMs);
      repeater.unref();
      killer.unref();
      void this.exitPromise.finally(() => {
        clearInterval(repeater);
        clearTimeout(killer);
        if (repeats > 0)
          log.debug({ probe: this.label, pid: child.pid, repeats }, "bpftrace stop signal repeated");
      });
    }
    return this.exitPromise;
  }

  /** Resolves when the process exits for any reason. */
  exited(): Promise<ExitInfo> {
    return this.exitPromise ?? Promise.resolve(this.exitInfo(null, null));
  }

  private exitInfo(code: number | null, signal: NodeJS.Signals | null): ExitInfo {
    return { code, signal, stderr: [...this.stderrLines], requested: this.stopRequested };
  }
}

/** The lines of bpftrace's stderr that say why, without the source echo and caret lines. */
export function summarizeStderr(lines: readonly string[]): string {
  const useful = lines.filter((l) => /ERROR|error|not found|No such|denied|not available|failed/i.test(l));
  const chosen = useful.length > 0 ? useful : lines.filter((l) => l.trim() !== "" && !/^\s*~+\s*$/.test(l));
  return chosen.slice(0, 6).join("; ") || "bpftrace exited without a message";
}
