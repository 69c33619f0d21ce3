import { EventEmitter } from "node:events";
import {
  acquireBpfStats,
  costBetween,
  nameProgs,
  readProcessProgStats,
  type ProgStats,
} from "../bpftrace/bpf-stats.js";
import { BpftraceRunner, type ExitInfo } from "../bpftrace/runner.js";
import { adaptScript } from "../bpftrace/version.js";
import { OverlayscopeError } from "../util/errors.js";
import { componentLogger } from "../util/log.js";
import type { KernelCapabilities } from "./capabilities.js";
import { CumulativeDelta } from "./cumulative-delta.js";
import { IntervalBatcher, type IntervalBatch } from "./interval-batch.js";
import type { CatalogueEntry, Variant } from "./manifest.js";
import type { ParamValues } from "./params.js";
import { parseBatch, type ProbeData } from "./parsers/index.js";
import { sharedUserSymbolizer } from "../symbols/user-symbolizer.js";
import { renderScript } from "./render.js";
import { symbolValues } from "./select.js";
import { selfCost, type ProbeSelfCost } from "./self-cost.js";

const log = componentLogger("probe-run");

export interface ProbeReading {
  probe: string;
  variant: string;
  seq: number;
  final: boolean;
  /** Wall-clock time the interval closed, ms since epoch. */
  at: number;
  seconds: number;
  data: ProbeData;
  /**
   * The probe's kernel cost since the last measured reading; absent when nothing could be measured:
   * the final print, and prints during a stop, when bpftrace detaches its programs as it exits.
   */
  cost?: ProbeSelfCost;
  /** Maps that reached the key limit in this interval: counts beyond it were lost. */
  fullMaps: string[];
}

/**
 * One catalogue probe running in its own bpftrace: renders the chosen variant with validated
 * parameters, turns each interval's maps into a typed reading with the probe's own kernel cost.
 * Emits "reading" (ProbeReading) and "exit" (ExitInfo).
 */
export class ProbeRun extends EventEmitter {
  readonly name: string;
  readonly variant: Variant;
  readonly params: ParamValues;
  readonly script: string;
  private readonly runner: BpftraceRunner;
  private readonly mapKeysMax: number;
  private lastStats: ProgStats[] = [];
  /** When the last reading closed, and when the last measured one did (the cost spans from it). */
  private lastAt = 0;
  private lastMeasuredAt = 0;
  private releaseStats?: () => Promise<void>;
  private statsChain: Promise<void> = Promise.resolve();
  private stopRequested = false;
  /** Settles once the last reading has been emitted after bpftrace exited. */
  private drained?: Promise<void>;
  private readonly delta: CumulativeDelta;

  constructor(
    entry: CatalogueEntry,
    variant: Variant,
    params: ParamValues,
    caps: KernelCapabilities,
    binary?: string,
  ) {
    super();
    this.name = entry.manifest.name;
    this.variant = variant;
    this.params = params;
    const source = entry.sources.get(variant.name);
    if (source === undefined)
      throw new OverlayscopeError("INTERNAL", `probe ${this.name} has no source for ${variant.name}`);
    this.script = adaptScript(
      renderScript(source, { ...params, ...symbolValues(variant, caps) }, `${this.name}/${variant.name}`),
      caps.bpftrace,
    );
    this.mapKeysMax = entry.manifest.mapKeysMax ?? 4096;
    this.delta = new CumulativeDelta(
      new Set(entry.manifest.outputs.filter((o) => o.cumulative).map((o) => o.map)),
    );
    const opts = { label: `${this.name}/${variant.name}`, script: this.script, mapKeysMax: this.mapKeysMax };
    this.runner = new BpftraceRunner(binary === undefined ? opts : { ...opts, binary });
  }

  get pid(): number | undefined {
    return this.runner.pid;
  }

  get counters(): BpftraceRunner["counters"] {
    return this.runner.counters;
  }

  async start(): Promise<void> {
    this.releaseStats = await acquireBpfStats();
    const batcher = new IntervalBatcher((b) => this.onBatch(b));
    this.runner.on("message", (m) => batcher.push(m as Parameters<IntervalBatcher["push"]>[0]));
    this.runner.on("invalid", (e) => log.warn({ probe: this.name, err: e }, "unparsable bpftrace line"));
    this.drained = new Promise((resolve) => {
      this.runner.once("exit", (info: ExitInfo) => {
        batcher.flush();
        void this.statsChain.finally(() => {
          void this.releaseStats?.();
          this.emit("exit", info);
          resolve();
        });
      });
    });
    try {
      await this.runner.start();
    } catch (e) {
      // A failed start emits no readings; stop() must not wait for a drain that may never come.
      this.drained = undefined;
      await this.releaseStats();
      throw e;
    }
    this.lastAt = this.lastMeasuredAt = Date.now();
    if (this.runner.pid !== undefined) this.lastStats = await readProcessProgStats(this.runner.pid);
  }

  /** Resolves after the final reading was emitted: symbolising a batch can outlast bpftrace. */
  async stop(deadlineMs?: number): Promise<ExitInfo> {
    this.stopRequested = true;
    const info = await this.runner.stop(deadlineMs);
    await this.drained;
    return info;
  }

  async exited(): Promise<ExitInfo> {
    const info = await this.runner.exited();
    await this.drained;
    return info;
  }

  private onBatch(cumulative: IntervalBatch): void {
    const batch = this.delta.apply(cumulative);
    // Readings are emitted in order even though reading fdinfo is asynchronous.
    this.statsChain = this.statsChain.then(async () => {
      const now = Date.now();
      const pid = this.runner.pid;
      const stats =
        pid !== undefined && !batch.final && !this.stopRequested
          ? await nameProgs(await readProcessProgStats(pid))
          : undefined;
      // Every program of the last reading still there: a bpftrace that has begun to exit closes
      // them, and a cost over the ones left would read as a probe that saw no events (CI did).
      const measured =
        stats !== undefined && this.lastStats.every((p) => stats.some((s) => s.progId === p.progId));
      let cost: ProbeSelfCost | undefined;
      if (measured) {
        const types = new Map(stats.map((s) => [s.progId, s.progType]));
        const costs = costBetween(this.lastStats, stats).map((c) => ({
          ...c,
          progType: types.get(c.progId) ?? 5,
        }));
        cost = selfCost(costs, (now - this.lastMeasuredAt) / 1000);
        this.lastStats = stats;
        this.lastMeasuredAt = now;
      }
      const seconds = (now - this.lastAt) / 1000;
      this.lastAt = now;
      const data = parseBatch(
        this.name,
        batch,
        this.params,
        (pid, frames) => sharedUserSymbolizer.symbolize(pid, frames),
        this.variant.name,
      );
      if (!data) return;
      const fullMaps: string[] = [];
      for (const [name, msg] of batch.maps) {
        if ((msg.type === "map" || msg.type === "hist") && (msg.entries?.size ?? 0) >= this.mapKeysMax)
          fullMaps.push(name);
      }
      const reading: ProbeReading = {
        probe: this.name,
        variant: this.variant.name,
        seq: batch.seq,
        final: batch.final,
        at: now,
        seconds,
        data,
        ...(cost ? { cost } : {}),
        fullMaps,
      };
      if (fullMaps.length > 0)
        log.warn({ probe: this.name, fullMaps, limit: this.mapKeysMax }, "map full: counts lost");
      this.emit("reading", reading);
    });
  }
}
