import { OverlayscopeError } from "../util/errors.js";
import { docker, dockerUnavailable } from "./docker-cli.js";
import { ensureLabImage } from "./docker-image.js";
import { ip } from "./ip-command.js";
import type { Lab, LabPair } from "./topology.js";

/**
 * Docker's own network modes, built with a real dockerd on this host: every container runs the
 * lab image (`sleep infinity`; the benchmarks run in it through `docker exec`), is labelled with
 * the lab's id, and its network namespace gets the container's name under /var/run/netns (`ip
 * netns attach`), so runs name it like any lab namespace.
 *   docker-bridge     client and server containers on the default bridge (docker0)
 *   docker-host       both with --network host: the host's own namespace, over loopback
 *   docker-none       one container with --network none: client and server over its loopback
 *   docker-container  a server on the bridge and a client in its namespace (--network container:)
 *   docker-overlay    a swarm overlay between two dockerd "nodes" of the lab's own (docker-nodes.ts)
 */
export const DOCKER_TOPOLOGIES = [
  "docker-bridge",
  "docker-host",
  "docker-none",
  "docker-container",
  "docker-overlay",
] as const;
export type DockerTopology = (typeof DOCKER_TOPOLOGIES)[number];

export const isDockerTopology = (t: string): t is DockerTopology =>
  (DOCKER_TOPOLOGIES as readonly string[]).includes(t);

/**
 * Starts one lab container (the lab image, `sleep infinity`, labelled with the lab) on the host's
 * dockerd or the one `host` names; it is in lab.containers before it exists, so any failure
 * removes it. Its first network's address ('' for host and none).
 */
export async function startLabContainer(
  lab: Lab,
  name: string,
  network: string,
  host: readonly string[] = [],
): Promise<{ pid: number; addr: string }> {
  (lab.containers ??= []).push(name);
  const labelled = ["--name", name, "--label", `overlayscope.lab=${lab.id}`, "--network", network];
  await docker(["run", "-d", ...labelled, lab.dockerImage!, "sleep", "infinity"], host);
  const format = "{{.State.Pid}}{{range .NetworkSettings.Networks}} {{.IPAddress}}{{end}}";
  const [pid, addr] = (await docker(["inspect", "--format", format, name], host)).split(" ");
  return { pid: Number(pid), addr: addr ?? "" };
}

/** The container's namespace under its own name in /var/run/netns (not for the host's own). */
export async function attach(lab: Lab, name: string, pid: number): Promise<string> {
  await ip(["netns", "attach", name, String(pid)]);
  lab.namespaces.push(name);
  return name;
}

/** Where a lab container's commands run: `docker [-H …] exec NAME`. */
export const execIn = (name: string, host: readonly string[] = []): string[] => [
  "docker",
  ...host,
  "exec",
  name,
];

/** A pair of two lab containers' ends, the client dialling the server's address. */
const pairOf = (
  client: string,
  server: string,
  ns: [string, string],
  addr: string,
  host: readonly string[] = [],
): LabPair => ({
  clientNs: ns[0],
  serverNs: ns[1],
  serverAddr: addr,
  clientAt: execIn(client, host),
  serverAt: execIn(server, host),
});

/**
 * The pairs of a Docker topology, built through the running dockerd; `ready` is called once the
 * image is there, so set-up time counts the containers and their networks, not the image build.
 */
export async function buildDockerPairs(lab: Lab, pairs: number, ready: () => void): Promise<LabPair[]> {
  const why = await dockerUnavailable();
  if (why) throw new OverlayscopeError("UNSUPPORTED", `topology '${lab.topology}' needs Docker: ${why}`);
  lab.dockerImage = await ensureLabImage(() => undefined);
  ready();
  const out: LabPair[] = [];
  for (let k = 1; k <= pairs; k++) {
    const server = `${lab.id}-s${k}`;
    const client = `${lab.id}-c${k}`;
    switch (lab.topology as Exclude<DockerTopology, "docker-overlay">) {
      case "docker-bridge": {
        const s = await startLabContainer(lab, server, "bridge");
        const c = await startLabContainer(lab, client, "bridge");
        const ns: [string, string] = [await attach(lab, client, c.pid), await attach(lab, server, s.pid)];
        out.push(pairOf(client, server, ns, s.addr));
        lab.path.push(
          { netns: client, device: "eth0", kind: "veth" },
          { netns: "", device: "docker0", kind: "bridge" },
          { netns: server, device: "eth0", kind: "veth" },
        );
        break;
      }
      case "docker-host":
        await startLabContainer(lab, server, "host");
        await startLabContainer(lab, client, "host");
        out.push(pairOf(client, server, ["", ""], "127.0.0.1"));
        if (k === 1) lab.path.push({ netns: "", device: "lo", kind: "loopback" });
        break;
      case "docker-none": {
        const s = await startLabContainer(lab, server, "none");
        const ns = await attach(lab, server, s.pid);
        out.push(pairOf(server, server, [ns, ns], "127.0.0.1"));
        lab.path.push({ netns: ns, device: "lo", kind: "loopback" });
        break;
      }
      case "docker-container": {
        const s = await startLabContainer(lab, server, "bridge");
        await startLabContainer(lab, client, `container:${server}`);
        const ns = await attach(lab, server, s.pid);
        out.push(pairOf(client, server, [ns, ns], "127.0.0.1"));
        lab.path.push({ netns: ns, device: "lo", kind: "loopback" });
        break;
      }
    }
  }
  return out;
}

/** Removes a lab's containers (and only those: by name, as recorded). */
export async function removeContainers(names: readonly string[]): Promise<void> {
  if (names.length) await docker(["rm", "-f", ...names]).catch(() => undefined);
}
