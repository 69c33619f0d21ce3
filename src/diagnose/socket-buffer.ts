import { SOCKET_BUFFER_FILES, type SocketBufferSysctls } from "../collectors/env-snapshot.js";

/** A socket buffer's size (bytes) and what decided it: a request, a sysctl, a default. */
export interface SocketBufferFigure {
  bytes: number;
  source: string;
}

/**
 * The smallest buffers the options set (include/net/sock.h: SOCK_MIN_RCVBUF is
 * TCP_SKB_MIN_TRUESIZE, 2 KB plus an aligned sk_buff; SOCK_MIN_SNDBUF twice that). 2304 and 4608
 * bytes as getsockopt reads them back after a 1-byte request on this 6.18 x86-64 kernel; they
 * move only with sizeof(struct sk_buff).
 */
const SOCK_MIN = { SO_RCVBUF: 2304, SO_SNDBUF: 4608 } as const;
/** The sysctl that caps each option's request. */
const CAP = { SO_RCVBUF: "rmemMax", SO_SNDBUF: "wmemMax" } as const;

/**
 * What setsockopt(option) with a benchmark's request (iperf3 -w) leaves on its socket (socket(7)):
 * the request capped at net.core.rmem_max / wmem_max, doubled for the kernel's bookkeeping, never
 * below the kernel's floor. Uncapped when the sysctls were not recorded.
 */
export function grantedSocketBuffer(
  asked: number,
  option: keyof typeof SOCK_MIN,
  sysctls: SocketBufferSysctls | undefined,
): SocketBufferFigure {
  const cap = CAP[option];
  const capped = Math.min(asked, sysctls?.[cap] ?? asked);
  const cappedBy = capped < asked ? ` capped at net.core.${SOCKET_BUFFER_FILES[cap]} ${capped}` : "";
  return {
    bytes: Math.max(2 * capped, SOCK_MIN[option]),
    source: `iperf3 -w ${asked}${cappedBy}, doubled by the kernel`,
  };
}
