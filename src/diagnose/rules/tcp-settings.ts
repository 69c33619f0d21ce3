import { TCP_SETTINGS, type TcpSetting } from "../../collectors/env-snapshot.js";
import { confidenceOf } from "../noise.js";
import { num, type Evidence } from "../finding.js";
import { nsKey } from "../netns-key.js";
import type { RunFigures } from "../run-figures.js";
import { costChange } from "../verdict.js";
import type { Rule } from "./rule.js";

/** How each setting changes what a connection sends: the mechanism a differing value brings. */
const MECHANISM: Record<TcpSetting, string> = {
  "net.ipv4.tcp_congestion_control":
    "the congestion control decides how much a sender keeps in flight and when it sends: BBR paces every segment by a timer at the bandwidth it estimates, CUBIC and Reno send as acknowledgements free the window — on one path they reach different rates at different costs",
  "net.ipv4.tcp_window_scaling":
    "without window scaling (both ends must allow it) a receiver advertises at most 64 KB, so the sender waits for acknowledgements after every 64 KB in flight",
  "net.ipv4.tcp_moderate_rcvbuf":
    "with receive-buffer autotuning off a connection keeps the buffer it started with (tcp_rmem's default), so its window never grows",
  "net.ipv4.tcp_sack":
    "without selective acknowledgements a lost segment makes the sender resend what followed it as well",
  "net.ipv4.tcp_timestamps":
    "timestamps give every segment a round-trip sample and guard large windows against wrapped sequence numbers, for 12 bytes of every segment",
  "net.ipv4.tcp_ecn":
    "with ECN a congested queue marks segments instead of dropping them, and the sender slows down without a loss",
  "net.ipv4.tcp_autocorking":
    "autocorking holds small writes back while earlier segments wait below the socket, sending fewer, fuller segments",
  "net.ipv4.tcp_limit_output_bytes":
    "TCP small queues: the most one flow may have below its socket (qdisc, device) at once; a small limit makes the sender wait for transmit completions",
  "net.ipv4.tcp_notsent_lowat":
    "the unsent data a socket holds before its writer waits: a lower mark means more, smaller writes and wake-ups",
  "net.ipv4.tcp_mtu_probing":
    "path MTU probing changes the segment size a connection uses after probing the path",
  "net.ipv4.tcp_slow_start_after_idle":
    "a connection idle for longer than its retransmission timeout starts again from a small window: request/response traffic pays it",
};

/** Each namespace's settings by its key across runs (a lab's id left out). */
function settingsByNetns(f: RunFigures): Map<string, Record<string, string>> {
  return new Map(f.tcpSettings.map((n) => [nsKey(f, n), n.settings]));
}

/**
 * TCP settings (per-namespace sysctls) that differ between the runs in a namespace where both
 * runs' TCP connections ended, with the TCP flow changed beyond noise: its rate, or its CPU per
 * KB where the rate held. Congestion control, window scaling, autotuning and the rest set what a
 * connection keeps in flight and when it sends, in either direction, so the finding explains
 * whichever side the verdict found slower. A congestion control the benchmark asked for on both
 * sides (iperf3 -C) is the socket's, not the sysctl's. Identical runs never differ in a setting.
 */
export const tcpSettingsChanged: Rule = {
  code: "TCP_SETTINGS_CHANGED",
  twoSided: true,
  evaluate({ b, s, gap, costRise }) {
    if (b.protocol !== "tcp" || s.protocol !== "tcp") return undefined;
    const effect = gap !== 0 ? Math.sign(gap) : costRise !== 0 ? Math.sign(costRise) : 0;
    if (effect === 0) return undefined;
    const asked =
      b.benchmarkSettings?.congestion !== undefined && s.benchmarkSettings?.congestion !== undefined;
    const before = settingsByNetns(b);
    const changed: Evidence[] = [];
    const settings = new Set<TcpSetting>();
    for (const [k, now] of settingsByNetns(s)) {
      const was = before.get(k);
      if (!was) continue;
      for (const name of TCP_SETTINGS) {
        if (asked && name === "net.ipv4.tcp_congestion_control") continue;
        const [p, q] = [was[name], now[name]];
        if (p === undefined || q === undefined || p === q) continue;
        settings.add(name);
        changed.push({
          what: `${name} in ${k}`,
          baseline: p,
          subject: q,
          source: "environment snapshot (/proc/sys)",
        });
      }
    }
    if (changed.length === 0) return undefined;
    const moved =
      gap !== 0
        ? `throughput ${gap > 0 ? "fell" : "rose"} by ${Math.abs(gap * 100).toFixed(0)}%`
        : `CPU per KB ${costRise > 0 ? "rose" : "fell"} by ${Math.abs(costRise * 100).toFixed(0)}%`;
    return {
      code: this.code,
      title: `TCP settings differ where the connections ended (${changed
        .slice(0, 3)
        .map((e) => `${e.what} ${e.baseline} → ${e.subject}`)
        .join(", ")}), and ${moved}`,
      mechanism: [...settings]
        .slice(0, 2)
        .map((n) => MECHANISM[n])
        .join("; "),
      confidence: gap !== 0 ? "medium" : confidenceOf(costChange(b, s, false).z),
      // A setting explains whichever side ran slower: the subject when it fell behind, the baseline when it led.
      ...(effect < 0 ? { slowed: "baseline" as const } : {}),
      evidence: [
        ...changed.slice(0, 6),
        {
          what: "throughput (Mbit/s)",
          baseline: num(b.bitsPerSecond / 1e6, 1),
          subject: num(s.bitsPerSecond / 1e6, 1),
          source: s.rateSource,
        },
        {
          what: "CPU µs per KB",
          baseline: num(b.cpuUsPerKB, 2),
          subject: num(s.cpuUsPerKB, 2),
          source: "/proc/stat busy time less steal ÷ KB",
        },
      ],
    };
  },
};
