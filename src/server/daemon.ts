import { chmod, mkdir, readFile, rm, stat } from "node:fs/promises";
import { connect as connectSocket } from "node:net";
import { dirname } from "node:path";
import { Server, ServerCredentials, type Metadata } from "@grpc/grpc-js";
import type { HealthImplementation } from "grpc-health-check";
import { logRefusal } from "./refusal-log.js";
import { ProbeEngine } from "../probes/engine.js";
import { SessionManager } from "../session/manager.js";
import { OverlayscopeError } from "../util/errors.js";
import { componentLogger } from "../util/log.js";
import type { DaemonConfig } from "./config.js";
import { loadProfilerPackage } from "./proto.js";
import { profilerHandlers } from "./service.js";
import { withSharedSnapshotEncoding } from "./shared-encoding.js";
import { resolveHostScope } from "../session/target.js";
import { ensureTracefs } from "../probes/capabilities.js";
import { checkSetprivPdeathsig } from "../bpftrace/spawn-guarded.js";
import { ensureCalibration } from "../probes/dispatch-calibration.js";
import { describeError } from "../util/errors.js";
import type { Server as HttpServer } from "node:http";
import type { DaemonMetrics } from "./metrics.js";
import { timingSafeEqual } from "node:crypto";

const log = componentLogger("daemon");
export const SERVICE_NAME = "overlayscope.v1.ProfilerService";

function bindAsync(server: Server, address: string, creds: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, creds, (err, port) => (err ? reject(err) : resolve(port))),
  );
}

function tokenCheck(token: string | undefined): (m: Metadata) => void {
  if (!token) return () => undefined;
  const expected = Buffer.from(`Bearer ${token}`);
  return (m) => {
    const got = Buffer.from(String(m.get("authorization")[0] ?? ""));
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new OverlayscopeError("UNAUTHENTICATED", "authorization: missing or wrong bearer token");
    }
  };
}

/**
 * Whether something accepts connections on a unix socket path. A stale socket file left by a
 * crash refuses (ECONNREFUSED) and may be replaced; a live one belongs to another daemon, whose
 * clients would silently lose it if we unlinked the path and bound our own.
 */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connectSocket(path);
    c.once("connect", () => (c.destroy(), resolve(true)));
    c.once("error", () => resolve(false));
  });
}

/** Refuses to take over a socket another daemon is serving on; removes a stale one. */
async function claimSocket(path: string): Promise<void> {
  if (await socketIsLive(path))
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `another daemon is serving on ${path}: stop it first, or give this one another --socket`,
      { field: "socket" },
    );
  await rm(path, { force: true });
}

/**
 * grpc-js answers a failed TLS handshake (no client certificate, another CA's) by closing the
 * connection, with a trace line at most: its HTTP/2 servers (a private field) are reached here so
 * the refusal is logged like a refused token. If a grpc-js version renames the field, nothing is
 * logged and test/kernel/tls.test.ts fails.
 */
const hookedForTls = new WeakSet<object>();
function logTlsRefusals(server: Server): void {
  const servers = (server as unknown as { http2Servers?: Map<NodeJS.EventEmitter, unknown> }).http2Servers;
  for (const s of servers?.keys() ?? []) {
    // Node's http2 server has a listener of its own already; ours is added once per server.
    if (hookedForTls.has(s)) continue;
    hookedForTls.add(s);
    s.on("tlsClientError", (err: Error, socket: { remoteAddress?: string }) =>
      logRefusal("refused TLS handshakes", { peer: socket.remoteAddress, reason: err.message.slice(0, 200) }),
    );
  }
}

/** The running daemon: one gRPC server, one session manager, an ordered shutdown. */
export class Daemon {
  private shuttingDown?: Promise<void>;

  private constructor(
    readonly server: Server,
    readonly sessions: SessionManager,
    /** Absent in an embedded daemon, which only its own CLI talks to. */
    readonly health: HealthImplementation | undefined,
    private readonly serving: { SERVING: boolean },
    readonly config: DaemonConfig,
    /** The socket file we bound: removed at shutdown only if the path still is that file. */
    private readonly socketInode: number,
    readonly tcpPort: number | undefined,
    private readonly metrics?: { exporter: DaemonMetrics; server: HttpServer; port: number },
  ) {}

  get metricsPort(): number | undefined {
    return this.metrics?.port;
  }

  /**
   * `standardServices`: gRPC health and reflection, for the clients and tools of a daemon others
   * reach. An embedded daemon (record/run without one) serves only its own CLI and leaves them
   * out: loading them was ~60 ms of a `run -- true` that should take under a second.
   */
  static async start(config: DaemonConfig, version: string, standardServices = true): Promise<Daemon> {
    // First, before anything is attached or calibrated: a second daemon on a live socket stops here.
    await mkdir(dirname(config.socket), { recursive: true, mode: 0o700 });
    await claimSocket(config.socket);
    const setpriv = checkSetprivPdeathsig();
    const tracefs = await ensureTracefs();
    if (tracefs !== "present") log.info({ tracefs }, "tracefs");
    if (config.calibrate)
      await ensureCalibration((t) => log.info(t)).catch((e: unknown) =>
        log.warn({ err: describeError(e) }, "dispatch calibration failed; using the bare-metal estimate"),
      );
    await setpriv;
    const engine = await ProbeEngine.create({ binary: config.bpftrace });
    const scope = await resolveHostScope(config.hostNetns);
    const sessions = new SessionManager(engine, config.limits, scope, version);
    const { grpcType } = loadProfilerPackage();
    // channelz keeps per-call history we never read.
    const server = new Server({ "grpc.enable_channelz": 0 });
    const shared = withSharedSnapshotEncoding(grpcType.overlayscope.v1.ProfilerService.service);
    server.addService(
      shared.service,
      profilerHandlers({
        encodeOnce: shared.encodeOnce,
        engine,
        sessions,
        version,
        maxStreamsPerSession: config.limits.maxStreamsPerSession,
        authorize: tokenCheck(config.token),
      }),
    );
    let health: HealthImplementation | undefined;
    if (standardServices) {
      const [{ HealthImplementation }, { addReflection }] = await Promise.all([
        import("grpc-health-check"),
        import("./reflection.js"),
      ]);
      health = new HealthImplementation({ "": "SERVING", [SERVICE_NAME]: "SERVING" });
      health.addToServer(server);
      addReflection(server);
    }

    // Checked again: another daemon may have bound while the engine was being made.
    await claimSocket(config.socket);
    await bindAsync(server, `unix://${config.socket}`, ServerCredentials.createInsecure());
    // Root only: the socket controls BPF programs.
    await chmod(config.socket, 0o600);
    const socketInode = (await stat(config.socket)).ino;
    let tcpPort: number | undefined;
    if (config.listen) {
      let creds: ServerCredentials;
      if (config.tls) {
        const [cert, key, ca] = await Promise.all([
          readFile(config.tls.cert),
          readFile(config.tls.key),
          config.tls.ca ? readFile(config.tls.ca) : Promise.resolve(null),
        ]);
        creds = ServerCredentials.createSsl(
          ca,
          [{ cert_chain: cert, private_key: key }],
          config.tls.requireClientCert,
        );
      } else {
        log.warn(
          { listen: config.listen },
          "serving gRPC over plaintext TCP (insecureTcp): anyone who reaches this port controls BPF programs on this host",
        );
        creds = ServerCredentials.createInsecure();
      }
      tcpPort = await bindAsync(server, config.listen, creds);
      if (config.tls) logTlsRefusals(server);
    }
    // Read by /healthz; cleared when shutdown begins.
    const serving = { SERVING: true };
    let metrics: { exporter: DaemonMetrics; server: HttpServer; port: number } | undefined;
    if (config.metrics) {
      // prom-client only when metrics are asked for (~50 ms of every start otherwise).
      const { DaemonMetrics, serveMetrics } = await import("./metrics.js");
      const exporter = new DaemonMetrics(sessions, scope && new Set(scope.namespaces.map((n) => n.inode)));
      engine.pool.observe((r) => exporter.observe(r));
      metrics = {
        exporter,
        ...(await serveMetrics(exporter, config.metrics, () => serving.SERVING)),
      };
    }
    log.info(
      { socket: config.socket, listen: config.listen, tcpPort, metricsPort: metrics?.port },
      "daemon listening",
    );
    return new Daemon(server, sessions, health, serving, config, socketInode, tcpPort, metrics);
  }

  /**
   * Stop accepting, end every session (final maps flushed, final snapshot on every stream), then
   * close the server; forced after the deadline. Idempotent.
   */
  shutdown(deadlineMs = 4000): Promise<void> {
    this.shuttingDown ??= (async () => {
      log.info("shutting down");
      this.serving.SERVING = false;
      this.health?.setStatus("", "NOT_SERVING");
      this.health?.setStatus(SERVICE_NAME, "NOT_SERVING");
      const force = setTimeout(() => this.server.forceShutdown(), deadlineMs);
      force.unref();
      await this.sessions.closeAll();
      await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
      clearTimeout(force);
      const current = await stat(this.config.socket).catch(() => undefined);
      if (current?.ino === this.socketInode) await rm(this.config.socket, { force: true });
      if (this.metrics) {
        await new Promise<void>((resolve) => this.metrics!.server.close(() => resolve()));
        await this.metrics.exporter.stop();
      }
    })();
    return this.shuttingDown;
  }
}
