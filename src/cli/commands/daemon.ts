import { readFile } from "node:fs/promises";
import { loadDaemonConfig } from "../../server/config.js";
import { Daemon } from "../../server/daemon.js";
import { requireRootUser } from "../root.js";
import { lowerPriority } from "../../util/priority.js";
import { onShutdown } from "../../util/shutdown.js";

export interface DaemonFlags {
  config?: string;
  socket?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  requireClientCert?: boolean;
  insecureTcp?: boolean;
  tokenFile?: string;
  maxSessions?: number;
  idleGraceMs?: number;
  hostNetns?: string;
  metrics?: string;
  calibrate?: boolean;
  nice?: number;
  bpftrace?: string;
}

export async function runDaemon(flags: DaemonFlags, version: string): Promise<void> {
  const token = flags.tokenFile ? (await readFile(flags.tokenFile, "utf8")).trim() : undefined;
  const limits: Record<string, number> = {};
  if (flags.maxSessions !== undefined) limits.maxSessions = flags.maxSessions;
  if (flags.idleGraceMs !== undefined) limits.idleGraceMs = flags.idleGraceMs;
  // Everything validated before anything binds or spawns.
  const config = await loadDaemonConfig(flags.config, process.env, {
    socket: flags.socket,
    listen: flags.listen,
    tls:
      flags.tlsCert || flags.tlsKey
        ? {
            cert: flags.tlsCert,
            key: flags.tlsKey,
            ca: flags.tlsCa,
            requireClientCert: Boolean(flags.requireClientCert),
          }
        : undefined,
    insecureTcp: flags.insecureTcp,
    hostNetns: flags.hostNetns?.split(",").filter(Boolean),
    metrics: flags.metrics,
    calibrate: flags.calibrate,
    nice: flags.nice,
    bpftrace: flags.bpftrace,
    token,
    limits: Object.keys(limits).length ? limits : undefined,
  });
  requireRootUser();
  lowerPriority(config.nice);
  const daemon = await Daemon.start(config, version);
  onShutdown(() => daemon.shutdown());
  process.stderr.write(
    `overlayscope: daemon listening on unix://${config.socket}${daemon.tcpPort ? ` and port ${daemon.tcpPort}` : ""}${daemon.metricsPort ? `; metrics on port ${daemon.metricsPort}` : ""}\n`,
  );
  // Serve until a signal arrives.
  await new Promise<never>(() => undefined);
}
