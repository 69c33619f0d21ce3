import { spawnGuarded } from "../bpftrace/spawn-guarded.js";
import { OverlayscopeError } from "../util/errors.js";
import { nsExec, waitForListen } from "./ip-command.js";
import type { Lab } from "./topology.js";

export interface IperfOptions {
  protocol: "udp" | "tcp";
  /** Message (UDP datagram / TCP write) size in bytes. */
  length: number;
  seconds: number;
  parallel?: number;
  /** Offered UDP rate in bit/s; 0 = unlimited. */
  bitrate?: number;
  port?: number;
}

/** The benchmark's own figures, kept beside ours in every run. */
export interface IperfResult {
  protocol: "udp" | "tcp";
  length: number;
  seconds: number;
  bitsPerSecond: number;
  /** UDP: datagrams the client sent / the server received. TCP: estimated from bytes / length. */
  packetsSent: number;
  packetsReceived: number;
  lostPercent: number;
  raw: unknown;
}

export function parseIperfJson(text: string, opts: IperfOptions): IperfResult {
  const j = JSON.parse(text) as {
    error?: string;
    end?: {
      sum?: {
        seconds?: number;
        bits_per_second?: number;
        packets?: number;
        lost_packets?: number;
        lost_percent?: number;
      };
      sum_sent?: { bytes?: number; bits_per_second?: number; seconds?: number };
      sum_received?: { bytes?: number; bits_per_second?: number; seconds?: number };
    };
  };
  if (j.error) throw new OverlayscopeError("FAILED_PRECONDITION", `iperf3: ${j.error}`);
  const end = j.end ?? {};
  if (opts.protocol === "udp") {
    const s = end.sum ?? {};
    const sent = s.packets ?? 0;
    const lost = s.lost_packets ?? 0;
    return {
      protocol: "udp",
      length: opts.length,
      seconds: s.seconds ?? opts.seconds,
      bitsPerSecond: end.sum_received?.bits_per_second ?? s.bits_per_second ?? 0,
      packetsSent: sent,
      packetsReceived: sent - lost,
      lostPercent: s.lost_percent ?? 0,
      raw: j,
    };
  }
  const recv = end.sum_received ?? {};
  const sentBytes = end.sum_sent?.bytes ?? 0;
  return {
    protocol: "tcp",
    length: opts.length,
    seconds: recv.seconds ?? opts.seconds,
    bitsPerSecond: recv.bits_per_second ?? 0,
    packetsSent: Math.round(sentBytes / opts.length),
    packetsReceived: Math.round((recv.bytes ?? 0) / opts.length),
    lostPercent: 0,
    raw: j,
  };
}

/** Runs one iperf3 client→server measurement across a lab; the server lives exactly as long. */
export async function runIperf(lab: Lab, opts: IperfOptions): Promise<IperfResult> {
  const port = String(opts.port ?? 5201);
  const server = spawnGuarded("ip", ["netns", "exec", lab.serverNs, "iperf3", "-s", "-1", "-p", port], {
    stdio: "ignore",
  });
  try {
    await waitForListen(lab.serverNs, "tcp", Number(port));
    const args = [
      "iperf3",
      "-c",
      lab.serverAddr,
      "-p",
      port,
      "-t",
      String(opts.seconds),
      "-l",
      String(opts.length),
      "-J",
    ];
    if (opts.protocol === "udp") args.push("-u", "-b", String(opts.bitrate ?? 0));
    if ((opts.parallel ?? 1) > 1) args.push("-P", String(opts.parallel));
    let out: string;
    try {
      out = await nsExec(lab.clientNs, args, (opts.seconds + 30) * 1000);
    } catch (e) {
      // iperf3 -J prints its JSON (with the error) on stdout even when it fails.
      const stdout = ((e as { cause?: { stdout?: string } }).cause?.stdout ?? "").trim();
      if (stdout.startsWith("{")) return parseIperfJson(stdout, opts);
      throw e;
    }
    return parseIperfJson(out, opts);
  } finally {
    server.kill("SIGKILL");
  }
}
