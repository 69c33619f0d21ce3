import { execFile, execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { OverlayscopeError } from "../util/errors.js";
import { ensureLabImage } from "./docker-image.js";
import { docker as dockerCli } from "./docker-cli.js";
import { attach, execIn, startLabContainer } from "./docker-topology.js";
import type { DockerNode, Lab, LabPair } from "./topology.js";

const run = promisify(execFile);

/**
 * `docker-overlay`: Docker's swarm overlay between two Docker "nodes" on one kernel. Each lab host
 * namespace runs a dockerd of its own (data, exec root, socket and containerd namespace apart from
 * any host dockerd), entered with nsenter (`ip netns exec` would remount /sys and hide the cgroup
 * mounts dockerd needs). The first node inits a swarm on the wire, the second joins, an attachable
 * overlay network joins containers on both, and VXLAN carries their traffic over the wire.
 */
const STATE = "/run/overlayscope/docker-nodes";
const DATA = "/var/lib/overlayscope/docker-nodes";
const OVERLAY_SUBNET = "10.209.0.0/24";

const hostArgs = (n: DockerNode): string[] => ["-H", `unix://${n.socket}`];

const docker = (n: DockerNode, args: string[]): Promise<string> => dockerCli(args, hostArgs(n));

async function answers(n: DockerNode): Promise<boolean> {
  return run("docker", [...hostArgs(n), "version", "--format", "{{.Server.Version}}"], {
    timeout: 5_000,
  }).then(
    () => true,
    () => false,
  );
}

/** Where a node keeps its socket, exec root and data. */
const nodeNamed = (name: string, netns: string, pid: number): DockerNode => ({
  name,
  netns,
  socket: `${STATE}/${name}.sock`,
  execRoot: `${STATE}/${name}`,
  dataRoot: `${DATA}/${name}`,
  pid,
});

/**
 * The nodes an orphaned lab left (its process died without stopping them): found by name in the
 * state directory, with the pid dockerd wrote, so stopNodes can end them and remove their state.
 */
export async function nodesLeftBy(labId: string): Promise<DockerNode[]> {
  const names = new Set(
    (await readdir(STATE).catch(() => [] as string[]))
      .map((f) => new RegExp(`^(${labId}-n\\d+)(\\.(sock|pid|log))?$`).exec(f)?.[1])
      .filter((n): n is string => n !== undefined),
  );
  const nodes: DockerNode[] = [];
  for (const name of [...names].sort()) {
    const pid = Number((await readFile(`${STATE}/${name}.pid`, "utf8").catch(() => "")).trim());
    // Only a running dockerd is ended: a pid file left by a crash may name a reused pid.
    const comm = pid > 0 ? await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "") : "";
    nodes.push(nodeNamed(name, "", comm.trim() === "dockerd" ? pid : 0));
  }
  return nodes;
}

/** Starts a node's dockerd inside a lab host namespace; resolves once its API answers. */
async function startNode(lab: Lab, netns: string, index: number, keep: boolean): Promise<DockerNode> {
  const name = `${lab.id}-n${index}`;
  const node = nodeNamed(name, netns, 0);
  await mkdir(STATE, { recursive: true, mode: 0o700 });
  (lab.dockerNodes ??= []).push(node);
  const log = `${STATE}/${name}.log`;
  await writeFile(log, "");
  // A lab that is not kept ends with us: our exits run stopNodes, and should we die by SIGKILL the
  // parent-death signal is SIGTERM (not KILL, as for bpftrace), so dockerd still shuts down
  // cleanly and undoes its mounts. A kept lab (`lab up`) outlives us until `lab down`.
  const child = spawn(
    keep ? "env" : "setpriv",
    [
      ...(keep ? [] : ["--pdeathsig", "TERM", "--"]),
      "sh",
      "-c",
      'exec nsenter --net="/var/run/netns/$1" dockerd --data-root "$2" --exec-root "$3" --pidfile "$3.pid" -H "unix://$4" --containerd-namespace "$5" --containerd-plugins-namespace "$5-plugins" --bridge none >>"$6" 2>&1',
      "sh",
      netns,
      node.dataRoot,
      node.execRoot,
      node.socket,
      name,
      log,
    ],
    { stdio: "ignore", detached: true },
  );
  child.unref();
  node.pid = child.pid ?? 0;
  const exited = new Promise<boolean>((resolve) => child.once("exit", () => resolve(false)));
  // Its API socket answering is the event; dockerd takes ~1 s here. 60 s before giving up.
  for (let i = 0; i < 600; i++) {
    if (await Promise.race([answers(node), exited])) return node;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new OverlayscopeError("FAILED_PRECONDITION", `dockerd for node ${name} did not start; see ${log}`);
}

/**
 * The overlay's own namespace on a node (its bridge and VXLAN device; `1-<network id>` under the
 * node's exec root, holding no process), named under /var/run/netns so sessions see it.
 */
async function nameOverlaySandbox(lab: Lab, n: DockerNode, networkId: string): Promise<string> {
  const file = (await readdir(`${n.execRoot}/netns`)).find((f) => f === `1-${networkId.slice(0, 10)}`);
  if (!file)
    throw new OverlayscopeError(
      "FAILED_PRECONDITION",
      `node ${n.name} has no namespace for the overlay network`,
    );
  const name = `${lab.id}-ovl${n.name.slice(-1)}`;
  await mkdir("/var/run/netns", { recursive: true });
  await writeFile(`/var/run/netns/${name}`, "");
  lab.namespaces.push(name);
  await run("mount", ["--bind", `${n.execRoot}/netns/${file}`, `/var/run/netns/${name}`]);
  return name;
}

/** Builds the two nodes, the swarm, the overlay network and `pairs` client/server containers. */
export async function buildDockerOverlay(
  lab: Lab,
  h1: string,
  h2: string,
  wire: [string, string],
  pairs: number,
  keep: boolean,
  ready: () => void,
): Promise<LabPair[]> {
  await run("dockerd", ["--version"], { timeout: 10_000 }).catch(() => {
    throw new OverlayscopeError(
      "UNSUPPORTED",
      "topology 'docker-overlay' needs dockerd (Debian: apt-get install docker.io)",
    );
  });
  const n1 = await startNode(lab, h1, 1, keep);
  const n2 = await startNode(lab, h2, 2, keep);
  lab.dockerImage = await ensureLabImage(() => undefined, hostArgs(n1));
  await ensureLabImage(() => undefined, hostArgs(n2));
  ready();
  await docker(n1, ["swarm", "init", "--advertise-addr", wire[0], "--listen-addr", `${wire[0]}:2377`]);
  const token = await docker(n1, ["swarm", "join-token", "-q", "worker"]);
  await docker(n2, ["swarm", "join", "--token", token, "--advertise-addr", wire[1], `${wire[0]}:2377`]);
  const network = `${lab.id}-ovl`;
  const networkId = await docker(n1, [
    "network",
    "create",
    "-d",
    "overlay",
    "--attachable",
    "--subnet",
    OVERLAY_SUBNET,
    network,
  ]);
  const out: LabPair[] = [];
  for (let k = 1; k <= pairs; k++) {
    const client = `${lab.id}-c${k}`;
    const server = `${lab.id}-s${k}`;
    const s = await startLabContainer(lab, server, network, hostArgs(n2));
    const c = await startLabContainer(lab, client, network, hostArgs(n1));
    await attach(lab, client, c.pid);
    await attach(lab, server, s.pid);
    out.push({
      clientNs: client,
      serverNs: server,
      serverAddr: s.addr,
      clientAt: execIn(client, hostArgs(n1)),
      serverAt: execIn(server, hostArgs(n2)),
    });
  }
  const [o1, o2] = [
    await nameOverlaySandbox(lab, n1, networkId),
    await nameOverlaySandbox(lab, n2, networkId),
  ];
  lab.path.push(
    { netns: `${lab.id}-c1`, device: "eth0", kind: "veth" },
    { netns: o1, device: "br0", kind: "bridge" },
    { netns: o1, device: "vxlan0", kind: "vxlan" },
    { netns: o2, device: "vxlan0", kind: "vxlan" },
    { netns: o2, device: "br0", kind: "bridge" },
    { netns: `${lab.id}-s1`, device: "eth0", kind: "veth" },
  );
  return out;
}

/** Stops a node: its containers, its swarm membership, its dockerd; then its state is removed. */
export async function stopNodes(nodes: readonly DockerNode[], containers: readonly string[]): Promise<void> {
  for (const n of [...nodes].reverse()) {
    if (await answers(n)) {
      const mine = (await docker(n, ["ps", "-a", "--format", "{{.Names}}"]).catch(() => "")).split("\n");
      const ours = containers.filter((c) => mine.includes(c));
      if (ours.length) await docker(n, ["rm", "-f", ...ours]).catch(() => undefined);
      await docker(n, ["swarm", "leave", "--force"]).catch(() => undefined);
    }
    stopNodeSync(n);
    await rm(n.dataRoot, { recursive: true, force: true });
    await rm(n.execRoot, { recursive: true, force: true });
    for (const f of [`${n.execRoot}.pid`, `${n.execRoot}.log`, n.socket]) await rm(f, { force: true });
  }
}

/** stopNodes for exit handlers: the same, synchronously (best effort). */
export function stopNodesSync(nodes: readonly DockerNode[], containers: readonly string[]): void {
  for (const n of [...nodes].reverse()) {
    const docker = (args: string[]): void => {
      try {
        execFileSync("docker", [...hostArgs(n), ...args], { stdio: "ignore", timeout: 30_000 });
      } catch {
        // not this node's, or the node is gone
      }
    };
    for (const c of containers) docker(["rm", "-f", c]);
    docker(["swarm", "leave", "--force"]);
    stopNodeSync(n);
    for (const p of [n.dataRoot, n.execRoot, `${n.execRoot}.pid`, `${n.execRoot}.log`, n.socket])
      rmSync(p, { recursive: true, force: true });
  }
}

/**
 * Ends a node's dockerd and waits (20 s at most, then SIGKILL) for it, so its mounts are undone
 * before its state is removed; synchronous, for exit handlers too.
 */
export function stopNodeSync(n: DockerNode): void {
  if (!(n.pid > 0)) return;
  try {
    execFileSync(
      "sh",
      [
        "-c",
        'kill "$1" 2>/dev/null || exit 0; i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; kill -9 "$1" 2>/dev/null; exit 0',
        "sh",
        String(n.pid),
      ],
      { stdio: "ignore", timeout: 30_000 },
    );
  } catch {
    // gone already
  }
}
