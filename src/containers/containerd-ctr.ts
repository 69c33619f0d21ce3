import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * containerd through its own CLI, `ctr`: the system containerd, the one dockerd starts for
 * itself when none runs, and k3s's. Docker's containers show here too, in the "moby" namespace.
 */
export const CONTAINERD_SOCKETS = [
  "/run/containerd/containerd.sock",
  "/var/run/docker/containerd/containerd.sock",
  "/run/k3s/containerd/containerd.sock",
];

export interface ContainerdTask {
  address: string;
  namespace: string;
  id: string;
  pid: number;
  status: string;
}

/** What ctr prints for names and ids: anything else is not used as an argument. */
const WORD = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

async function ctr(address: string, args: string[]): Promise<string> {
  const { stdout } = await run("ctr", ["--address", address, ...args], {
    timeout: 5_000,
    maxBuffer: 8 << 20,
  });
  return stdout;
}

export function containerdSockets(): string[] {
  return CONTAINERD_SOCKETS.filter((s) => existsSync(s));
}

/** Every task (running container) in every namespace of every containerd that answers. */
export async function containerdTasks(addresses = containerdSockets()): Promise<ContainerdTask[]> {
  const out: ContainerdTask[] = [];
  for (const address of addresses) {
    const namespaces = (await ctr(address, ["namespaces", "ls", "-q"]))
      .split("\n")
      .filter((n) => WORD.test(n));
    for (const namespace of namespaces) {
      // TASK  PID  STATUS
      for (const line of (await ctr(address, ["-n", namespace, "tasks", "ls"])).split("\n").slice(1)) {
        const [id, pid, status] = line.trim().split(/\s+/);
        if (id && WORD.test(id) && Number(pid) > 0)
          out.push({ address, namespace, id, pid: Number(pid), status: status ?? "" });
      }
    }
  }
  return out;
}

/** The image a containerd container was made from ('' when ctr cannot say). */
export async function containerdImage(task: ContainerdTask): Promise<string> {
  try {
    const info = JSON.parse(
      await ctr(task.address, ["-n", task.namespace, "containers", "info", task.id]),
    ) as {
      Image?: string;
    };
    return info.Image ?? "";
  } catch {
    return "";
  }
}
