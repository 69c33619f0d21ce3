/**
 * Loopback is the benchmark's path only when it carried the benchmark: client and server in one
 * namespace (Docker's none and container modes), which shows as no other device carrying a
 * hundredth of loopback's packets. Otherwise a busy loopback beside the real path (a local
 * exporter, a benchmark's control channel) is not the path.
 */
export function loopbackIsPath(loopbackPackets: number, busiestOtherPackets: number): boolean {
  return loopbackPackets > 0 && busiestOtherPackets < loopbackPackets / 100;
}
