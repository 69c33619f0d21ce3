import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ProfilerApi } from "../client/api.js";
import { connect } from "../client/client.js";
import { checkHealth } from "../client/health.js";
import type { HostEndpoint } from "../client/multi-host-recorder.js";
import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { SERVICE_NAME } from "../server/daemon.js";
import { OverlayscopeError } from "../util/errors.js";
import { NODE_FLAGS } from "../util/node-flags.js";
import type { Lab } from "./topology.js";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "overlayscope");

export interface HostDaemons {
  endpoints: HostEndpoint[];
  stop(): Promise<void>;
}

/** The namespaces each lab "host" stands for: the host namespace and the container behind it. */
export function labHosts(lab: Lab): Array<{ name: string; namespaces: string[] }> {
  const h1 = `${lab.id}-h1`;
  const h2 = `${lab.id}-h2`;
  return [
    { name: "client-host", namespaces: [...new Set([h1, lab.clientNs])] },
    { name: "server-host", namespaces: [...new Set([h2, lab.serverNs])] },
  ];
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", () => r()));
}

/**
 * One real daemon per lab host, each started inside its host's network namespace and scoped to
 * it (--host-netns), reached over its own unix socket: the same daemons and the same multi-host
 * recording as on two machines, on one kernel.
 */
export async function startHostDaemons(lab: Lab, progress: (t: string) => void): Promise<HostDaemons> {
  const dir = mkdtempSync(join(tmpdir(), "overlayscope-hosts-"));
  const started: Array<{ child: ChildProcess; endpoint: HostEndpoint }> = [];
  const stop = async (): Promise<void> => {
    for (const s of started) s.endpoint.api.close();
    for (const s of started) s.child.kill("SIGTERM");
    await Promise.race([
      Promise.all(started.map((s) => exited(s.child))),
      new Promise((r) => setTimeout(r, 8000).unref()),
    ]);
    for (const s of started)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const host of labHosts(lab)) {
      const socket = join(dir, `${host.name}.sock`);
      const child = spawnGuarded(
        "ip",
        [
          "netns",
          "exec",
          host.namespaces[0]!,
          process.execPath,
          ...NODE_FLAGS,
          BIN,
          "daemon",
          "--socket",
          socket,
          "--host-netns",
          host.namespaces.join(","),
        ],
        { stdio: "ignore" },
      );
      const api = new ProfilerApi(connect({ address: `unix://${socket}` }));
      started.push({ child, endpoint: { name: host.name, address: `unix://${socket}`, api } });
      progress(`lab: daemon for ${host.name} (${host.namespaces.join(", ")}) starting`);
    }
    const deadline = Date.now() + 30_000;
    for (const s of started) {
      for (;;) {
        const ok = await checkHealth(s.endpoint.address, SERVICE_NAME, 1000).then(
          (st) => st === "SERVING",
          () => false,
        );
        if (ok) break;
        if (s.child.exitCode !== null || Date.now() > deadline)
          throw new OverlayscopeError("INTERNAL", `the daemon for ${s.endpoint.name} did not start`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return { endpoints: started.map((s) => s.endpoint), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
