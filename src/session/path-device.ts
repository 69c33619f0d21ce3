/**
 * Loopback is the benchmark's path only when it carried the benchmark: client and server in one
 * namespace (Docker's none and container modes), which shows as no other device carrying a
 * hundredth of loopback's packets. Otherwise a busy loopback beside the real path (a local
 * exporter, a benchmark's control channel) is not the path.
 */
export function loopbackIsPath(loopbackPackets: number, busiestOtherPackets: number): boolean {
  return loopbackPackets > 0 && busiestOtherPackets < loopbackPackets / 100;
}

/**
 * The benchmark's path among per-device totals: the busiest device that is not loopback, or the
 * busiest loopback when loopbackIsPath says loopback carried the benchmark.
 */
export function pathDevice<T extends { device: string }>(
  totals: readonly T[],
  packets: (t: T) => number,
): T | undefined {
  const busiest = (loopback: boolean): T | undefined =>
    totals.filter((t) => (t.device === "lo") === loopback).sort((a, b) => packets(b) - packets(a))[0];
  const wire = busiest(false);
  const lo = busiest(true);
  return lo && loopbackIsPath(packets(lo), wire ? packets(wire) : 0) ? lo : wire;
}
