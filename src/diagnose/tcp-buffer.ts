import { requestedSocketBuffer } from "../benchmarks/benchmark-report.js";
import type { EnvSnapshot, NetnsEnv } from "../collectors/env-snapshot.js";
import { grantedSocketBuffer, type SocketBufferFigure } from "./socket-buffer.js";

/**
 * A namespace took part in the run's TCP when it received at least this share of the busiest
 * namespace's segments: both ends of a bulk flow receive (data one way, an ACK for every second
 * segment the other), while a namespace with a stray connection (an SSH session) receives far less.
 */
const ENDPOINT_SHARE = 0.01;

/** Namespaces (by inode) where the run's TCP connections ended, from TCP segments received in each. */
function tcpEndpoints(receivedByNetns: ReadonlyMap<number, number>): Set<number> {
  const busiest = Math.max(0, ...receivedByNetns.values());
  return new Set(
    [...receivedByNetns].filter(([, n]) => n > 0 && n >= busiest * ENDPOINT_SHARE).map(([ns]) => ns),
  );
}

type RunEnvironment = { start: EnvSnapshot; stop?: EnvSnapshot | undefined } | undefined;

/**
 * The namespaces where the run's TCP connections ended, as the run began; a namespace first read
 * at stop (quiet at start on a crowded host) as then.
 */
export function tcpEndpointNamespaces(
  environment: RunEnvironment,
  /** Tcp.InSegs over the run per namespace inode. */
  tcpReceivedByNetns: ReadonlyMap<number, number>,
): NetnsEnv[] {
  const ends = tcpEndpoints(tcpReceivedByNetns);
  const netns = new Map(
    [...(environment?.stop?.netns ?? []), ...(environment?.start.netns ?? [])].map((n) => [n.inode, n]),
  );
  return [...netns.values()].filter((n) => ends.has(n.inode));
}

/**
 * The tighter socket buffer the run's TCP connections could grow to (bytes), and what set it. A
 * receiver advertises no more window than its receive buffer holds, a sender queues no more
 * unacknowledged data than its send buffer holds, so a flow at its buffer waits a round trip for
 * acknowledgements however fast the path is. A benchmark that asks (iperf3 -w, which its
 * server applies too) fixes both buffers at the request capped at net.core.{r,w}mem_max, doubled by
 * the kernel, and stops autotuning; otherwise autotuning grows them up to tcp_rmem / tcp_wmem's
 * max in the namespaces where the connections end. Which end receives is not known from the
 * counters, so both ends' receive and send maxima count: the smallest is the bound. A listener
 * opened before tcp_rmem was lowered hands its connections the buffer it was opened with: the
 * bound then holds for new listeners only.
 */
export function tcpBuffer(
  argv: readonly string[] | undefined,
  environment: RunEnvironment,
  /** Tcp.InSegs over the run per namespace inode. */
  tcpReceivedByNetns: ReadonlyMap<number, number>,
): SocketBufferFigure | undefined {
  const env = environment?.start;
  const asked = argv ? requestedSocketBuffer(argv) : undefined;
  if (asked !== undefined) {
    const receive = grantedSocketBuffer(asked, "SO_RCVBUF", env?.socketBuffers);
    const send = grantedSocketBuffer(asked, "SO_SNDBUF", env?.socketBuffers);
    return send.bytes < receive.bytes ? send : receive;
  }
  let best: SocketBufferFigure | undefined;
  for (const n of tcpEndpointNamespaces(environment, tcpReceivedByNetns)) {
    if (!n.tcpBuffers) continue;
    const where = n.names[0] ?? String(n.inode);
    for (const [name, mem] of [
      ["tcp_rmem", n.tcpBuffers.rmem],
      ["tcp_wmem", n.tcpBuffers.wmem],
    ] as const)
      if (!best || mem.max < best.bytes)
        best = { bytes: mem.max, source: `net.ipv4.${name} max in ${where}` };
  }
  return best;
}
