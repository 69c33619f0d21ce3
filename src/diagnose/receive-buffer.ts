import { requestedSocketBuffer } from "../benchmarks/benchmark-report.js";
import type { SocketBufferSysctls } from "../collectors/env-snapshot.js";

/**
 * Linux's default socket receive buffer (net.core.rmem_default, 212 992 bytes unless tuned): what
 * a run recorded before the sysctls were kept is taken to have had.
 */
const KERNEL_DEFAULT_RCVBUF = 212_992;

/**
 * The smallest receive buffer SO_RCVBUF can set (SOCK_MIN_RCVBUF: twice 2 KB plus an sk_buff's
 * size, ~4.5 KB on 64-bit kernels), so that two tiny requests compare as the kernel treats them.
 */
const SOCK_MIN_RCVBUF = 4608;

/** A UDP socket's receive buffer as the kernel set it (sk_rcvbuf, bytes), and what decided it. */
export interface ReceiveBuffer {
  bytes: number;
  source: string;
}

/**
 * The receive buffer the benchmark's UDP sockets had. A benchmark that asks (iperf3 -w, sent to its
 * server too) gets its request capped at net.core.rmem_max and doubled for the kernel's bookkeeping
 * (socket(7), SO_RCVBUF); one that does not gets net.core.rmem_default, host-wide.
 */
export function receiveBuffer(
  argv: readonly string[] | undefined,
  sysctls: SocketBufferSysctls | undefined,
): ReceiveBuffer {
  const asked = argv ? requestedSocketBuffer(argv) : undefined;
  if (asked !== undefined) {
    const capped = Math.min(asked, sysctls?.rmemMax ?? asked);
    return {
      bytes: Math.max(2 * capped, SOCK_MIN_RCVBUF),
      source: `iperf3 -w ${asked}${capped < asked ? ` capped at net.core.rmem_max ${capped}` : ""}, doubled by the kernel`,
    };
  }
  return sysctls
    ? { bytes: sysctls.rmemDefault, source: "net.core.rmem_default" }
    : { bytes: KERNEL_DEFAULT_RCVBUF, source: "the kernel's default (net.core.rmem_default not recorded)" };
}
