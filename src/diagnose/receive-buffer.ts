import { requestedSocketBuffer } from "../benchmarks/benchmark-report.js";
import type { SocketBufferSysctls } from "../collectors/env-snapshot.js";
import { grantedSocketBuffer, type SocketBufferFigure } from "./socket-buffer.js";

/**
 * Linux's default socket receive buffer (net.core.rmem_default, 212 992 bytes unless tuned): what
 * a run recorded before the sysctls were kept is taken to have had.
 */
const KERNEL_DEFAULT_RCVBUF = 212_992;

/**
 * The receive buffer the benchmark's UDP sockets had (sk_rcvbuf). A benchmark that asks (iperf3
 * -w, sent to its server too) gets its request capped at net.core.rmem_max and doubled for the
 * kernel's bookkeeping (socket(7), SO_RCVBUF); one that does not gets net.core.rmem_default,
 * host-wide.
 */
export function receiveBuffer(
  argv: readonly string[] | undefined,
  sysctls: SocketBufferSysctls | undefined,
): SocketBufferFigure {
  const asked = argv ? requestedSocketBuffer(argv) : undefined;
  if (asked !== undefined) return grantedSocketBuffer(asked, "SO_RCVBUF", sysctls);
  return sysctls
    ? { bytes: sysctls.rmemDefault, source: "net.core.rmem_default" }
    : { bytes: KERNEL_DEFAULT_RCVBUF, source: "the kernel's default (net.core.rmem_default not recorded)" };
}
