import { readFile } from "node:fs/promises";
import { ProfilerApi } from "../../client/api.js";
import { connect } from "../../client/client.js";
import type { HostEndpoint } from "../../client/multi-host-recorder.js";
import { invalidArgument } from "../../util/errors.js";

export interface HostsFlags {
  hosts: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  tokenFile?: string;
}

const NAME = /^[A-Za-z0-9._-]{1,32}$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const UNIX = /^unix:\/\/\/[A-Za-z0-9._/-]+$/;

/** `sender=10.0.0.1:7420,10.0.0.2:7420,unix:///run/x.sock` → names and addresses. */
export function parseHostList(list: string): Array<{ name: string; address: string }> {
  const out = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.indexOf("=");
      const name = eq > 0 ? item.slice(0, eq) : item;
      const address = eq > 0 ? item.slice(eq + 1) : item;
      if (eq > 0 && !NAME.test(name))
        throw invalidArgument("--hosts", `host name '${name}' must match [A-Za-z0-9._-]{1,32}`);
      if (!HOST_PORT.test(address) && !UNIX.test(address))
        throw invalidArgument("--hosts", `'${address}' is not host:port or unix:///path`);
      return { name, address };
    });
  if (out.length === 0) throw invalidArgument("--hosts", "name at least one daemon (host:port)");
  const names = new Set(out.map((h) => h.name));
  if (names.size !== out.length) throw invalidArgument("--hosts", "each host must appear once");
  return out;
}

/** Connects to every daemon: TLS from files, or plaintext TCP only with --insecure. */
export async function connectHosts(flags: HostsFlags): Promise<HostEndpoint[]> {
  const hosts = parseHostList(flags.hosts);
  const tlsGiven = Boolean(flags.tlsCa || flags.tlsCert || flags.tlsKey);
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
    throw invalidArgument("--tls-cert", "--tls-cert and --tls-key go together");
  if (!tlsGiven && !flags.insecure && hosts.some((h) => !h.address.startsWith("unix://")))
    throw invalidArgument(
      "--hosts",
      "TCP needs --tls-ca (and --tls-cert/--tls-key for client certificates), or --insecure for plaintext",
    );
  const read = async (f: string | undefined, flag: string): Promise<Buffer | undefined> => {
    if (!f) return undefined;
    try {
      return await readFile(f);
    } catch (e) {
      throw invalidArgument(flag, `cannot read ${f}: ${(e as Error).message}`);
    }
  };
  const tls = tlsGiven
    ? {
        ca: await read(flags.tlsCa, "--tls-ca"),
        cert: await read(flags.tlsCert, "--tls-cert"),
        key: await read(flags.tlsKey, "--tls-key"),
      }
    : undefined;
  const token = flags.tokenFile ? (await readFile(flags.tokenFile, "utf8")).trim() : undefined;
  return hosts.map((h) => {
    const unix = h.address.startsWith("unix://");
    const client = connect({
      address: h.address,
      ...(tls && !unix ? { tls: pruned(tls) } : {}),
    });
    return { ...h, api: new ProfilerApi(client, token) };
  });
}

function pruned(t: { ca?: Buffer; cert?: Buffer; key?: Buffer }): {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
} {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined));
}
