import { wireMs } from "../util/wire-time.js";
import { randomUUID } from "node:crypto";
import type { ProfilerApi } from "./api.js";
import { recordSession, type CommandRun, type RecordOptions } from "./recorder.js";
import {
  inferRoles,
  MULTIHOST_SCHEMA_ID,
  type HostSection,
  type MultiHostRun,
} from "../run/multi-host-run.js";
import { describeError } from "../util/errors.js";
import { onShutdown } from "../util/shutdown.js";

export interface HostEndpoint {
  name: string;
  address: string;
  api: ProfilerApi;
}

/** Daemon clock minus ours, from one GetHostInfo round trip (its midpoint). */
async function clockOffset(api: ProfilerApi): Promise<number> {
  const t0 = Date.now();
  const info = await api.hostInfo();
  const t1 = Date.now();
  return wireMs(info.now) - (t0 + t1) / 2;
}

/**
 * Records one session per daemon under one group id on one window: every session is started
 * first, the window opens once all have started (or failed), and all are stopped together when
 * it closes. A host that fails to start or drops mid-way keeps a section with its error; the
 * others complete.
 */
export async function recordHosts(
  hosts: readonly HostEndpoint[],
  opts: Omit<RecordOptions, "groupId"> & { groupId?: string },
  during: () => Promise<CommandRun | void>,
): Promise<MultiHostRun> {
  const groupId = opts.groupId ?? randomUUID();
  let openWindow!: () => void;
  const allStarted = new Promise<void>((r) => (openWindow = r));
  let closeWindow!: () => void;
  const windowClosed = new Promise<void>((r) => (closeWindow = r));
  onShutdown(() => {
    closeWindow();
    return Promise.resolve();
  });
  let pending = hosts.length;
  let started = 0;
  const settle = (): void => {
    if (--pending === 0) openWindow();
  };
  const window = { startMs: 0, endMs: 0 };

  const sections = hosts.map(async (h): Promise<HostSection> => {
    const say = (t: string): void => opts.progress(`${h.name}: ${t}`);
    const section: HostSection = {
      name: h.name,
      address: h.address,
      role: "unknown",
      ok: false,
      error: "",
      clockOffsetMs: 0,
    };
    let settled = false;
    try {
      section.clockOffsetMs = await clockOffset(h.api);
      const run = await recordSession(
        h.api,
        { ...opts, label: opts.label ? `${opts.label} @ ${h.name}` : h.name, groupId, progress: say },
        async () => {
          settled = true;
          started++;
          settle();
          await windowClosed;
          // Every host's run keeps the benchmark that ran in the window, with its report.
          return command;
        },
      );
      return { ...section, ok: true, run };
    } catch (e) {
      say(`failed: ${describeError(e)}`);
      return { ...section, error: describeError(e) };
    } finally {
      if (!settled) settle();
    }
  });

  let duringError: Error | undefined;
  let command: CommandRun | undefined;
  const windowRun = allStarted.then(async () => {
    window.startMs = Date.now();
    try {
      if (started > 0) command = (await during()) ?? undefined;
    } catch (e) {
      duringError = e instanceof Error ? e : new Error(String(e));
    } finally {
      window.endMs = Date.now();
      closeWindow();
    }
  });
  const done = await Promise.all(sections);
  await windowRun;
  if (duringError !== undefined) throw duringError;
  inferRoles(done);
  return {
    schema: MULTIHOST_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    overlayscopeVersion: opts.version,
    label: opts.label,
    groupId,
    window,
    hosts: done,
  };
}
