import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProfilerApi } from "../client/api.js";
import { connect } from "../client/client.js";
import { DEFAULT_SOCKET, loadDaemonConfig } from "../server/config.js";
import { Daemon } from "../server/daemon.js";
import { lowerPriority } from "../util/priority.js";
import { onShutdown } from "../util/shutdown.js";

export interface ConnectionOptions {
  socket?: string;
  token?: string;
  version: string;
  progress: (text: string) => void;
}

/**
 * Uses the running daemon when its socket answers; otherwise starts one in this process on a
 * private socket for the duration of the command, so one command works on a fresh host.
 */
export async function withDaemon<T>(
  opts: ConnectionOptions,
  fn: (api: ProfilerApi) => Promise<T>,
): Promise<T> {
  const socket = opts.socket ?? DEFAULT_SOCKET;
  if (existsSync(socket)) {
    const api = new ProfilerApi(connect({ address: `unix://${socket}` }), opts.token);
    try {
      await api.hostInfo();
      opts.progress(`using the daemon at ${socket}`);
      return await fn(api);
    } catch (e) {
      if ((e as { code?: number }).code !== 14) throw e; // 14 = UNAVAILABLE: stale socket
    } finally {
      api.close();
    }
  }
  if (opts.socket !== undefined)
    opts.progress(`no daemon answers at ${opts.socket}; starting an embedded one`);
  const dir = mkdtempSync(join(tmpdir(), "overlayscope-embedded-"));
  // A signal ends the command through process.exit (main.ts), possibly before the finally below
  // runs: a CI run stopped by its process group left the socket's directory behind.
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  // Of the environment only the niceness: a private socket needs no token, listener or metrics.
  const config = await loadDaemonConfig(
    undefined,
    { OVERLAYSCOPE_NICE: process.env.OVERLAYSCOPE_NICE, OVERLAYSCOPE_BATCH: process.env.OVERLAYSCOPE_BATCH },
    { socket: join(dir, "embedded.sock"), limits: { idleGraceMs: 3_600_000 } },
  );
  // As the standalone daemon does: on a saturated core the scheduler favours the benchmark.
  lowerPriority(config.nice, config.batch);
  const daemon = await Daemon.start(config, opts.version, false);
  onShutdown(() => daemon.shutdown());
  const api = new ProfilerApi(connect({ address: `unix://${config.socket}` }));
  try {
    return await fn(api);
  } finally {
    api.close();
    await daemon.shutdown();
    removeDir();
    process.off("exit", removeDir);
  }
}
