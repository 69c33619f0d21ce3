import { stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { clientText, invalidArgument, OverlayscopeError } from "../util/errors.js";
import type { Container } from "./container-model.js";
import { CriClient, criSockets, type PodSandbox } from "./cri-api.js";
import { cgroupOf } from "./resolve-container.js";
import { mapLimit } from "../util/map-limit.js";

/** Kubernetes object names (DNS-1123 subdomains) and namespaces (DNS-1123 labels). */
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

interface Found {
  socket: string;
  runtime: string;
  pod: PodSandbox;
}

const label = (f: Found): string =>
  `${f.pod.metadata?.namespace ?? "?"}/${f.pod.metadata?.name ?? "?"} (${f.runtime} ${f.pod.id.slice(0, 12)})`;

/** The runtime names the run model knows; another CRI runtime is recorded as what it runs on. */
function runtimeOf(name: string): Container["runtime"] {
  const n = name.toLowerCase();
  return n.includes("cri-o") || n === "crio" ? "cri-o" : n.includes("docker") ? "docker" : "containerd";
}

/** What the runtime's verbose status says about the sandbox's process and network namespace. */
function sandboxProcess(info: Record<string, string>): { pid: number; netnsPath: string; image: string } {
  try {
    const doc = JSON.parse(info.info ?? "{}") as {
      pid?: number;
      image?: string;
      runtimeSpec?: { linux?: { namespaces?: Array<{ type?: string; path?: string }> } };
    };
    const netns = doc.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path ?? "";
    return {
      pid: Number(doc.pid ?? 0),
      netnsPath: netns,
      image: typeof doc.image === "string" ? doc.image : "",
    };
  } catch {
    return { pid: 0, netnsPath: "", image: "" };
  }
}

/**
 * A ready pod by name (and Kubernetes namespace, when given) on this node, through every CRI
 * socket that answers: its sandbox's id, process, network namespace and cgroup, its IP. No match,
 * or the same name in several namespaces without --namespace, are errors listing what there is.
 */
export async function resolvePod(name: string, namespace: string, field = "target.pod"): Promise<Container> {
  if (!POD_NAME.test(name)) throw invalidArgument(`${field}.name`, `not a pod name: ${clientText(name)}`);
  if (namespace !== "" && !NAMESPACE.test(namespace))
    throw invalidArgument(`${field}.namespace`, `not a Kubernetes namespace: ${clientText(namespace)}`);
  const { sockets, found, failed } = await listFound();
  const hits = found
    .filter(
      (f) => f.pod.metadata?.name === name && (namespace === "" || f.pod.metadata?.namespace === namespace),
    )
    .sort((x, y) => label(x).localeCompare(label(y)));
  if (hits.length > 1)
    throw invalidArgument(
      `${field}.namespace`,
      `pod ${clientText(name)} is in ${hits.length} namespaces: ${hits.map(label).join(", ")}; give --namespace`,
    );
  if (hits.length === 0) {
    if (found.length === 0 && failed.length)
      throw new OverlayscopeError(
        "FAILED_PRECONDITION",
        `${field}: no CRI runtime answered: ${failed.join("; ")}`,
        {
          field,
        },
      );
    const looked = sockets.length ? sockets.join(", ") : "no CRI socket on this host";
    const ready = found.slice(0, 20).map(label).join(", ");
    throw new OverlayscopeError(
      "NOT_FOUND",
      `${field}.name: no ready pod ${namespace ? `${clientText(namespace)}/` : ""}${clientText(name)} (looked in ${looked}${ready ? `; ready: ${ready}` : "; none ready"})`,
      { field: `${field}.name` },
    );
  }
  return describePod(hits[0]!, field);
}

/** A found pod's sandbox as the run model has containers: its process, namespace, cgroup and IP. */
async function describePod(hit: Found, field: string): Promise<Container> {
  const c = new CriClient(hit.socket);
  let status;
  try {
    status = await c.podStatus(hit.pod.id);
  } finally {
    c.close();
  }
  const { pid, netnsPath, image } = sandboxProcess(status.info);
  // The sandbox's process is the namespace's holder; the runtime's netns path serves when it is not
  // given (a pinned namespace outlives its process).
  const path = pid > 0 && existsSync(`/proc/${pid}`) ? `/proc/${pid}/ns/net` : netnsPath;
  if (!path || !existsSync(path))
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `${field}: pod ${label(hit)} has no network namespace the runtime names (host network?)`,
      { field },
    );
  const meta = hit.pod.metadata!;
  const ip = status.status?.network?.ip ?? "";
  return {
    runtime: runtimeOf(hit.runtime),
    id: hit.pod.id,
    name: meta.name,
    image,
    namespace: hit.runtime.toLowerCase().includes("containerd") ? "k8s.io" : "",
    pid,
    netns: { path, inode: (await stat(path)).ino },
    cgroup: pid > 0 ? await cgroupOf(pid) : "",
    networkMode: "pod",
    networks: ip ? [{ name: "", id: "", driver: "cni", subnets: [], address: ip, vxlanIds: [] }] : [],
    pod: { name: meta.name, namespace: meta.namespace, uid: meta.uid, criSocket: hit.socket },
  };
}

/** Every CRI socket's ready pods, and what did not answer. */
async function listFound(): Promise<{ sockets: string[]; found: Found[]; failed: string[] }> {
  const sockets = criSockets();
  const found: Found[] = [];
  const failed: string[] = [];
  for (const socket of sockets) {
    const c = new CriClient(socket);
    try {
      const v = await c.version();
      for (const pod of await c.listPods()) found.push({ socket, runtime: v.runtimeName, pod });
    } catch (e) {
      failed.push(`${socket}: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      c.close();
    }
  }
  return { sockets, found, failed };
}

/**
 * Every ready pod on this node (for the environment snapshot: which namespace belongs to which
 * pod). Pods whose sandbox cannot be described (it just stopped) are left out.
 */
export async function listPods(): Promise<Container[]> {
  const { found } = await listFound();
  const out = await mapLimit(found, 8, (f) => describePod(f, "pods").catch(() => undefined));
  return out.filter((c): c is Container => c !== undefined);
}
