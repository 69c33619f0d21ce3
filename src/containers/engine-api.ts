import { request } from "node:http";
import { OverlayscopeError } from "../util/errors.js";

/**
 * The Docker Engine API over its unix socket (Podman serves the same API on its own socket):
 * GET only, JSON answers, a deadline and a size cap, no client string in the path unvalidated.
 */

/** Engine sockets by runtime, where each listens by default. */
export const ENGINE_SOCKETS = {
  docker: "/var/run/docker.sock",
  podman: "/run/podman/podman.sock",
} as const;
export type EngineRuntime = keyof typeof ENGINE_SOCKETS;

const MAX_BYTES = 16 * 1024 * 1024;

export function engineGet(socketPath: string, path: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET", headers: { Host: "localhost" } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) req.destroy(new Error(`answer over ${MAX_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 400) {
          const message = /"message"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? body.slice(0, 200);
          reject(new EngineError(res.statusCode ?? 500, `${path}: ${message}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`${path}: not JSON: ${body.slice(0, 100)}`));
        }
      });
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer from ${socketPath} in ${timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end();
  });
}

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of GET /containers/json and /containers/{id}/json this tool reads. */
export interface EngineListed {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
}
export interface EngineInspect {
  Id: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: { Pid?: number; Running?: boolean; Status?: string };
  HostConfig?: { NetworkMode?: string; CgroupParent?: string };
  NetworkSettings?: {
    SandboxKey?: string;
    Networks?: Record<string, { NetworkID?: string; IPAddress?: string; MacAddress?: string }> | null;
  };
}
export interface EngineNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null };
  Options?: Record<string, string> | null;
}

/** Ids as the engines print them: hex, at most 64 digits. */
const ID = /^[0-9a-f]{1,64}$/;

export function engineInspect(socket: string, id: string): Promise<EngineInspect> {
  if (!ID.test(id)) throw new OverlayscopeError("INTERNAL", `not an engine id: ${id.slice(0, 80)}`);
  return engineGet(socket, `/containers/${id}/json`) as Promise<EngineInspect>;
}

export function engineNetwork(socket: string, id: string): Promise<EngineNetwork> {
  if (!/^[0-9a-zA-Z]{1,64}$/.test(id))
    throw new OverlayscopeError("INTERNAL", `not a network id: ${id.slice(0, 80)}`);
  return engineGet(socket, `/networks/${id}`) as Promise<EngineNetwork>;
}

export function engineList(socket: string): Promise<EngineListed[]> {
  return engineGet(socket, "/containers/json") as Promise<EngineListed[]>;
}
