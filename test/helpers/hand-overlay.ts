import { execFileSync } from "node:child_process";

/**
 * A VXLAN overlay built by hand with `ip`, the way a user builds one (not with the project's lab
 * code): hosts h1 and h2 joined by a veth "wire", a VXLAN device and a bridge on each host, and a
 * container namespace on each bridge. Container addresses 10.<net>.0.1 and .2, MTU 1450.
 */
export interface HandOverlay {
  prefix: string;
  c1: string;
  c2: string;
  h1: string;
  h2: string;
  serverAddr: string;
  down: () => void;
}

const ip = (...args: string[]): void => {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
};

export function handOverlay(prefix: string, net = 97): HandOverlay {
  const ns = (n: string): string => `${prefix}-${n}`;
  const down = (): void => {
    for (const n of ["h1", "h2", "c1", "c2"]) {
      try {
        ip("netns", "del", ns(n));
      } catch {
        // not there
      }
    }
  };
  down();
  try {
    for (const n of ["h1", "h2", "c1", "c2"]) {
      ip("netns", "add", ns(n));
      ip("-n", ns(n), "link", "set", "lo", "up");
    }
    ip(
      "link",
      "add",
      `${prefix}w1`,
      "netns",
      ns("h1"),
      "type",
      "veth",
      "peer",
      "name",
      `${prefix}w2`,
      "netns",
      ns("h2"),
    );
    for (const i of [1, 2]) {
      const h = ns(`h${i}`);
      const c = ns(`c${i}`);
      ip("-n", h, "link", "set", `${prefix}w${i}`, "name", "wire0");
      ip("-n", h, "addr", "add", `192.168.${net}.${i}/24`, "dev", "wire0");
      ip("-n", h, "link", "set", "wire0", "up");
      ip(
        "-n",
        h,
        "link",
        "add",
        "vx0",
        "type",
        "vxlan",
        "id",
        "42",
        "dstport",
        "4789",
        "local",
        `192.168.${net}.${i}`,
        "remote",
        `192.168.${net}.${3 - i}`,
        "dev",
        "wire0",
      );
      ip("-n", h, "link", "add", "br0", "type", "bridge");
      ip("-n", h, "link", "set", "vx0", "master", "br0");
      ip(
        "link",
        "add",
        `${prefix}v${i}`,
        "netns",
        h,
        "type",
        "veth",
        "peer",
        "name",
        `${prefix}e${i}`,
        "netns",
        c,
      );
      ip("-n", h, "link", "set", `${prefix}v${i}`, "master", "br0");
      ip("-n", c, "link", "set", `${prefix}e${i}`, "name", "eth0");
      ip("-n", c, "addr", "add", `10.${net}.0.${i}/24`, "dev", "eth0");
      ip("-n", c, "link", "set", "eth0", "mtu", "1450");
      for (const d of ["vx0", "br0", `${prefix}v${i}`]) ip("-n", h, "link", "set", d, "up");
      ip("-n", c, "link", "set", "eth0", "up");
    }
  } catch (e) {
    down();
    throw e;
  }
  return {
    prefix,
    c1: ns("c1"),
    c2: ns("c2"),
    h1: ns("h1"),
    h2: ns("h2"),
    serverAddr: `10.${net}.0.2`,
    down,
  };
}

/** `ip netns exec C1 iperf3 -c SERVER -p PORT -u -b RATE -l LEN -t SECONDS`: a UDP client in c1. */
export function udpClientArgv(
  ov: HandOverlay,
  port: number,
  rate: string,
  length: number,
  seconds: number,
): string[] {
  return [
    "ip",
    "netns",
    "exec",
    ov.c1,
    "iperf3",
    "-c",
    ov.serverAddr,
    "-p",
    String(port),
    "-u",
    "-b",
    rate,
    "-l",
    String(length),
    "-t",
    String(seconds),
  ];
}
