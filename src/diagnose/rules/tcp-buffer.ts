import { num } from "../finding.js";
import type { Rule } from "./rule.js";

/**
 * A TCP flow held to its buffers: the subject's connections could buffer less than the baseline's
 * (a smaller tcp_rmem / tcp_wmem maximum where they end, or a smaller iperf3 -w), and the subject
 * is slower. A flow whose window is full waits a round trip for acknowledgements
 * however idle the CPUs and the path are, so no cost or drop figure shows it; the configuration
 * does. Identical runs never differ in it, nor do two topologies on one host unless it was tuned.
 */
export const tcpBufferLimit: Rule = {
  code: "TCP_BUFFER_LIMIT",
  evaluate({ b, s, gap }) {
    if (s.protocol !== "tcp" || b.protocol !== "tcp" || gap <= 0) return undefined;
    const [tb, ts] = [b.tcpBuffer, s.tcpBuffer];
    if (!tb || !ts || ts.bytes >= tb.bytes) return undefined;
    return {
      code: this.code,
      title: `the subject's TCP connections had at most ${ts.bytes} B of socket buffer (${ts.source}), the baseline's ${tb.bytes} B (${tb.source})`,
      mechanism:
        "a TCP receiver advertises no more window than its receive buffer holds, and a sender queues no more unacknowledged data than its send buffer holds: a flow at its buffer waits for acknowledgements while CPUs and path idle",
      confidence: "medium",
      // When the window binds, the buffer sets the subject's rate: the baseline, with the same
      // path and round trip and a larger buffer, was not held there.
      explains: 1,
      evidence: [
        {
          what: "TCP socket buffer bound (bytes)",
          baseline: `${tb.bytes} (${tb.source})`,
          subject: `${ts.bytes} (${ts.source})`,
          source:
            "the benchmark's command line; environment snapshot (net.ipv4.tcp_rmem, tcp_wmem per namespace)",
        },
        {
          what: "throughput (Mbit/s)",
          baseline: num(b.bitsPerSecond / 1e6, 1),
          subject: num(s.bitsPerSecond / 1e6, 1),
          source: s.rateSource,
        },
      ],
    };
  },
};
