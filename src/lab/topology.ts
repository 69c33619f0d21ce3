import { randomBytes } from "node:crypto";
import { OverlayscopeError } from "../util/errors.js";
import { componentLogger } from "../util/log.js";
import { buildDockerOverlay, stopNodes } from "./docker-nodes.js";
import {
  buildDockerPairs,
  DOCKER_TOPOLOGIES,
  isDockerTopology,
  removeContainers,
} from "./docker-topology.js";
import { ip, nsExec, type Place } from "./ip-command.js";
import { recordOwnerSync } from "./lab-owners.js";
import { registerLab, unregisterLab, type Removable } from "./teardown.js";

const log = componentLogger("lab");

/**
 * `none`: Docker's `--network none`, a container with loopback only, client and server inside it.
 * `container`: Docker's `--network container:FIRST`, a second container in a bridge-mode first
 * one's namespace: they talk over its loopback.
 */
export const TOPOLOGIES = [
  "host",
  "bridge",
  "overlay",
  "macvlan",
  "none",
  "container",
  ...DOCKER_TOPOLOGIES,
] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];

/** Topologies users ask for that this kernel cannot build, with the missing feature named. */
export const UNSUPPORTED_TOPOLOGIES: Record<string, string> = {
  ipvlan: "the kernel has no ipvlan driver (CONFIG_IPVLAN)",
  ipip: "the kernel has no IPIP tunnel driver (CONFIG_NET_IPIP), which Calico's IPIP mode needs",
  gre: "the kernel has no GRE tunnel driver (CONFIG_NET_IPGRE)",
  geneve: "the kernel has no Geneve driver (CONFIG_GENEVE)",
  ovs: "the kernel has no Open vSwitch datapath (CONFIG_OPENVSWITCH)",
  wireguard: "the kernel has no WireGuard driver (CONFIG_WIREGUARD)",
};

/**
 * One client/server pair: the network namespace of each end (its name under /var/run/netns), the
 * address the client dials, and, when the ends are containers, where commands run in them.
 */
export interface LabPair {
  clientNs: string;
  serverNs: string;
  serverAddr: string;
  /** Docker-backed labs: `docker exec CONTAINER` (benchmarks run in the container, not beside it). */
  clientAt?: readonly string[];
  serverAt?: readonly string[];
}

/** A Docker "node" of the docker-overlay topology: a dockerd of the lab's own in a host namespace. */
export interface DockerNode {
  name: string;
  netns: string;
  socket: string;
  execRoot: string;
  dataRoot: string;
  pid: number;
}

/** Where a pair's client and server commands run. */
export const clientPlace = (p: LabPair): Place => p.clientAt ?? p.clientNs;
export const serverPlace = (p: LabPair): Place => p.serverAt ?? p.serverNs;

/** Most container pairs a lab builds (addresses and port ranges leave room for this many). */
export const MAX_PAIRS = 32;

/**
 * Where a benchmark runs: the client and server namespaces and the address the client dials, for
 * the first pair, and every pair (the studies' "container pairs": N clients on one host talking
 * to N servers on the other, all through the topology's shared devices).
 */
export interface Lab extends LabPair {
  id: string;
  topology: TopologyName;
  namespaces: string[];
  pairs: LabPair[];
  /** Devices along the path, for reports: [netns, device, kind]. */
  path: Array<{ netns: string; device: string; kind: string }>;
  /** Docker-backed labs: the containers made (removed with the lab), and the image they run. */
  containers?: string[];
  dockerImage?: string;
  /** docker-overlay: the two dockerds the lab started (stopped, with their state, by labDown). */
  dockerNodes?: DockerNode[];
  /** Milliseconds from creating a container namespace until it answered a ping (mean per container). */
  setupMs: number;
}

const WIRE_NET = "10.203.0";
const OVERLAY_NET = "10.204.0";
const VNI = 42;

export const LAB_ID = /^os[0-9a-f]{6}$/;

function newId(): string {
  return `os${randomBytes(3).toString("hex")}`;
}

async function addNs(lab: Lab, name: string): Promise<void> {
  await ip(["netns", "add", name]);
  lab.namespaces.push(name);
  await ip(["link", "set", "lo", "up"], name);
}

/** Two "hosts" joined by a veth "wire", as every topology starts. */
async function buildWire(lab: Lab): Promise<{ h1: string; h2: string }> {
  const h1 = `${lab.id}-h1`;
  const h2 = `${lab.id}-h2`;
  await addNs(lab, h1);
  await addNs(lab, h2);
  await ip(["link", "add", "wire0", "netns", h1, "type", "veth", "peer", "name", "wire0", "netns", h2]);
  await ip(["addr", "add", `${WIRE_NET}.1/24`, "dev", "wire0"], h1);
  await ip(["addr", "add", `${WIRE_NET}.2/24`, "dev", "wire0"], h2);
  await ip(["link", "set", "wire0", "up"], h1);
  await ip(["link", "set", "wire0", "up"], h2);
  lab.path.push({ netns: h1, device: "wire0", kind: "veth" }, { netns: h2, device: "wire0", kind: "veth" });
  return { h1, h2 };
}

/** The host's bridge joined by a VXLAN device to the other host: Docker overlay / Flannel VXLAN. */
async function buildOverlayHost(lab: Lab, host: string, n: 1 | 2): Promise<void> {
  const local = `${WIRE_NET}.${n}`;
  const remote = `${WIRE_NET}.${3 - n}`;
  await ip(["link", "add", "br0", "type", "bridge"], host);
  await ip(
    [
      "link",
      "add",
      "vx0",
      "type",
      "vxlan",
      "id",
      String(VNI),
      "dstport",
      "4789",
      "local",
      local,
      "remote",
      remote,
      "dev",
      "wire0",
    ],
    host,
  );
  await ip(["link", "set", "vx0", "master", "br0"], host);
  for (const d of ["br0", "vx0"]) await ip(["link", "set", d, "up"], host);
  lab.path.push(
    { netns: host, device: "br0", kind: "bridge" },
    { netns: host, device: "vx0", kind: "vxlan" },
  );
}

/**
 * A container namespace on a host's bridge through a veth pair: the overlay's containers (`mtu`
 * 1450, as Docker and Flannel configure every port of a VXLAN bridge) and the bridge mode's.
 */
async function addBridgedContainer(
  lab: Lab,
  host: string,
  c: string,
  port: number,
  addr: string,
  mtu?: number,
): Promise<void> {
  await addNs(lab, c);
  const veth = `veth${port}`;
  await ip(["link", "add", veth, "netns", host, "type", "veth", "peer", "name", "eth0", "netns", c]);
  await ip(["link", "set", veth, "master", "br0"], host);
  if (mtu) await ip(["link", "set", veth, "mtu", String(mtu)], host);
  await ip(["link", "set", veth, "up"], host);
  if (mtu) await ip(["link", "set", "eth0", "mtu", String(mtu)], c);
  await ip(["link", "set", "eth0", "up"], c);
  await ip(["addr", "add", addr, "dev", "eth0"], c);
  lab.path.push({ netns: c, device: "eth0", kind: "veth" }, { netns: host, device: veth, kind: "veth" });
}

const BRIDGE_NET = "10.205.0";

/** Docker's default bridge: a Linux bridge with the containers' gateway, NAT (masquerade) out of the host. */
async function buildBridgeHost(lab: Lab, host: string): Promise<void> {
  await ip(["link", "add", "br0", "type", "bridge"], host);
  await ip(["addr", "add", `${BRIDGE_NET}.254/24`, "dev", "br0"], host);
  await ip(["link", "set", "br0", "up"], host);
  await nsExec(host, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  try {
    await nsExec(host, [
      "nft",
      "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; } ; add rule ip nat post oifname wire0 masquerade",
    ]);
  } catch (e) {
    throw new OverlayscopeError(
      "UNSUPPORTED",
      `topology '${lab.topology}' needs nftables NAT (install nftables; kernel nf_tables with masquerade): ${(e as Error).message}`,
    );
  }
  lab.path.push({ netns: host, device: "br0", kind: "bridge" });
}

/** Container k on the bridge: container → veth → bridge → NAT. */
async function addBridgeContainer(lab: Lab, host: string, k: number): Promise<string> {
  const c = `${lab.id}-c${k}`;
  await addBridgedContainer(lab, host, c, k - 1, `${BRIDGE_NET}.${k}/24`);
  await ip(["route", "add", "default", "via", `${BRIDGE_NET}.254`], c);
  return c;
}

/** Container `index` on a host: a macvlan (bridge mode) of the host's wire, moved into it. */
async function addMacvlanContainer(lab: Lab, host: string, index: number): Promise<string> {
  const c = `${lab.id}-c${index}`;
  await addNs(lab, c);
  await ip(["link", "add", "mv0", "link", "wire0", "type", "macvlan", "mode", "bridge"], host);
  await ip(["link", "set", "mv0", "netns", c], host);
  await ip(["link", "set", "mv0", "up"], c);
  await ip(["addr", "add", `${WIRE_NET}.${10 + index}/24`, "dev", "mv0"], c);
  lab.path.push({ netns: c, device: "mv0", kind: "macvlan" });
  return c;
}

async function waitForPing(from: Place, addr: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      await nsExec(from, ["ping", "-c", "1", "-W", "1", addr], 5_000);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * The pairs of a topology: pair k's client on the first host (or in its own namespace for none and
 * container) and its server on the second, every pair through the same bridge, VXLAN device or wire.
 */
async function buildPairs(lab: Lab, h1: string, h2: string, pairs: number): Promise<LabPair[]> {
  const ks = Array.from({ length: pairs }, (_v, i) => i + 1);
  const out: LabPair[] = [];
  switch (lab.topology) {
    case "host":
      for (const _k of ks) out.push({ clientNs: h1, serverNs: h2, serverAddr: `${WIRE_NET}.2` });
      break;
    case "bridge":
      await buildBridgeHost(lab, h1);
      for (const k of ks)
        out.push({
          clientNs: await addBridgeContainer(lab, h1, k),
          serverNs: h2,
          serverAddr: `${WIRE_NET}.2`,
        });
      break;
    case "none":
    case "container":
      if (lab.topology === "container") await buildBridgeHost(lab, h1);
      for (const k of ks) {
        const c = lab.topology === "container" ? await addBridgeContainer(lab, h1, k) : `${lab.id}-c${k}`;
        if (lab.topology === "none") await addNs(lab, c);
        lab.path.push({ netns: c, device: "lo", kind: "loopback" });
        out.push({ clientNs: c, serverNs: c, serverAddr: "127.0.0.1" });
      }
      break;
    case "overlay":
      await buildOverlayHost(lab, h1, 1);
      await buildOverlayHost(lab, h2, 2);
      // Pair k: containers c(2k-1) on the first host and c(2k) on the second, addresses alike.
      for (const k of ks) {
        const [a, b] = [2 * k - 1, 2 * k];
        await addBridgedContainer(lab, h1, `${lab.id}-c${a}`, k - 1, `${OVERLAY_NET}.${a}/24`, 1450);
        await addBridgedContainer(lab, h2, `${lab.id}-c${b}`, k - 1, `${OVERLAY_NET}.${b}/24`, 1450);
        out.push({
          clientNs: `${lab.id}-c${a}`,
          serverNs: `${lab.id}-c${b}`,
          serverAddr: `${OVERLAY_NET}.${b}`,
        });
      }
      break;
    case "macvlan":
      for (const k of ks) {
        const client = await addMacvlanContainer(lab, h1, 2 * k - 1);
        const server = await addMacvlanContainer(lab, h2, 2 * k);
        out.push({ clientNs: client, serverNs: server, serverAddr: `${WIRE_NET}.${10 + 2 * k}` });
      }
      break;
  }
  return out;
}

/**
 * Builds a topology with `pairs` client/server pairs; on any failure everything created so far is
 * removed before rethrowing.
 *
 * `keep`: the lab outlives this process (for `lab up`); otherwise it is removed on any exit.
 */
export async function labUp(topology: string, id = newId(), keep = false, pairs = 1): Promise<Lab> {
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > MAX_PAIRS)
    throw new OverlayscopeError("INVALID_ARGUMENT", `pairs: must be 1 to ${MAX_PAIRS}, got ${pairs}`, {
      field: "pairs",
    });
  if (topology in UNSUPPORTED_TOPOLOGIES) {
    throw new OverlayscopeError(
      "UNSUPPORTED",
      `topology '${topology}' cannot be built here: ${UNSUPPORTED_TOPOLOGIES[topology]}`,
    );
  }
  if (!(TOPOLOGIES as readonly string[]).includes(topology)) {
    throw new OverlayscopeError(
      "INVALID_ARGUMENT",
      `topology: unknown '${topology}' (known: ${TOPOLOGIES.join(", ")})`,
      { field: "topology" },
    );
  }
  const lab: Lab = {
    id,
    topology: topology as TopologyName,
    namespaces: [],
    clientNs: "",
    serverNs: "",
    serverAddr: "",
    pairs: [],
    path: [],
    setupMs: 0,
  };
  // Owned by this process until removed (or, when kept, until `lab up` has saved it): a SIGKILL
  // mid-build or mid-bench leaves an orphan that `lab status` and `lab down` can find.
  recordOwnerSync(lab.id);
  if (!keep) registerLab(lab);
  try {
    let t0 = performance.now();
    if (lab.topology === "docker-overlay") {
      const { h1, h2 } = await buildWire(lab);
      const ready = (): void => void (t0 = performance.now());
      lab.pairs = await buildDockerOverlay(
        lab,
        h1,
        h2,
        [`${WIRE_NET}.1`, `${WIRE_NET}.2`],
        pairs,
        keep,
        ready,
      );
    } else if (isDockerTopology(lab.topology))
      lab.pairs = await buildDockerPairs(lab, pairs, () => (t0 = performance.now()));
    else {
      const { h1, h2 } = await buildWire(lab);
      t0 = performance.now();
      lab.pairs = await buildPairs(lab, h1, h2, pairs);
    }
    Object.assign(lab, lab.pairs[0]);
    for (const p of lab.pairs) await waitForPing(clientPlace(p), p.serverAddr);
    // host mode builds no container: its figure is the wire's first ping.
    const perPair: Record<string, number> = {
      host: 0,
      bridge: 1,
      container: 1,
      none: 1,
      overlay: 2,
      macvlan: 2,
    };
    const containers = lab.containers?.length ?? (perPair[lab.topology] ?? 1) * pairs;
    lab.setupMs = (performance.now() - t0) / Math.max(1, containers);
    log.info({ lab: lab.id, topology, setupMs: lab.setupMs }, "lab up");
    return lab;
  } catch (e) {
    await labDown(lab);
    throw e;
  }
}

/** Deleting a namespace deletes its devices (and veth peers); idempotent. */
export async function labDown(lab: Removable): Promise<void> {
  if (lab.dockerNodes?.length) await stopNodes(lab.dockerNodes, lab.containers ?? []);
  else if (lab.containers?.length) await removeContainers(lab.containers);
  lab.containers = [];
  lab.dockerNodes = [];
  for (const ns of [...lab.namespaces].reverse()) {
    try {
      await ip(["netns", "del", ns]);
    } catch (e) {
      if (!/No such file|Invalid/i.test((e as Error).message))
        log.warn({ ns, err: (e as Error).message }, "netns delete failed");
    }
  }
  lab.namespaces = [];
  unregisterLab(lab);
}
