import { readFile, stat } from "node:fs/promises";
import { OverlayscopeError } from "../../util/errors.js";
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

/**
 * The bearer token, from a file only its owner can read: like ssh with a private key, a token
 * others can read is refused (anyone who has it controls BPF programs on this host).
 */
async function readTokenFile(path: string): Promise<string> {
  const field = "--token-file";
  try {
    const s = await stat(path);
    if ((s.mode & 0o077) !== 0)
      throw new OverlayscopeError(
        "INVALID_ARGUMENT",
        `${field} ${path}: readable by group or others (mode ${(s.mode & 0o777).toString(8)}); run 'chmod 600 ${path}'`,
        { field },
      );
    return (await readFile(path, "utf8")).trim();
  } catch (e) {
    if (e instanceof OverlayscopeError) throw e;
    throw new OverlayscopeError(
      "INVALID_ARGUMENT",
      `${field} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { field },
    );
  }
}

export async function runDaemon(flags: DaemonFlags, version: string): Promise<void> {
  const token = flags.tokenFile ? await readTokenFile(flags.tokenFile) : undefined;
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
  lowerPriority(config.nice, config.batch);
  const daemon = await Daemon.start(config, version);
  onShutdown(() => daemon.shutdown());
  process.stderr.write(
    `overlayscope: daemon listening on unix://${config.socket}${daemon.tcpPort ? ` and port ${daemon.tcpPort}` : ""}${daemon.metricsPort ? `; metrics on port ${daemon.metricsPort}` : ""}\n`,
  );
  // Serve until a signal arrives.
  await new Promise<never>(() => undefined);
}
