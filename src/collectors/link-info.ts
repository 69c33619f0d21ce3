export type DeviceKind = "veth" | "bridge" | "vxlan" | "macvlan" | "loopback" | "physical" | "tun" | "other";

/** A device's place in the topology: what it is and what it is attached to. */
export interface LinkInfo {
  ifindex: number;
  name: string;
  kind: DeviceKind;
  /** The raw rtnetlink kind ("veth", "vxlan", "dummy"…); undefined for physical NICs and lo. */
  rawKind?: string;
  mtu: number;
  up: boolean;
  master?: string;
  /** veth peer / macvlan lower device: its ifindex and, when in another netns, that netns id. */
  link?: { ifindex: number; netnsid?: number; name?: string };
  vxlan?: { vni: number; port: number; underlay?: string; local?: string; remote?: string };
}

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  flags?: string[];
  operstate?: string;
  link_type?: string;
  master?: string;
  link?: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

function kindOf(l: IpLink): DeviceKind {
  const k = l.linkinfo?.info_kind;
  if (l.link_type === "loopback") return "loopback";
  if (k === "veth" || k === "bridge" || k === "vxlan" || k === "macvlan" || k === "tun") return k;
  if (k === undefined && l.link_type === "ether") return "physical";
  return "other";
}

/** Parses `ip -j -d link show` output (iproute2 ≥ 4.13). */
export function parseIpLinkJson(text: string): LinkInfo[] {
  const links = JSON.parse(text) as IpLink[];
  return links.map((l) => {
    const info: LinkInfo = {
      ifindex: l.ifindex,
      name: l.ifname,
      kind: kindOf(l),
      mtu: l.mtu,
      up: (l.flags ?? []).includes("UP"),
    };
    if (l.linkinfo?.info_kind) info.rawKind = l.linkinfo.info_kind;
    if (l.master) info.master = l.master;
    if (l.link_index !== undefined || l.link !== undefined) {
      const link: NonNullable<LinkInfo["link"]> = { ifindex: l.link_index ?? 0 };
      if (l.link_netnsid !== undefined) link.netnsid = l.link_netnsid;
      if (l.link !== undefined && l.link !== null) link.name = l.link;
      info.link = link;
    }
    if (info.kind === "vxlan") {
      const d = l.linkinfo?.info_data ?? {};
      const vx: NonNullable<LinkInfo["vxlan"]> = { vni: Number(d.id ?? 0), port: Number(d.port ?? 0) };
      if (typeof d.link === "string") vx.underlay = d.link;
      if (typeof d.local === "string") vx.local = d.local;
      if (typeof d.remote === "string") vx.remote = d.remote;
      info.vxlan = vx;
    }
    return info;
  });
}
