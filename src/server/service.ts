import { availableParallelism, hostname, release } from "node:os";
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import type { StreamSessionRequest__Output } from "../generated/overlayscope/v1/StreamSessionRequest.js";
import { Metadata, status } from "@grpc/grpc-js";
import type { ProfilerServiceHandlers } from "../generated/overlayscope/v1/ProfilerService.js";
import type { Snapshot } from "../generated/overlayscope/v1/Snapshot.js";
import type { GetProfileRequest__Output } from "../generated/overlayscope/v1/GetProfileRequest.js";
import type { Profile } from "../generated/overlayscope/v1/Profile.js";
import type { StreamSessionResponse } from "../generated/overlayscope/v1/StreamSessionResponse.js";
import type { Interval } from "../session/interval-model.js";
import { toFolded } from "../export/folded.js";
import { toPprof } from "../export/pprof.js";
import type { ProbeEngine } from "../probes/engine.js";
import { probeInfos } from "../probes/listing.js";
import type { SessionManager } from "../session/manager.js";
import { pmuInventory } from "../collectors/perf-stat.js";
import { daemonInventory } from "../session/session.js";
import { invalidArgument, OverlayscopeError } from "../util/errors.js";
import type { CommandResult__Output } from "../generated/overlayscope/v1/CommandResult.js";
import { MAX_ERROR_OUTPUT, type CommandRecord } from "../session/session-run.js";
import { componentLogger } from "../util/log.js";
import { wireMs, wireTime } from "../util/wire-time.js";
import { toServiceError } from "./status.js";
import { logRefusal } from "./refusal-log.js";

const log = componentLogger("grpc-service");

/** A client's account of the benchmark it ran; sizes were bounded by the gRPC message limit. */
function commandRecord(c: CommandResult__Output): CommandRecord {
  if (c.argv.length === 0 || c.argv.length > 4096)
    throw invalidArgument("command.argv", "must name the program that ran (at most 4096 arguments)");
  return {
    argv: c.argv,
    pid: c.pid,
    exitCode: c.exitCode < 0 ? null : c.exitCode,
    startedAtMs: wireMs(c.startedAt),
    endedAtMs: wireMs(c.endedAt),
    output: c.output,
    ...(c.launcherPid > 0 ? { launcherPid: c.launcherPid } : {}),
    ...(c.errorOutput ? { errorOutput: c.errorOutput.slice(-MAX_ERROR_OUTPUT) } : {}),
  };
}

export interface ServiceContext {
  engine: ProbeEngine;
  sessions: SessionManager;
  version: string;
  maxStreamsPerSession: number;
  /** Checks call metadata; throws UNAUTHENTICATED. */
  authorize: (metadata: Metadata) => void;
  /** Encodes a snapshot once for all its watchers (src/server/shared-encoding.ts). */
  encodeOnce?: (source: object, message: () => object) => Buffer;
}

/** Trailer of a StreamSession: how many snapshots this client missed while it was not reading. */
export const DROPPED_TRAILER = "overlayscope-snapshots-dropped";

/** Refused calls (no or wrong token) are logged, rate-limited, with the peer: an operator sees probing. */
function noteRefusal(e: unknown, peer: string, method: string): void {
  if (e instanceof OverlayscopeError && e.code === "UNAUTHENTICATED")
    logRefusal("refused unauthenticated calls", { peer, method });
}

/** Runs a unary handler: authorize, compute, answer once; errors become status with field names. */
function unary<Req, Res>(ctx: ServiceContext, fn: (req: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    Promise.resolve()
      .then(() => ctx.authorize(call.metadata))
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (e: unknown) => {
          if (!(e instanceof OverlayscopeError)) log.error({ err: e }, "handler failed");
          noteRefusal(e, call.getPeer(), call.getPath());
          callback(toServiceError(e));
        },
      );
  };
}

/** An interval as the Snapshot message carries it: with its session's id, its time a Timestamp. */
export function wireSnapshot(sessionId: string, interval: Interval): Snapshot {
  const { atMs, ...rest } = interval;
  return { sessionId, ...rest, at: wireTime(atMs) };
}

/** The interval as a SNAPSHOT_VIEW_PROGRESS stream carries it: where the session is, no figures. */
function progressSnapshot(sessionId: string, interval: Interval): Snapshot {
  const { seq, atMs, seconds, events, final } = interval;
  return { sessionId, seq, at: wireTime(atMs), seconds, events, final };
}

/** StreamSessionRequest.view: whole snapshots unless the client asked for progress only. */
function snapshotOf(view: unknown): (sessionId: string, interval: Interval) => Snapshot {
  if (view === "SNAPSHOT_VIEW_PROGRESS") return progressSnapshot;
  if (view === undefined || view === "SNAPSHOT_VIEW_UNSPECIFIED" || view === "SNAPSHOT_VIEW_FULL")
    return wireSnapshot;
  throw invalidArgument(
    "view",
    `unknown snapshot view ${JSON.stringify(view)} (SNAPSHOT_VIEW_FULL or SNAPSHOT_VIEW_PROGRESS)`,
  );
}

export function profilerHandlers(ctx: ServiceContext): ProfilerServiceHandlers {
  const { engine, sessions } = ctx;
  const profileOf = (req: GetProfileRequest__Output): Profile => {
    const s = sessions.get(req.id);
    const p = s.stackProfile();
    switch (req.format) {
      case "PROFILE_FORMAT_FOLDED":
        return { format: req.format, data: Buffer.from(toFolded(p)), contentType: "text/plain" };
      case "PROFILE_FORMAT_JSON":
        return {
          format: req.format,
          data: Buffer.from(JSON.stringify(p)),
          contentType: "application/json",
        };
      case "PROFILE_FORMAT_PPROF":
      case "PROFILE_FORMAT_UNSPECIFIED":
        return {
          format: "PROFILE_FORMAT_PPROF",
          data: Buffer.from(toPprof(p, { startMs: s.startedAt })),
          contentType: "application/vnd.google.protobuf+gzip",
        };
      default:
        throw new OverlayscopeError(
          "INVALID_ARGUMENT",
          `format: unknown profile format ${String(req.format)}`,
          { field: "format" },
        );
    }
  };
  return {
    GetHostInfo: unary(ctx, async () => {
      const pmu = pmuInventory();
      // systeminformation forks a few probes: once per daemon, not per call.
      const inv = await daemonInventory();
      const host = {
        cpuModel: inv.cpuModel,
        os: inv.os,
        numaNodes: inv.numaNodes,
        memoryBytes: inv.memoryBytes,
        physicalCores: inv.physicalCores,
        hostname: hostname(),
        kernel: release(),
        bpftraceVersion: engine.caps.bpftrace.text,
        cpus: availableParallelism(),
        probes: probeInfos(engine),
        collectors: [
          { name: "cpu", supported: true, reason: "/proc/stat" },
          { name: "softirqs", supported: true, reason: "/proc/softirqs" },
          { name: "interrupts", supported: true, reason: "/proc/interrupts" },
          { name: "netdev", supported: true, reason: "/proc/<pid>/net/dev per namespace" },
          {
            name: "hardware_counters",
            supported: pmu.core,
            reason: pmu.core ? "perf stat" : (pmu.reason ?? "no PMU"),
          },
          {
            name: "memory_bandwidth",
            supported: pmu.uncoreImc.length > 0 || pmu.amdDf || pmu.resctrlMbm,
            reason: pmu.uncoreImc.length
              ? "uncore_imc"
              : pmu.amdDf
                ? "amd_df"
                : pmu.resctrlMbm
                  ? "resctrl MBM"
                  : "no uncore IMC, data fabric PMU or resctrl MBM on this machine",
          },
        ],
        daemonVersion: ctx.version,
        now: wireTime(Date.now()),
        hostNetns: sessions.scope?.namespaces.map((n) => n.path) ?? [],
      };
      return { host };
    }),
    ListProbes: unary(ctx, () => ({ probes: probeInfos(engine) })),
    StartSession: unary(ctx, async (req) => ({ session: (await sessions.start(req)).toWire() })),
    GetSession: unary(ctx, (req) => ({ session: sessions.get(req.id).toWire() })),
    ListSessions: unary(ctx, () => ({ sessions: sessions.list().map((s) => s.toWire()) })),
    StopSession: unary(ctx, async (req) => {
      const s = sessions.get(req.id);
      if (req.command) s.setCommand(commandRecord(req.command));
      await s.stop();
      const sum = s.summary();
      return {
        summary: {
          session: s.toWire(),
          durationSeconds: sum.durationSeconds,
          stackSamples: sum.stackSamples,
          topFunctions: sum.topFunctions,
          probeCosts: sum.probeCosts,
        },
      };
    }),
    GetRun: unary(ctx, async (req) => {
      const run = await sessions.get(req.id).run();
      return { run: { schema: run.schema, json: Buffer.from(JSON.stringify(run)) } };
    }),
    GetProfile: unary(ctx, (req) => ({ profile: profileOf(req) })),
    StreamSession: (call: ServerWritableStream<StreamSessionRequest__Output, StreamSessionResponse>) => {
      try {
        ctx.authorize(call.metadata);
        const snapshot = snapshotOf(call.request.view);
        const s = sessions.get(call.request.id);
        const final = s.finalSnapshot;
        if (final) {
          call.write({ snapshot: snapshot(s.id, final) });
          call.end();
          return;
        }
        if ((s.toWire().watchers ?? 0) >= ctx.maxStreamsPerSession) {
          throw new OverlayscopeError(
            "RESOURCE_EXHAUSTED",
            `at most ${ctx.maxStreamsPerSession} streams per session (daemon limit max_streams_per_session)`,
          );
        }
        const release = s.addWatcher();
        // A reader that stops reading (HTTP/2 flow control) must not make the daemon queue every
        // snapshot it misses: while a write waits for "drain", only the newest snapshot is kept;
        // the ones replaced are counted and told to this client in the trailers at the end.
        let draining = false;
        let pending: Interval | undefined;
        let dropped = 0;
        const send = (interval: Interval): void => {
          if (draining) {
            if (pending) dropped++;
            pending = interval;
            return;
          }
          const message = (): StreamSessionResponse => ({ snapshot: snapshot(s.id, interval) });
          // Pre-encoded bytes pass through the StreamSession serializer untouched; the few bytes
          // of a progress view are encoded per stream.
          const more = call.write(
            ctx.encodeOnce && snapshot === wireSnapshot
              ? (ctx.encodeOnce(interval, message) as unknown as StreamSessionResponse)
              : message(),
          );
          if (interval.final) return finish();
          if (!more) {
            draining = true;
            call.once("drain", () => {
              draining = false;
              const next = pending;
              pending = undefined;
              if (next) send(next);
            });
          }
        };
        const detach = (): void => {
          s.off("snapshot", send);
          release();
        };
        const finish = (): void => {
          detach();
          const trailers = new Metadata();
          trailers.set(DROPPED_TRAILER, String(dropped));
          call.end(trailers);
        };
        s.on("snapshot", send);
        call.once("cancelled", detach);
      } catch (e) {
        noteRefusal(e, call.getPeer(), call.getPath());
        const err = toServiceError(e);
        call.emit("error", {
          code: err.code ?? status.INTERNAL,
          details: err.details,
          metadata: err.metadata,
        });
      }
    },
  };
}
