import { confidenceOf, fractionRatioChange, LOSS_RUN_TO_RUN_LOG_SD, type IntervalCounts } from "../noise.js";
import { pct } from "../finding.js";
import { countedLoss, lostPackets, type RunFigures } from "../run-figures.js";
import { heldBackDrops } from "./qdisc-limit.js";
import { conntrackLoss } from "./conntrack-pressure.js";
import { explainedShare, type Rule } from "./rule.js";

/** A loss worth naming: one packet in a hundred more than the baseline lost. */
export const MIN_LOSS_DELTA = 0.01;

/**
 * More packets lost on the path, per packet, than in the baseline: by drop reason where the drops
 * probe ran, by device and socket-buffer counters otherwise. A/A pairs lose alike and say nothing.
 */
export const packetLoss: Rule = {
  code: "PACKET_LOSS",
  // A full socket buffer in an A/A pair of sockperf under-load runs (the shared host stalled the
  // baseline's server: 750 of 60 000 messages lost, its round trips longer) was named as the cause
  // of the longer round trips: the loss and the delay had one cause, the reader falling behind.
  takesPacketsAway: true,
  evaluate(ctx) {
    const { b, s } = ctx;
    if (!b.packets || !s.packets) return undefined;
    // Packets dropped by a qdisc that held the subject's packets back are that qdisc's, and
    // QDISC_LIMIT names them with its drops: a tbf on the underlay dropped 334 394 of a UDP flood's
    // 415 257 datagrams, and this rule ranked above it with the same packets. So are the packets a
    // connection-tracking table under pressure refused, where CONNTRACK_PRESSURE is named. The rest
    // is tested here.
    const atQdisc = heldBackDrops(b, s);
    const atConntrack = conntrackLoss(ctx);
    const lb = Math.max(0, lostPackets(b) - atQdisc.base - atConntrack.base);
    const ls = Math.max(0, lostPackets(s) - atQdisc.subj - atConntrack.subj);
    // The per-interval series holds the counters' drops: it describes a run's loss only where the
    // counters saw it, not a loss the benchmark alone counted (its report has no per-interval loss).
    const intervalsOf = (f: RunFigures, lost: number): IntervalCounts | undefined =>
      countedLoss(f) >= lost ? f.lossSeries : undefined;
    const base = { events: lb, trials: lb + b.packets, intervals: intervalsOf(b, lb) };
    const subj = { events: ls, trials: ls + s.packets, intervals: intervalsOf(s, ls) };
    // Loss comes in bursts (a socket buffer overflows for a moment, then drains) and its level moves
    // by a factor between identical runs: both count in each run's error (measured when repeats exist).
    const c = fractionRatioChange(
      { ...base, levels: b.repeats.lossFraction },
      { ...subj, levels: s.repeats.lossFraction },
      MIN_LOSS_DELTA,
      LOSS_RUN_TO_RUN_LOG_SD,
    );
    const rcvbuf =
      s.udpRcvbufErrors / (s.packets + ls) - b.udpRcvbufErrors / (b.packets + lb) >= MIN_LOSS_DELTA;
    // A smaller receive buffer in the subject (its benchmark asked for one, or the host's default
    // was lowered), with the rise in full receive buffers, is the mechanism in the evidence: the
    // rise then need only stand out from the runs' own intervals, as a rate difference within what
    // identical runs differ by counts when a mechanism shows up with it (compareSides). Identical
    // runs never differ in their command line or sysctls.
    const smaller = rcvbuf && s.receiveBuffer.bytes < b.receiveBuffer.bytes;
    const backed = smaller ? fractionRatioChange(base, subj, MIN_LOSS_DELTA, 0) : undefined;
    // Loss where no counter looked (the benchmark counted it; no device, socket or UDP counter
    // did): a netfilter rule, a tunnel endpoint. Identical runs lose in the same places — in A/A
    // pairs the benchmark's count matched the socket counters' to the datagram — so loss appearing
    // there is a change of place, tested on its own: the whole fraction's run-to-run factor, which
    // a baseline's queue-overflow loss brings (0.2-1.0% in identical overlay runs), would hide a
    // 5% drop behind a 0.7% baseline.
    const unseenOf = (f: RunFigures, lost: number): number => Math.max(0, lost - countedLoss(f));
    const elsewhere = fractionRatioChange(
      { events: unseenOf(b, lb), trials: lb + b.packets },
      { events: unseenOf(s, ls), trials: ls + s.packets },
      MIN_LOSS_DELTA,
      LOSS_RUN_TO_RUN_LOG_SD,
    );
    const found = [c, backed, elsewhere].find((x) => x?.material && x.delta > 0);
    if (!found) return undefined;
    const reasons = [...s.dropReasons]
      .map(([r, n]) => ({ r, n, before: b.dropReasons.get(r) ?? 0 }))
      .filter((x) => x.n > x.before)
      .sort((x, y) => y.n - y.before - (x.n - x.before));
    const explains = explainedShare(found.delta, ctx);
    // UDP's memory for all sockets together (net.ipv4.udp_mem) ran out: Udp.MemErrors, not a full buffer.
    const memErrors = (s.snmp.get("Udp.MemErrors") ?? 0) - (b.snmp.get("Udp.MemErrors") ?? 0);
    const udpMemory = !rcvbuf && memErrors / (s.packets + ls) >= MIN_LOSS_DELTA;
    // Most of the rise where no counter looked: not a device, not a socket (a netfilter rule, a
    // tunnel endpoint). Where the drops probe ran, its reasons would have counted it.
    const unseen = unseenOf(s, ls) - unseenOf(b, lb);
    const uncounted = !reasons[0] && !rcvbuf && !udpMemory && unseen > (ls - lb) / 2;
    return {
      code: this.code,
      title: `the subject lost ${pct(c.p2)} of its packets, the baseline ${pct(c.p1)}${reasons[0] ? `; most for ${reasons[0].r}` : rcvbuf ? "; most in full socket receive buffers" : udpMemory ? "; most for UDP's memory limit (Udp.MemErrors)" : uncounted ? "; most where no device, socket or UDP counter saw it (the benchmark's own count)" : ""}${smaller ? `; its sockets had a ${s.receiveBuffer.bytes} B receive buffer, the baseline's ${b.receiveBuffer.bytes} B` : ""}`,
      mechanism: smaller
        ? `the receiving socket's buffer overflows when the application reads slower than packets arrive, and the subject's was smaller (${s.receiveBuffer.source}), so it overflows sooner`
        : rcvbuf
          ? "the receiving socket's buffer overflows when the application reads slower than packets arrive (a small SO_RCVBUF makes it overflow sooner)"
          : udpMemory
            ? "UDP sockets together may hold no more queued datagrams than net.ipv4.udp_mem allows (pages, host-wide): beyond it every arriving datagram is dropped, whatever each socket's own buffer"
            : uncounted
              ? "the packets were dropped on the path where no device or socket counter looks (a netfilter rule drops without counting in them; so may a tunnel endpoint or routing): the drops probe (add `drops` to --probes) records the kernel's reason and the dropping function"
              : "every dropped packet was paid for on the path and never delivered",
      confidence: confidenceOf(found.z),
      ...(explains !== undefined ? { explains } : {}),
      evidence: [
        {
          what: "lost / delivered packets",
          baseline: `${Math.round(lb)} / ${b.packets}`,
          subject: `${Math.round(ls)} / ${s.packets}`,
          source: `drops counters; ${s.packetsSource}`,
        },
        ...(s.benchmarkLost > 0 || b.benchmarkLost > 0
          ? [
              {
                what: "datagrams the benchmark counted lost / seen dropped by the counters",
                baseline: `${b.benchmarkLost} / ${Math.round(countedLoss(b))}`,
                subject: `${s.benchmarkLost} / ${Math.round(countedLoss(s))}`,
                source: `${s.packetsSource}; device, UDP and drops-probe counters`,
              },
            ]
          : []),
        ...(atQdisc.subj > 0
          ? [
              {
                what: "dropped by the qdisc that held packets back (QDISC_LIMIT's), not counted here",
                baseline: String(atQdisc.base),
                subject: String(atQdisc.subj),
                source: "tc -s qdisc at session start and stop",
              },
            ]
          : []),
        ...(atConntrack.subj > 0
          ? [
              {
                what: "dropped by connection tracking under pressure (CONNTRACK_PRESSURE's), not counted here",
                baseline: String(atConntrack.base),
                subject: String(atConntrack.subj),
                source: "/proc/<pid>/net/stat/nf_conntrack drop",
              },
            ]
          : []),
        ...reasons.slice(0, 4).map((x) => ({
          what: `drop reason ${x.r}`,
          baseline: String(x.before),
          subject: String(x.n),
          source: "drops probe (skb:kfree_skb)",
        })),
        ...(smaller
          ? [
              {
                what: "UDP socket receive buffer (bytes)",
                baseline: `${b.receiveBuffer.bytes} (${b.receiveBuffer.source})`,
                subject: `${s.receiveBuffer.bytes} (${s.receiveBuffer.source})`,
                source:
                  "the benchmark's command line; environment snapshot (net.core.rmem_default, rmem_max)",
              },
            ]
          : []),
        {
          what: "UDP datagrams dropped at their socket (of them: full receive buffers)",
          baseline: `${b.udpReceiveErrors} (${b.udpRcvbufErrors})`,
          subject: `${s.udpReceiveErrors} (${s.udpRcvbufErrors})`,
          source: "/proc/net/snmp Udp.InErrors (Udp.RcvbufErrors)",
        },
        ...(udpMemory
          ? [
              {
                what: "UDP datagrams dropped for UDP's memory limit",
                baseline: String(b.snmp.get("Udp.MemErrors") ?? 0),
                subject: String(s.snmp.get("Udp.MemErrors") ?? 0),
                source: "/proc/net/snmp Udp.MemErrors",
              },
            ]
          : []),
        ...s.deviceDrops.slice(0, 3).map((d) => ({
          what: `${d.netns}/${d.device} drops`,
          subject: d.drops.toFixed(0),
          source: "/proc/<pid>/net/dev",
        })),
      ],
    };
  },
};
