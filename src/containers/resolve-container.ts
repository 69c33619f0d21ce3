import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { clientText, invalidArgument, OverlayscopeError } from "../util/errors.js";
import type { Container, ContainerNetwork } from "./container-model.js";
import {
  containerdImage,
  containerdSockets,
  containerdTasks,
  type ContainerdTask,
} from "./containerd-ctr.js";
import { mapLimit } from "../util/map-limit.js";
import {
  ENGINE_SOCKETS,
  engineInspect,
  engineList,
  engineNetwork,
  type EngineInspect,
  type EngineRuntime,
} from "./engine-api.js";

export const RUNTIMES = ["docker", "podman", "containerd"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** Container names (Docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+) and hex ids; nothing else is looked up. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
/** An id prefix must be this long to select a container, as short prefixes select by accident. */
const MIN_ID_PREFIX = 4;

/** One running container some runtime knows, before it is chosen. */
interface Candidate {
  runtime: RuntimeName;
  id: string;
  name: string;
  namespace: string;
  engine?: string;
  task?: ContainerdTask;
}

async function engineCandidates(runtime: EngineRuntime): Promise<Candidate[]> {
  const socket = ENGINE_SOCKETS[runtime];
  return (await engineList(socket)).map((c) => ({
    runtime,
    id: c.Id,
    name: (c.Names?.[0] ?? "").replace(/^\//, ""),
    namespace: "",
    engine: socket,
  }));
}

/** Every running container of every runtime asked for that answers, and what did not answer. */
async function listCandidates(
  runtimes: readonly RuntimeName[],
): Promise<{ found: Candidate[]; looked: string[]; failed: string[] }> {
  const found: Candidate[] = [];
  const looked: string[] = [];
  const failed: string[] = [];
  for (const r of runtimes) {
    if (r === "containerd") {
      const sockets = containerdSockets();
      looked.push(`containerd (${sockets.length ? sockets.join(", ") : "no socket"})`);
      if (!sockets.length) continue;
      try {
        for (const task of await containerdTasks(sockets))
          found.push({ runtime: r, id: task.id, name: task.id, namespace: task.namespace, task });
      } catch (e) {
        failed.push(`containerd: ${(e as Error).message.split("\n")[0]}`);
      }
      continue;
    }
    const socket = ENGINE_SOCKETS[r];
    looked.push(`${r} (${socket})`);
    if (!existsSync(socket)) continue;
    try {
      found.push(...(await engineCandidates(r)));
    } catch (e) {
      failed.push(`${r}: ${(e as Error).message}`);
    }
  }
  // Docker's containers are containerd tasks too (namespace "moby"): one container, named by Docker.
  const engineIds = new Set(found.filter((c) => c.engine).map((c) => c.id));
  return { found: found.filter((c) => !(c.task && engineIds.has(c.id))), looked, failed };
}

const matches = (c: Candidate, name: string): boolean =>
  c.name === name ||
  c.id === name ||
  (name.length >= MIN_ID_PREFIX && /^[0-9a-f]+$/.test(name) && c.id.startsWith(name));

const label = (c: Candidate): string =>
  `${c.name} (${c.runtime}${c.namespace ? ` ${c.namespace}` : ""} ${c.id.slice(0, 12)})`;

/** The cgroup of a process: the v2 path, else the v1 cpu hierarchy's. */
export async function cgroupOf(pid: number): Promise<string> {
  const lines = (await readFile(`/proc/${pid}/cgroup`, "utf8")).split("\n");
  const v2 = lines.find((l) => l.startsWith("0::"));
  if (v2) return v2.slice(3);
  const cpu = lines.find((l) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(l));
  return cpu ? cpu.slice(cpu.indexOf(":", cpu.indexOf(":") + 1) + 1) : "";
}

async function engineNetworks(socket: string, c: EngineInspect): Promise<ContainerNetwork[]> {
  const out: ContainerNetwork[] = [];
  for (const [name, n] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    const net = n.NetworkID ? await engineNetwork(socket, n.NetworkID).catch(() => undefined) : undefined;
    const vni = net?.Options?.["com.docker.network.driver.overlay.vxlanid_list"] ?? "";
    out.push({
      name,
      id: n.NetworkID ?? "",
      driver: net?.Driver ?? "",
      subnets: (net?.IPAM?.Config ?? []).map((s) => s.Subnet ?? "").filter((s) => s !== ""),
      address: n.IPAddress ?? "",
      vxlanIds: vni
        .split(",")
        .map(Number)
        .filter((v) => Number.isInteger(v) && v > 0),
    });
  }
  return out;
}

async function describe(c: Candidate, field: string, withImage = true): Promise<Container> {
  let pid = c.task?.pid ?? 0;
  let image = "";
  let networkMode = "";
  let networks: ContainerNetwork[] = [];
  if (c.engine) {
    const info = await engineInspect(c.engine, c.id);
    pid = info.State?.Pid ?? 0;
    image = info.Config?.Image ?? "";
    networkMode = info.HostConfig?.NetworkMode ?? "";
    networks = await engineNetworks(c.engine, info);
  } else if (c.task && withImage) image = await containerdImage(c.task);
  if (!(pid > 0) || !existsSync(`/proc/${pid}`))
    throw new OverlayscopeError("FAILED_PRECONDITION", `${field}: container ${label(c)} is not running`, {
      field,
    });
  const netns = `/proc/${pid}/ns/net`;
  return {
    runtime: c.runtime,
    id: c.id,
    name: c.name,
    image,
    namespace: c.namespace,
    pid,
    netns: { path: netns, inode: (await stat(netns)).ino },
    cgroup: await cgroupOf(pid),
    networkMode,
    networks,
  };
}

/**
 * A running container by name or id (a unique prefix of at least four hex digits) in the runtimes
 * asked for (all by default): its identity, first process, network namespace and cgroup. No match
 * or several are errors that list what there is.
 */
export async function resolveContainer(
  name: string,
  runtime: string,
  field = "target.container",
): Promise<Container> {
  if (!NAME.test(name))
    throw invalidArgument(`${field}.name`, `not a container name or id: ${clientText(name)}`);
  if (runtime !== "" && !(RUNTIMES as readonly string[]).includes(runtime))
    throw invalidArgument(
      `${field}.runtime`,
      `unknown ${clientText(runtime)} (known: ${RUNTIMES.join(", ")})`,
    );
  const asked = runtime === "" ? RUNTIMES : [runtime as RuntimeName];
  const { found, looked, failed } = await listCandidates(asked);
  const hits = found.filter((c) => matches(c, name));
  if (hits.length === 1) return describe(hits[0]!, field);
  if (hits.length > 1)
    throw invalidArgument(
      `${field}.name`,
      `${clientText(name)} matches ${hits.length} containers: ${hits.map(label).join(", ")}; give a longer id${runtime ? "" : " or the runtime"}`,
    );
  if (found.length === 0 && failed.length)
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `${field}: no container runtime answered: ${failed.join("; ")}`,
      { field },
    );
  const running = found.slice(0, 20).map(label).join(", ");
  throw new OverlayscopeError(
    "NOT_FOUND",
    `${field}.name: no running container ${clientText(name)} (looked in ${looked.join(", ")}${running ? `; running: ${running}` : "; none running"})`,
    { field: `${field}.name` },
  );
}

/**
 * Every running container the runtimes on this host know (for the environment snapshot: which
 * namespace and devices belong to which container and network). Runtimes that do not answer are
 * left out; containerd's images are not asked for (a fork per container).
 */
export async function listContainers(): Promise<Container[]> {
  const { found } = await listCandidates(RUNTIMES);
  // Each description is an API call or a `ctr` fork: a few at once, not one node's hundreds.
  const described = await mapLimit(found, DESCRIBE_CONCURRENCY, (c) =>
    describe(c, "containers", false).catch(() => undefined),
  );
  return described.filter((d): d is Container => d !== undefined);
}

const DESCRIBE_CONCURRENCY = 8;

/** Whether any container runtime's socket is on this host (nothing is asked when none is). */
export const anyRuntimeSocket = (): boolean =>
  Object.values(ENGINE_SOCKETS).some((s) => existsSync(s)) || containerdSockets().length > 0;
