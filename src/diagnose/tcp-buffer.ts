import { requestedSocketBuffer } from "../benchmarks/benchmark-report.js";
import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import type { RunSnapshot } from "../run/run-file.js";

/**
 * The socket buffer a run's TCP connections could grow to at most (bytes), and what set it. A
 * receiver advertises no more window than its receive buffer holds, a sender queues no more
 * unacknowledged data than its send buffer holds, so a flow at its buffer waits a round trip for
 * acknowledgements however fast the path is. A listener opened before tcp_rmem was lowered hands
 * its connections the buffer it was opened with: the bound then holds for new listeners only.
 */
export interface TcpBufferFigure {
  bytes: number;
  /** Where the figure came from: the benchmark's request, or a namespace's sysctl. */
  source: string;
}

/**
 * A namespace took part in the run's TCP when it received at least this share of the busiest
 * namespace's segments: both ends of a bulk flow receive (data one way, an ACK for every second
 * segment the other), while a namespace with a stray connection (an SSH session) receives far less.
 */
const ENDPOINT_SHARE = 0.01;

/** Namespaces (by inode) where the run's TCP connections ended: TCP segments received over the run. */
function tcpEndpoints(snapshots: readonly RunSnapshot[]): Set<number> {
  const inSegs = new Map<number, number>();
  for (const s of snapshots)
    for (const c of s.counters)
      if (c.probe === "snmp" && c.attributes.protocol === "Tcp" && c.metric === "InSegs") {
        const ns = Number(c.attributes.netns);
        inSegs.set(ns, (inSegs.get(ns) ?? 0) + c.value);
      }
  const busiest = Math.max(0, ...inSegs.values());
  return new Set([...inSegs].filter(([, n]) => n > 0 && n >= busiest * ENDPOINT_SHARE).map(([ns]) => ns));
}

/**
 * The tighter buffer of the run's TCP connections. A benchmark that asks (iperf3 -w, which its
 * server applies too) fixes both buffers at the request capped at net.core.{r,w}mem_max, doubled by
 * the kernel, and stops autotuning; otherwise autotuning grows them up to tcp_rmem / tcp_wmem's
 * max in the namespaces where the connections end. Which end receives is not known from the
 * counters, so both ends' receive and send maxima count: the smallest is the bound.
 */
export function tcpBuffer(
  argv: readonly string[] | undefined,
  environment: { start: EnvSnapshot; stop?: EnvSnapshot | undefined } | undefined,
  snapshots: readonly RunSnapshot[],
): TcpBufferFigure | undefined {
  const env = environment?.start;
  const asked = argv ? requestedSocketBuffer(argv) : undefined;
  if (asked !== undefined) {
    const core = env?.socketBuffers;
    const max = core ? Math.min(core.rmemMax, core.wmemMax) : asked;
    const capped = Math.min(asked, max);
    return {
      bytes: 2 * capped,
      source: `iperf3 -w ${asked}${capped < asked ? ` capped at net.core.{r,w}mem_max ${capped}` : ""}, doubled by the kernel`,
    };
  }
  const ends = tcpEndpoints(snapshots);
  // As the run began; a namespace first read at stop (quiet at start on a crowded host) as then.
  const netns = new Map(
    [...(environment?.stop?.netns ?? []), ...(env?.netns ?? [])].map((n) => [n.inode, n]),
  );
  let best: TcpBufferFigure | undefined;
  for (const n of netns.values()) {
    if (!ends.has(n.inode) || !n.tcpBuffers) continue;
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
