import { randomBytes } from "node:crypto";
import { OverlayscopeError } from "../util/errors.js";
import { componentLogger } from "../util/log.js";
import { ip, nsExec } from "./ip-command.js";
import { registerLab, unregisterLab } from "./teardown.js";

const log = componentLogger("lab");

/**
 * `none`: Docker's `--network none`, a container with loopback only, client and server inside it.
 * `container`: Docker's `--network container:FIRST`, a second container in a bridge-mode first
 * one's namespace: they talk over its loopback.
 */
export const TOPOLOGIES = ["host", "bridge", "overlay", "macvlan", "none", "container"] as const;
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

/** Where a benchmark runs: the client and server namespaces and the address the client dials. */
export interface Lab {
  id: string;
  topology: TopologyName;
  namespaces: string[];
  clientNs: string;
  serverNs: string;
  serverAddr: string;
  /** Devices along the path, for reports: [netns, device, kind]. */
  path: Array<{ netns: string; device: string; kind: string }>;
  /** Milliseconds from creating the container namespace until it answered a ping. */
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

/** Container namespace behind a bridge that a VXLAN device joins: Docker overlay / Flannel VXLAN. */
async function buildOverlaySide(lab: Lab, host: string, n: 1 | 2): Promise<string> {
  const c = `${lab.id}-c${n}`;
  await addNs(lab, c);
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
  await ip(["link", "add", "veth0", "netns", host, "type", "veth", "peer", "name", "eth0", "netns", c]);
  await ip(["link", "set", "veth0", "master", "br0"], host);
  // Every port of the bridge carries the VXLAN MTU, as Docker and Flannel configure it.
  await ip(["link", "set", "veth0", "mtu", "1450"], host);
  for (const d of ["br0", "vx0", "veth0"]) await ip(["link", "set", d, "up"], host);
  // VXLAN over IPv4 adds 50 bytes: the container MTU leaves room so nothing fragments.
  await ip(["link", "set", "eth0", "mtu", "1450", "up"], c);
  await ip(["addr", "add", `${OVERLAY_NET}.${n}/24`, "dev", "eth0"], c);
  lab.path.push(
    { netns: c, device: "eth0", kind: "veth" },
    { netns: host, device: "veth0", kind: "veth" },
    { netns: host, device: "br0", kind: "bridge" },
    { netns: host, device: "vx0", kind: "vxlan" },
  );
  return c;
}

const BRIDGE_NET = "10.205.0";

/** Docker's default bridge: container → veth → Linux bridge → NAT (masquerade) out of the host. */
async function buildBridgeSide(lab: Lab, host: string): Promise<string> {
  const c = `${lab.id}-c1`;
  await addNs(lab, c);
  await ip(["link", "add", "br0", "type", "bridge"], host);
  await ip(["addr", "add", `${BRIDGE_NET}.254/24`, "dev", "br0"], host);
  await ip(["link", "add", "veth0", "netns", host, "type", "veth", "peer", "name", "eth0", "netns", c]);
  await ip(["link", "set", "veth0", "master", "br0"], host);
  for (const d of ["br0", "veth0"]) await ip(["link", "set", d, "up"], host);
  await ip(["link", "set", "eth0", "up"], c);
  await ip(["addr", "add", `${BRIDGE_NET}.1/24`, "dev", "eth0"], c);
  await ip(["route", "add", "default", "via", `${BRIDGE_NET}.254`], c);
  await nsExec(host, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  try {
    await nsExec(host, [
      "nft",
      "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; } ; add rule ip nat post oifname wire0 masquerade",
    ]);
  } catch (e) {
    throw new OverlayscopeError(
      "UNSUPPORTED",
      `topology 'bridge' needs nftables NAT (install nftables; kernel nf_tables with masquerade): ${(e as Error).message}`,
    );
  }
  lab.path.push(
    { netns: c, device: "eth0", kind: "veth" },
    { netns: host, device: "veth0", kind: "veth" },
    { netns: host, device: "br0", kind: "bridge" },
  );
  return c;
}

async function buildMacvlanSide(lab: Lab, host: string, n: 1 | 2): Promise<string> {
  const c = `${lab.id}-c${n}`;
  await addNs(lab, c);
  await ip(["link", "add", "mv0", "link", "wire0", "type", "macvlan", "mode", "bridge"], host);
  await ip(["link", "set", "mv0", "netns", c], host);
  await ip(["link", "set", "mv0", "up"], c);
  await ip(["addr", "add", `${WIRE_NET}.${10 + n}/24`, "dev", "mv0"], c);
  lab.path.push({ netns: c, device: "mv0", kind: "macvlan" });
  return c;
}

async function waitForPing(from: string, addr: string, deadlineMs = 10_000): Promise<void> {
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

/** Builds a topology; on any failure everything created so far is removed before rethrowing. */
/**
 * `keep`: the lab outlives this process (for `lab up`); otherwise it is removed on any exit.
 */
export async function labUp(topology: string, id = newId(), keep = false): Promise<Lab> {
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
    path: [],
    setupMs: 0,
  };
  if (!keep) registerLab(lab);
  try {
    const { h1, h2 } = await buildWire(lab);
    if (lab.topology === "none" || lab.topology === "container") {
      const t0 = performance.now();
      let c = `${lab.id}-c1`;
      if (lab.topology === "container") c = await buildBridgeSide(lab, h1);
      else await addNs(lab, c);
      Object.assign(lab, { clientNs: c, serverNs: c, serverAddr: "127.0.0.1" });
      lab.path.unshift({ netns: c, device: "lo", kind: "loopback" });
      await waitForPing(c, lab.serverAddr);
      lab.setupMs = performance.now() - t0;
    } else if (lab.topology === "bridge") {
      const t0 = performance.now();
      const c1 = await buildBridgeSide(lab, h1);
      Object.assign(lab, { clientNs: c1, serverNs: h2, serverAddr: `${WIRE_NET}.2` });
      await waitForPing(c1, lab.serverAddr);
      lab.setupMs = performance.now() - t0;
    } else if (lab.topology === "host") {
      Object.assign(lab, { clientNs: h1, serverNs: h2, serverAddr: `${WIRE_NET}.2` });
      const t0 = performance.now();
      await waitForPing(h1, lab.serverAddr);
      lab.setupMs = performance.now() - t0;
    } else {
      const t0 = performance.now();
      const build = lab.topology === "overlay" ? buildOverlaySide : buildMacvlanSide;
      const c1 = await build(lab, h1, 1);
      const c2 = await build(lab, h2, 2);
      const addr = lab.topology === "overlay" ? `${OVERLAY_NET}.2` : `${WIRE_NET}.12`;
      Object.assign(lab, { clientNs: c1, serverNs: c2, serverAddr: addr });
      await waitForPing(c1, addr);
      lab.setupMs = (performance.now() - t0) / 2;
    }
    log.info({ lab: lab.id, topology, setupMs: lab.setupMs }, "lab up");
    return lab;
  } catch (e) {
    await labDown(lab);
    throw e;
  }
}

/** Deleting a namespace deletes its devices (and veth peers); idempotent. */
export async function labDown(lab: Lab): Promise<void> {
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
