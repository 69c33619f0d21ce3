import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import type { BenchmarkResult } from "../../src/benchmarks/benchmark-result.js";
import type { Diagnosis } from "../../src/diagnose/diagnose.js";
import { fractionRatioChange, type FractionSide } from "../../src/diagnose/noise.js";
import { MIN_LOSS_DELTA } from "../../src/diagnose/rules/packet-loss.js";
import { perPacket } from "../../src/diagnose/verdict.js";
import { waitForListen } from "../../src/lab/ip-command.js";
import { runCli } from "../helpers/cli.js";
import { startDaemon, type RunningDaemon } from "../helpers/daemon.js";
import { handOverlay, type HandOverlay } from "../helpers/hand-overlay.js";
import { kernelSkipReason, requireKernel } from "../helpers/kernel.js";
import { limitedCgroup } from "../helpers/cpu-limit.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startTracer } from "../helpers/tracer.js";

/**
 * `npm run scenarios` (root, about 7 minutes; part of scripts/test.sh, so of CI). Anything else on the machine (a type-check, a
 * package install) moves these pairs: the diagnosis then names it (CPU_COMPETITION), but the
 * scenario's expected verdict no longer holds.
 *
 * The diagnosis on pairs recorded the way users record: a plain `overlayscope run` around iperf3
 * through an overlay built by hand, once clean (baseline) and once with one cause injected
 * (subject). Each scenario asserts the verdict where the mechanism implies one, that the injected
 * cause is named, and that no cause outside the mechanism's own consequences is. A cause scenario
 * whose effect noise hid records more runs a side once, as the diagnosis advises (judge, below).
 */
let ov: HandOverlay | undefined;
let daemon: RunningDaemon | undefined;
const servers: ChildProcess[] = [];
// OVERLAYSCOPE_KEEP_RUNS=1 keeps the recorded pairs (outside the temp dirs removed at exit).
const dir =
  process.env.OVERLAYSCOPE_KEEP_RUNS === "1"
    ? mkdtempSync(join(tmpdir(), "overlayscope-scenario-runs-"))
    : tempDir("scenarios");
const PORT = 5340;
const HOST_PORT = 5341;
const SOCKPERF_PORT = 5342;
// Six seconds: at the default 19 Hz a run then holds a few hundred busy stack samples, enough to
// tell a 5-point share difference from sampling noise.
const SECONDS = "6";

const sh = (ns: string, script: string): void => {
  execFileSync("ip", ["netns", "exec", ns, "sh", "-c", script], { stdio: ["ignore", "ignore", "pipe"] });
};

before(async () => {
  if (kernelSkipReason()) return;
  ov = handOverlay("ossc", 93);
  servers.push(
    spawn("ip", ["netns", "exec", ov.c2, "iperf3", "-s", "-p", String(PORT)], { stdio: "ignore" }),
  );
  // The host path: the same two hosts talking over the wire, no overlay.
  servers.push(
    spawn("ip", ["netns", "exec", ov.h2, "iperf3", "-s", "-p", String(HOST_PORT)], { stdio: "ignore" }),
  );
  // A sockperf server for the latency scenarios (under-load: round trips at a fixed rate).
  servers.push(
    spawn(
      "ip",
      ["netns", "exec", ov.c2, "sockperf", "sr", "-i", ov.serverAddr, "-p", String(SOCKPERF_PORT)],
      {
        stdio: "ignore",
      },
    ),
  );
  await waitForListen(ov.c2, "tcp", PORT);
  await waitForListen(ov.h2, "tcp", HOST_PORT);
  await waitForListen(ov.c2, "udp", SOCKPERF_PORT);
  // One daemon for the suite, as a user's host has: each run attaches to it.
  daemon = await startDaemon();
  // A first run against a fresh daemon pays one-off costs inside its window (the daemon reads the
  // benchmark's ELF symbol tables for user stacks once): it is recorded and set aside.
  await record(client("overlay", "udp"));
  await record(client("overlay", "tcp"));
});

after(async () => {
  for (const s of servers) s.kill("SIGKILL");
  await daemon?.stop();
  ov?.down();
  // OVERLAYSCOPE_KEEP_RUNS=1 keeps the recorded pairs for a look with `overlayscope diagnose`.
  if (process.env.OVERLAYSCOPE_KEEP_RUNS === "1") console.log(`runs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

type Path = "overlay" | "host";
/** iperf3 (a stream), or sockperf under-load: UDP round trips at a fixed 10 000 messages/s. */
type Tool = "iperf3" | "sockperf-ul";
function client(
  path: Path,
  protocol: "udp" | "tcp",
  extra: string[] = [],
  wrap: string[] = [],
  tool: Tool = "iperf3",
): string[] {
  const [ns, addr, port] =
    path === "overlay" ? [ov!.c1, ov!.serverAddr, PORT] : [ov!.h1, "192.168.93.2", HOST_PORT];
  const benchmark =
    tool === "sockperf-ul"
      ? ["sockperf", "ul", "-i", addr, "-p", String(SOCKPERF_PORT), "-t", SECONDS, "--mps", "10000"]
      : [
          "iperf3",
          "-c",
          addr,
          "-p",
          String(port),
          "-t",
          SECONDS,
          ...(protocol === "udp" ? ["-u", "-b", "0", "-l", "64"] : []),
        ];
  return ["ip", "netns", "exec", ns, ...wrap, ...benchmark, ...extra];
}

let n = 0;
async function record(argv: string[], runArgs: string[] = []): Promise<string> {
  const out = join(dir, `run-${n++}.json`);
  const r = await runCli(["run", "--socket", daemon!.socket, ...runArgs, "-o", out, "--", ...argv]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

async function diagnoseSides(base: string[], subject: string[]): Promise<Diagnosis> {
  const args = base.length > 1 ? [...base, "--vs", ...subject] : [...base, ...subject];
  const r = await runCli(["diagnose", ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Diagnosis;
}

/**
 * 3000 nftables rules that match nothing on the receiving host, on one hook (every packet walks
 * them all); returns the undo.
 */
function nftRuleset(hook: "input" | "forward"): () => void {
  const rules = Array.from(
    { length: 3000 },
    (_x, i) => `add rule inet osfilter ${hook} ip saddr 172.31.${i >> 8}.${i & 255} drop`,
  );
  const file = join(dir, "rules.nft");
  writeFileSync(
    file,
    [
      "add table inet osfilter",
      `add chain inet osfilter ${hook} { type filter hook ${hook} priority 0; }`,
      ...rules,
    ].join("\n"),
  );
  sh(ov!.h2, `nft -f ${file}`);
  return () => sh(ov!.h2, "nft delete table inet osfilter");
}

/** A root qdisc set up by `command` on the sending host's underlay device; returns the undo. */
function underlayQdisc(command: string): () => void {
  sh(ov!.h1, command);
  return () => sh(ov!.h1, "tc qdisc del dev wire0 root");
}

interface Scenario {
  name: string;
  protocol: "udp" | "tcp";
  /** The benchmark both sides run: iperf3 unless said. */
  tool?: Tool;
  baselinePath?: Path;
  /**
   * Arguments the subject's benchmark adds (the injected cause); a function of the first
   * baseline run's own figures where the cause must be set relative to what this host reaches.
   */
  clientExtra?: string[] | ((baseline: BenchmarkResult | undefined) => string[]);
  /** A command the subject's benchmark runs under (taskset -c 0), inside its namespace. */
  clientWrap?: string[];
  /** Options the subject's `overlayscope run` takes (probes the baseline was not recorded with). */
  subjectRunArgs?: string[];
  /** Arguments both runs' benchmark take. */
  benchmarkExtra?: string[];
  inject?: () => void | (() => void) | Promise<() => void>;
  /** Set up before the baseline and kept for both sides (what the injected cause acts on); returns the undo. */
  prepare?: () => () => void;
  /** Started beside the subject's benchmark and stopped after it. */
  beside?: () => ChildProcess[];
  /** The verdict the mechanism implies, or the verdicts it allows where the host decides. */
  verdict?: Diagnosis["verdict"] | Array<Diagnosis["verdict"]>;
  /** The cause that must be named (as a cause when the verdict is slower, else it may be a note). */
  expect?: string;
  /** The expected cause (expect, else expectIfMaterial) ranks first among causes whenever the verdict is material. */
  top?: boolean;
  /** Named whenever the verdict is not no-material-difference. */
  expectIfMaterial?: string;
  /** Causes that may follow from the injected one by its mechanism; anything else fails. */
  allowed: string[];
  /**
   * Findings allowed as notes only: a real difference between two draws of the shared host that
   * explains nothing (a server the host stalled lost datagrams in one run of an A/A pair).
   */
  notes?: string[];
  /**
   * Whether the injected cause acted at all, by the benchmark's own figures (an independent
   * source, not ours). Where it did not, its evidence is not in the runs and the truthful
   * diagnosis does not name it: `expect` is then not required.
   */
  acted?: (baseline: Reports, subject: Reports) => boolean;
}

type Reports = ReadonlyArray<BenchmarkResult | undefined>;

/** iperf3's own lost-datagram percentages, when every run has iperf3's figures. */
const iperf3Loss = (rs: Reports): number[] | undefined =>
  rs.every((r) => r?.tool === "iperf3") ? rs.map((r) => r!.lostPercent) : undefined;

/**
 * iperf3's own lost datagrams (sent - received, an independent count) put to the diagnosis's own
 * test for a loss that a smaller receive buffer in the subject backs (packet-loss.ts:
 * at least MIN_LOSS_DELTA more, beyond the counts' own noise, and with repeats on both sides beyond
 * how far their losses differ): the cause acted when the benchmark's figures alone show it. Runs without iperf3's packet counts count as acted, so the diagnosis is
 * still held to the cause.
 */
const moreLossByIperf3 = (baseline: Reports, subject: Reports): boolean => {
  const side = (rs: Reports): FractionSide | undefined => {
    if (!rs.every((r) => r?.tool === "iperf3" && r.packetsSent > 0)) return undefined;
    const sent = rs.reduce((a, r) => a + r!.packetsSent, 0);
    const received = rs.reduce((a, r) => a + r!.packetsReceived, 0);
    // Each repeat's own loss: with repeats on both sides their spread is the noise, as in the
    // diagnosis (a slow hour's baseline lost 3.9%, 0.83% and 1.2% beside a subject's 4.2-4.8%).
    const levels = rs.map((r) => (r!.packetsSent - r!.packetsReceived) / r!.packetsSent);
    return { events: sent - received, trials: sent, levels };
  };
  const b = side(baseline);
  const s = side(subject);
  if (!b || !s) return true;
  const c = fractionRatioChange(b, s, MIN_LOSS_DELTA, 0);
  return c.material && c.delta > 0;
};

/** iperf3's loss per repeat, both sides, for the log. */
function iperf3LossText(base: string[], subject: string[]): string {
  const lost = (rs: Reports): string =>
    (iperf3Loss(rs) ?? []).map((x) => `${x.toFixed(2)}%`).join(", ") || "-";
  return `iperf3's loss: baseline ${lost(benchmarkOf(base))}; subject ${lost(benchmarkOf(subject))}`;
}

/** The benchmark's own figures in recorded run files. */
const benchmarkOf = (paths: string[]): Reports =>
  paths.map((p) => (JSON.parse(readFileSync(p, "utf8")) as { benchmark?: BenchmarkResult }).benchmark);

/**
 * A second iperf3 flow between the same containers, on its own port: its server listens before
 * the subject's benchmark starts (inject), its client runs beside it (beside).
 */
function secondFlow(port: number, flags: string[]): Pick<Scenario, "inject" | "beside"> {
  return {
    inject: async () => {
      const s = spawn("ip", ["netns", "exec", ov!.c2, "iperf3", "-s", "-1", "-p", String(port)], {
        stdio: "ignore",
      });
      await waitForListen(ov!.c2, "tcp", port);
      return () => s.kill("SIGKILL");
    },
    beside: () => [
      spawn(
        "ip",
        ["netns", "exec", ov!.c1, "iperf3", "-c", ov!.serverAddr, "-p", String(port), ...flags, "-t", "30"],
        { stdio: "ignore" },
      ),
    ],
  };
}

/**
 * A lossy underlay the way a user makes one without netem (not in every kernel): an nftables rule
 * on the receiving host dropping a share of the VXLAN datagrams at random. Such a drop counts in no
 * device, socket or UDP counter; the benchmark's own count of lost datagrams sees it.
 */
/**
 * Drops `percent` of the VXLAN datagrams that carry the benchmark's data into the receiving host.
 * Shorter ones are spared: iperf3 3.12 opens a UDP test with one 4-byte datagram (62 B of outer
 * UDP) and, when that is lost, waits 30 s and fails ("unable to read from stream socket"), which
 * a CI run's subject did (2026-12-07; a 5% chance per run) — a failed benchmark, not the loss this injects.
 * TCP's SYNs and ACKs (at most 90 B) are spared with it; its data segments are not.
 */
function randomDrop(percent: number): Pick<Scenario, "inject"> {
  return {
    inject: () => {
      sh(
        ov!.h2,
        `nft add table inet oslossy && nft add chain inet oslossy in '{ type filter hook input priority 0 ; }' && nft add rule inet oslossy in udp dport 4789 udp length gt 100 numgen random mod 100 lt ${percent} drop`,
      );
      return () => sh(ov!.h2, "nft delete table inet oslossy");
    },
  };
}

/**
 * A stateful rule on the receiving host (as Docker's and Kubernetes' rulesets have), which makes
 * its namespace track every flow, and some entries in its table: the state a table that is full
 * acts on. Kept for both sides.
 */
function trackedFlows(): () => void {
  sh(
    ov!.h2,
    `nft add table inet osct && nft add chain inet osct tracked_in '{ type filter hook input priority 0 ; }' && nft add rule inet osct tracked_in ct state new,established accept && nft add chain inet osct tracked_fwd '{ type filter hook forward priority 0 ; }' && nft add rule inet osct tracked_fwd ct state new,established accept`,
  );
  return () => sh(ov!.h2, "nft delete table inet osct");
}

/**
 * The host's conntrack table limit (nf_conntrack_max, host-wide) lowered below the entries the
 * receiving host holds (a ping's flows made some): every new flow's first packet is refused, and a
 * connection is never made. Restores the limit.
 */
function conntrackFull(): () => void {
  const file = "/proc/sys/net/netfilter/nf_conntrack_max";
  const was = readFileSync(file, "utf8").trim();
  execFileSync("ip", ["netns", "exec", ov!.c1, "ping", "-c", "2", "-i", "0.2", ov!.serverAddr], {
    stdio: "ignore",
  });
  writeFileSync(file, "1");
  return () => writeFileSync(file, was);
}

const perl = (): ChildProcess => spawn("perl", ["-e", '$0 = "ovsbusy"; 1 while 1'], { stdio: "ignore" });

const SCENARIOS: Scenario[] = [
  {
    name: "A/A, UDP 64 B through the overlay",
    protocol: "udp",
    verdict: "no-material-difference",
    allowed: [],
  },
  { name: "A/A, TCP through the overlay", protocol: "tcp", verdict: "no-material-difference", allowed: [] },
  {
    // Round trips are compared too: two draws of the same path must not differ by them.
    name: "A/A, sockperf under-load through the overlay (UDP)",
    protocol: "udp",
    tool: "sockperf-ul",
    verdict: "no-material-difference",
    allowed: [],
    // The project's CI saw the host stall one run's server: 750 of 60 000 messages lost in a full
    // receive buffer, its round trips longer. That loss is there to note; it is no round trip's cause.
    notes: ["PACKET_LOSS"],
  },
  {
    name: "host vs overlay, UDP 64 B",
    protocol: "udp",
    baselinePath: "host",
    verdict: "slower",
    expect: "ENCAPSULATION_WORK",
    allowed: [
      "ENCAPSULATION_WORK",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "DEEPER_CALL_PATH",
      "NETFILTER_COST",
      "PACKET_LOSS",
      "SINGLE_CORE_SATURATION",
    ],
  },
  {
    name: "host vs overlay, TCP",
    protocol: "tcp",
    baselinePath: "host",
    // Whether the overlay moves TCP's rate depends on the host: here the overlay ran 15% below the host path (17.4 →
    // 14.8 Gbit/s), but the project's CI machine measured no material difference in three runs a
    // side (2026-12-04). The encapsulation must be named either way: a cause when slower, a note
    // when the rate did not move; never faster.
    verdict: ["slower", "no-material-difference"],
    expect: "ENCAPSULATION_WORK",
    allowed: [
      "ENCAPSULATION_WORK",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "DEEPER_CALL_PATH",
      "NETFILTER_COST",
      "SINGLE_CORE_SATURATION",
      "TCP_RETRANSMISSIONS",
    ],
  },
  {
    name: "a CPU hog beside the benchmark (UDP)",
    protocol: "udp",
    beside: () => [perl(), perl()],
    verdict: "slower",
    expect: "CPU_COMPETITION",
    top: true,
    allowed: ["CPU_COMPETITION", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // A latency benchmark at a fixed rate: sockperf under-load sends 10 000 messages/s whatever
    // the path does, so only its round trips can show the loops (here the same rate, the mean
    // round trip 89 → 534 µs, 2026-12-07). Until then the diagnosis compared the rate alone and
    // read "no material difference"; the loops, started as users start them (`sh -c`), were not
    // counted as competitors either.
    name: "CPU hogs beside a latency benchmark (sockperf under-load, UDP)",
    protocol: "udp",
    tool: "sockperf-ul",
    beside: () => [0, 1].map(() => spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" })),
    verdict: "slower",
    expect: "CPU_COMPETITION",
    top: true,
    allowed: ["CPU_COMPETITION", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    name: "a token bucket on the underlay (TCP)",
    protocol: "tcp",
    inject: () => underlayQdisc("tc qdisc add dev wire0 root tbf rate 50mbit burst 32kbit latency 20ms"),
    verdict: "slower",
    expect: "QDISC_LIMIT",
    top: true,
    allowed: ["QDISC_LIMIT", "TCP_RETRANSMISSIONS", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET"],
  },
  {
    // The other common way to cap a link: an HTB class with a rate, the qdisc itself has none.
    name: "an HTB rate limit on the underlay (TCP)",
    protocol: "tcp",
    inject: () =>
      underlayQdisc(
        "tc qdisc add dev wire0 root handle 1: htb default 10 && tc class add dev wire0 parent 1: classid 1:10 htb rate 50mbit",
      ),
    verdict: "slower",
    expect: "QDISC_LIMIT",
    top: true,
    allowed: ["QDISC_LIMIT", "TCP_RETRANSMISSIONS", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET"],
  },
  {
    // A shaper under a UDP flood drops what it cannot send: the loss and the full sending core are
    // its doing (until 2026-12-07 PACKET_LOSS ranked first and SINGLE_CORE_SATURATION came third).
    name: "a token bucket on the underlay under a UDP 64 B flood",
    protocol: "udp",
    inject: () => underlayQdisc("tc qdisc add dev wire0 root tbf rate 20mbit burst 32k latency 20ms"),
    verdict: "slower",
    expect: "QDISC_LIMIT",
    top: true,
    allowed: ["QDISC_LIMIT"],
  },
  {
    // A CPU limit on the receiving container's cgroup (what `docker run --cpus 0.02` sets): the
    // iperf3 server reads at most 2% of a CPU, and its socket buffer overflows. A tenth of a CPU
    // did not bind on a CI host whose sender reached 20 k datagrams/s (2026-12-06): the server
    // needed less than that.
    name: "a CPU limit on the receiving server's cgroup (UDP)",
    protocol: "udp",
    inject: () => {
      const g = limitedCgroup(`overlayscope-scenario-${process.pid}`, 0.02);
      g.add(servers[0]!.pid!);
      return () => g.remove();
    },
    verdict: "slower",
    expect: "CPU_QUOTA_THROTTLING",
    top: true,
    // A receiver held back loses datagrams: without more loss by iperf3's count it kept up.
    acted: moreLossByIperf3,
    allowed: [
      "CPU_QUOTA_THROTTLING",
      "PACKET_LOSS",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
    ],
  },
  {
    name: "a large netfilter ruleset on the receiving host (UDP)",
    protocol: "udp",
    inject: () => nftRuleset("input"),
    verdict: "slower",
    expect: "NETFILTER_COST",
    top: true,
    allowed: [
      "NETFILTER_COST",
      "PACKET_LOSS",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
      "DEEPER_CALL_PATH",
    ],
  },
  {
    // The containers' frames are bridged, and br_netfilter (built in here, on by default; Docker
    // loads it) walks the forward chain for each of them inside the bridge's own frames: the rules'
    // work, not the bridge's (until 2026-12-07 it made ENCAPSULATION_WORK a second cause, 11% -> 31%).
    name: "a large netfilter ruleset on the receiving host's bridged traffic (forward hook, br_netfilter, TCP)",
    protocol: "tcp",
    inject: () => nftRuleset("forward"),
    verdict: "slower",
    expect: "NETFILTER_COST",
    top: true,
    allowed: ["NETFILTER_COST", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    name: "checksum offload off in the sending container (TCP)",
    protocol: "tcp",
    inject: () => {
      sh(ov!.c1, "ethtool -K eth0 tx off");
      return () => sh(ov!.c1, "ethtool -K eth0 tx on");
    },
    expect: "OFFLOAD_CHANGED",
    top: true,
    // Without segmentation offload every MTU-sized segment crosses each layer on its own: more
    // encapsulation, bridge-netfilter and deeper stacks per byte follow from the one change.
    allowed: [
      "OFFLOAD_CHANGED",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
      "TCP_RETRANSMISSIONS",
      "DEEPER_CALL_PATH",
      "ENCAPSULATION_WORK",
      "NETFILTER_COST",
    ],
  },
  {
    // A 4 KB receive buffer overflows: 0.4–1.9% → 4–6% of the packets lost in the suite's runs, a
    // rise within the factor by which identical runs' loss moves (host UDP A/A: 1.3% vs 6.9%), so
    // the loss alone needs repeats; but the subject's command line asks for the smaller buffer,
    // the mechanism in the runs, and one run a side (as users record) names it.
    // Offered below what the path carries (100 Mbit/s of 64 B datagrams, ~195 k/s of ~320 k/s):
    // at full rate the baseline's own default-sized buffer overflowed in some runs as much as the
    // 4 KB one (1.3–6.7% lost across six identical runs).
    name: "a tiny socket buffer (UDP, -w 4K, 100 Mbit/s offered)",
    protocol: "udp",
    benchmarkExtra: ["-b", "100M"],
    clientExtra: ["-w", "4K"],
    expect: "PACKET_LOSS",
    allowed: ["PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
    // On a slow hour a host may not carry the offered rate, and the 4 KB buffer may then never
    // overflow: a local CI run had both sides at 31-32 Mbit/s (~60 k packets/s), equal in rate
    // and cost, and the diagnosis named no loss (moreLossByIperf3).
    acted: moreLossByIperf3,
  },
  {
    // The subject's benchmark never ran: its client asks a port nothing listens on and iperf3
    // exits 1 at once ("unable to connect to server"). Until 2026-12-06 such a pair (seen with
    // net.ipv4.udp_mem lowered: iperf3 exited 1 after 31 s having delivered nothing) was
    // no-material-difference: a run that failed left no interval to compare.
    name: "the subject's benchmark fails: its server is not listening (UDP)",
    protocol: "udp",
    clientExtra: ["-p", String(PORT + 30)],
    verdict: "slower",
    expect: "BENCHMARK_FAILED",
    top: true,
    allowed: ["BENCHMARK_FAILED"],
  },
  {
    // A table too small for the flows (nf_conntrack_max below the entries held): each new flow's
    // first packet is refused, so iperf3 never connects (it gives up after 3 s here, as a user's
    // --connect-timeout does; without it, 71 s of SYN retries). Until 2026-12-07 the failure was
    // the top cause with the whole difference, the table last and without a share, and a run
    // that failed at once kept the failure alone.
    name: "the receiving host's conntrack table full (nf_conntrack_max below its entries, TCP)",
    protocol: "tcp",
    prepare: trackedFlows,
    benchmarkExtra: ["--connect-timeout", "3000"],
    inject: conntrackFull,
    verdict: "slower",
    expect: "CONNTRACK_PRESSURE",
    top: true,
    allowed: ["CONNTRACK_PRESSURE", "BENCHMARK_FAILED"],
  },
  {
    // The same small buffer set another way: the host's default lowered (net.core.rmem_default
    // to 8 KB, what iperf3 -w 4K gets once the kernel doubles it), no flag on any command line.
    // The environment snapshot holds the sysctl, so the mechanism is in the runs again.
    name: "a small default socket buffer on the host (sysctl net.core.rmem_default, UDP, 100 Mbit/s offered)",
    protocol: "udp",
    benchmarkExtra: ["-b", "100M"],
    inject: () => {
      const before = readFileSync("/proc/sys/net/core/rmem_default", "utf8").trim();
      execFileSync("sysctl", ["-qw", "net.core.rmem_default=8192"]);
      return () => execFileSync("sysctl", ["-qw", `net.core.rmem_default=${before}`]);
    },
    expect: "PACKET_LOSS",
    // A receiver whose buffer holds a dozen datagrams wakes for every few: more kernel time on
    // its core per packet (the project's CI named SINGLE_CORE_SATURATION as a note on repeats).
    allowed: ["PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
    acted: moreLossByIperf3,
  },
  {
    // The sending container's TCP send buffer capped (its namespace's own tcp_wmem): new client
    // sockets get it, the suite's server (listening since before) is untouched. Measured here:
    // 14.2 → 8.6 Gbit/s with a max of 8 or 16 KB (the kernel lets a send queue run past a small
    // buffer, so the flow does not fall to buffer ÷ RTT).
    // The receiving container's tcp_rmem capped at 16 KB and a server started after it (a
    // listener hands its connections the buffer it was opened with): 14.1 → 1.6 Gbit/s here. The
    // sending side's tcp_wmem (8 KB) moved the flow too little and too unevenly (14.6, 11.2, 10.9
    // Gbit/s in one CI run's three repeats) for one run a side.
    name: "a small TCP receive buffer in the receiving container (sysctl net.ipv4.tcp_rmem in its namespace)",
    protocol: "tcp",
    clientExtra: ["-p", String(PORT + 20)],
    inject: () => {
      const before = execFileSync("ip", ["netns", "exec", ov!.c2, "cat", "/proc/sys/net/ipv4/tcp_rmem"], {
        encoding: "utf8",
      }).trim();
      sh(ov!.c2, "sysctl -qw net.ipv4.tcp_rmem='4096 16384 16384'");
      const server = spawn("ip", ["netns", "exec", ov!.c2, "iperf3", "-s", "-p", String(PORT + 20)], {
        stdio: "ignore",
      });
      execFileSync(
        "ip",
        [
          "netns",
          "exec",
          ov!.c2,
          "sh",
          "-c",
          `until ss -Htln sport = :${PORT + 20} | grep -q .; do sleep 0.05; done`,
        ],
        { timeout: 10_000 },
      );
      return () => {
        server.kill("SIGKILL");
        sh(ov!.c2, `sysctl -qw net.ipv4.tcp_rmem='${before}'`);
      };
    },
    verdict: "slower",
    expect: "TCP_BUFFER_LIMIT",
    top: true,
    allowed: ["TCP_BUFFER_LIMIT", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // The sending container's congestion control switched between CUBIC and BBR (a per-namespace
    // sysctl; whichever the host does not use, allowed first): BBR paces every segment by a
    // timer. Here CUBIC 13.4–14.4 Gbit/s, BBR 7.2–8.0 with 46–53% more CPU per KB (four pairs,
    // 2026-12-06; this machine kind's default is BBR, so the subject is the faster side here).
    // Which way a congestion control moves a flow is the host's to say.
    name: "the sending container's TCP congestion control switched (CUBIC ↔ BBR, sysctl in its namespace, TCP)",
    protocol: "tcp",
    inject: () => {
      const allowed = readFileSync("/proc/sys/net/ipv4/tcp_allowed_congestion_control", "utf8").trim();
      const was = execFileSync(
        "ip",
        ["netns", "exec", ov!.c1, "cat", "/proc/sys/net/ipv4/tcp_congestion_control"],
        { encoding: "utf8" },
      ).trim();
      const other = was === "bbr" ? "cubic" : "bbr";
      execFileSync("sysctl", ["-qw", `net.ipv4.tcp_allowed_congestion_control=${allowed} ${other}`]);
      sh(ov!.c1, `sysctl -qw net.ipv4.tcp_congestion_control=${other}`);
      return () => {
        sh(ov!.c1, `sysctl -qw net.ipv4.tcp_congestion_control=${was}`);
        execFileSync("sysctl", ["-qw", `net.ipv4.tcp_allowed_congestion_control=${allowed}`]);
      };
    },
    verdict: ["slower", "faster"],
    expect: "TCP_SETTINGS_CHANGED",
    top: true,
    allowed: [
      "TCP_SETTINGS_CHANGED",
      "TCP_RETRANSMISSIONS",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
    ],
  },
  {
    // Another tool's tracer left running (bpftrace counting kernel stacks on every received
    // packet; security agents and eBPF dataplanes hook the same places): 71 k → 37 k packets/s
    // here, its program 19.9% of all CPUs' time, and nothing was named before the run kept every
    // BPF program's run time (2026-12-06).
    name: "another tool's BPF tracer on every received packet during the subject (UDP)",
    protocol: "udp",
    inject: async () => {
      const tracer = await startTracer("tracepoint:net:netif_receive_skb { @[kstack(5)] = count(); }");
      return () => tracer.kill("SIGKILL");
    },
    verdict: "slower",
    expect: "OTHER_BPF_PROGRAMS",
    top: true,
    allowed: [
      "OTHER_BPF_PROGRAMS",
      "PACKET_LOSS",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
      "DEEPER_PATH",
    ],
  },
  {
    name: "a second flow competing on the path (UDP)",
    protocol: "udp",
    ...secondFlow(PORT + 10, ["-u", "-b", "0", "-l", "64"]),
    verdict: "slower",
    expect: "COMPETING_TRAFFIC",
    allowed: ["COMPETING_TRAFFIC", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // The same for TCP: the underlay carried 1.98x the benchmark's goodput with a second flow
    // beside it (1.00x alone); two CPUs may leave the benchmark's own rate within noise (8.3 →
    // 8.0 Gbit/s here), so the other traffic must be named, as a cause when the rate fell.
    name: "a second flow competing on the path (TCP)",
    protocol: "tcp",
    ...secondFlow(PORT + 11, []),
    expect: "COMPETING_TRAFFIC",
    allowed: [
      "COMPETING_TRAFFIC",
      "MORE_SOFTIRQ_WORK_PER_PACKET",
      "SINGLE_CORE_SATURATION",
      "TCP_RETRANSMISSIONS",
    ],
  },
  {
    // Client and server confined to one CPU (taskset; docker --cpuset-cpus does the same): sender,
    // receiver and the softirq work they raise share it while the other idles. Here 13.4 → 10.8
    // Gbit/s, CPU 0 97% busy, CPU 1 12%.
    name: "the benchmark confined to one CPU (taskset -c 0 on client and server, TCP)",
    protocol: "tcp",
    clientWrap: ["taskset", "-c", "0"],
    inject: () => {
      execFileSync("taskset", ["-a", "-p", "-c", "0", String(servers[0]!.pid!)], { stdio: "ignore" });
      return () =>
        execFileSync("taskset", ["-a", "-p", "-c", `0-${cpus().length - 1}`, String(servers[0]!.pid!)], {
          stdio: "ignore",
        });
    },
    // The host decides which way confinement moves the flow: 13.4 → 10.8 Gbit/s where CPU 0
    // filled (2026-12-04); 7.5 → 7.9 Gbit/s with 31% less CPU per KB in a noisy hour with steal
    // (2026-12-06), client and server sharing one CPU's caches. Whichever way the verdict goes,
    // the confinement must be its top cause.
    expectIfMaterial: "CPU_AFFINITY",
    top: true,
    allowed: ["CPU_AFFINITY", "SINGLE_CORE_SATURATION", "MORE_SOFTIRQ_WORK_PER_PACKET"],
  },
  {
    name: "RPS turned on at the receiving container (UDP)",
    protocol: "udp",
    inject: () => {
      sh(ov!.c2, "echo 3 > /sys/class/net/eth0/queues/rx-0/rps_cpus");
      return () => sh(ov!.c2, "echo 0 > /sys/class/net/eth0/queues/rx-0/rps_cpus");
    },
    // On two CPUs whose softirq work is already spread, RPS may change nothing measurable: then
    // nothing may be named; when it moves NET_RX work, the change must be named.
    expectIfMaterial: "RPS_CHANGED",
    allowed: ["RPS_CHANGED", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // Both containers at 1500 over a 1450 overlay, datagrams of 1460 B: the baseline's 1450 MTU
    // fragments them at the sender; at 1500 the bridge cannot pass them to the VXLAN device (a
    // bridge does not fragment) and they are lost — all of them. iperf3's receiver then reports
    // "0/0 (0%)"; until 2026-12-07 the run took the sender's device counters for the delivered rate
    // and the pair read no-material-difference (once faster).
    name: "containers' MTU larger than the overlay carries (UDP 1460 B)",
    protocol: "udp",
    verdict: "slower",
    benchmarkExtra: ["-l", "1460", "-b", "200M"],
    inject: () => {
      for (const c of [ov!.c1, ov!.c2]) sh(c, "ip link set eth0 mtu 1500");
      return () => {
        for (const c of [ov!.c1, ov!.c2]) sh(c, "ip link set eth0 mtu 1450");
      };
    },
    expect: "MTU_MISMATCH",
    top: true,
    allowed: ["MTU_MISMATCH", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET"],
    // Exchanged, the baseline's datagrams never reached the VXLAN device: the subject's path does
    // encapsulation work the baseline's did not, a true note (until 2026-12-07 the exchanged pair
    // read no material difference: a baseline that delivered nothing had no rate to compare).
    notes: ["ENCAPSULATION_WORK"],
  },
  {
    // Datagrams larger than the MTU leave as fragments, each a packet of its own down the whole
    // path: 8000 B at 1450 are six, at 1000 nine (measured 2026-12-07: 25% fewer datagrams/s). Until
    // then the extra fragments read as other traffic on the underlay (COMPETING_TRAFFIC, 789% more
    // than the benchmark's own against the baseline's 493%), and the MTU was not named.
    name: "the sending container's MTU lowered (1450 → 1000) under 8000 B UDP datagrams (more fragments each)",
    protocol: "udp",
    benchmarkExtra: ["-l", "8000"],
    inject: () => {
      sh(ov!.c1, "ip link set eth0 mtu 1000");
      return () => sh(ov!.c1, "ip link set eth0 mtu 1450");
    },
    verdict: "slower",
    expect: "MTU_MISMATCH",
    top: true,
    allowed: ["MTU_MISMATCH", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // The subject's benchmark asked for 1400-byte datagrams instead of 64: a different workload,
    // fewer and costlier packets, whatever the path does.
    name: "the subject's benchmark sends 1400-byte datagrams, the baseline's 64 (UDP)",
    protocol: "udp",
    clientExtra: ["-l", "1400"],
    expect: "BENCHMARK_CHANGED",
    top: true,
    allowed: ["BENCHMARK_CHANGED", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // Offered half of what the baseline reached unpaced: a fixed rate (20 Mbit/s) did not bind on
    // a CI host whose unpaced baseline reached 10 Mbit/s (2026-12-06), and no diagnosis should
    // then name it. Half binds on any host, far beyond the runs' noise.
    name: "the subject's benchmark offers half the rate the unpaced baseline reached (UDP, -b)",
    protocol: "udp",
    clientExtra: (baseline) => ["-b", String(Math.round((baseline?.bitsPerSecond ?? 20e6) / 2))],
    verdict: "slower",
    expect: "BENCHMARK_CHANGED",
    top: true,
    allowed: ["BENCHMARK_CHANGED", "MORE_SOFTIRQ_WORK_PER_PACKET", "PACKET_LOSS"],
  },
  {
    // 5% of the VXLAN datagrams dropped by a netfilter rule on the receiving host: the unpaced
    // sender's rate does not move (the receiver gets 5% less, within what identical runs differ
    // by), but iperf3 counts the loss. Until 2026-12-06 no counter the diagnosis read saw these
    // drops and it named nothing.
    name: "a netfilter rule drops 5% of the underlay's VXLAN datagrams at random (UDP)",
    protocol: "udp",
    ...randomDrop(5),
    expect: "PACKET_LOSS",
    top: true,
    // The drops happen after the wire's work was done: more work per delivered packet follows.
    allowed: ["PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // The same rule at 1% under TCP: every lost segment is retransmitted and CUBIC's congestion
    // window shrinks, so the flow slows. Both sides ask for CUBIC (Linux's default; this machine
    // kind's is BBR, which loss hardly slows): under BBR the rule took 7.3 -> 5.2 Gbit/s in four
    // interleaved pairs by hand, under CUBIC 9.5 -> 1.7 (2026-12-07), and three BBR runs a side
    // overlapped (5.8-7.2 against 5.2-5.6 Gbit/s) on a noisy hour: a test of the host's noise.
    name: "a netfilter rule drops 1% of the underlay's VXLAN datagrams at random (TCP)",
    protocol: "tcp",
    benchmarkExtra: ["-C", "cubic"],
    ...randomDrop(1),
    verdict: "slower",
    expect: "TCP_RETRANSMISSIONS",
    top: true,
    allowed: ["TCP_RETRANSMISSIONS", "PACKET_LOSS", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION"],
  },
  {
    // Nothing injected in the path: the subject recorded with the per-packet and per-interrupt
    // probes (netdev, softirq, drops) a user adds to dig deeper, the baseline with the defaults.
    // Here the subject ran 61% below its twin, its probes 26% of all CPUs' time; before PROBE_COST
    // the diagnosis found no mechanism and withdrew the verdict, and with repeats would have had
    // none to name.
    name: "the same path, the subject recorded with per-packet probes (UDP; --probes stacks,netdev,softirq,drops)",
    protocol: "udp",
    subjectRunArgs: ["--probes", "stacks,netdev,softirq,drops"],
    expect: "PROBE_COST",
    top: true,
    // The probes' programs run in the softirq that carries each packet: more softirq time per
    // packet, a fuller receiving core, a reader that falls behind, all from the same cost.
    allowed: ["PROBE_COST", "MORE_SOFTIRQ_WORK_PER_PACKET", "SINGLE_CORE_SATURATION", "PACKET_LOSS"],
  },
];

/** Records `n` runs of one side; the subject's with its cause injected, undone afterwards. */
async function recordSide(
  sc: Scenario,
  side: "baseline" | "subject",
  n: number,
  baseline: string[] = [],
): Promise<string[]> {
  const out: string[] = [];
  if (side === "baseline") {
    for (let i = 0; i < n; i++)
      out.push(
        await record(client(sc.baselinePath ?? "overlay", sc.protocol, sc.benchmarkExtra, [], sc.tool)),
      );
    return out;
  }
  const clientExtra =
    typeof sc.clientExtra === "function"
      ? sc.clientExtra(benchmarkOf(baseline.slice(0, 1))[0])
      : sc.clientExtra;
  const undo = await sc.inject?.();
  const beside = sc.beside?.() ?? [];
  try {
    for (let i = 0; i < n; i++)
      out.push(
        await record(
          client(
            "overlay",
            sc.protocol,
            [...(sc.benchmarkExtra ?? []), ...(clientExtra ?? [])],
            sc.clientWrap,
            sc.tool,
          ),
          sc.subjectRunArgs,
        ),
      );
  } finally {
    for (const p of beside) p.kill("SIGKILL");
    if (typeof undo === "function") undo();
  }
  return out;
}

/** What a diagnosis got wrong: findings the scenario did not inject, and expectations it missed. */
function judge(sc: Scenario, d: Diagnosis): { invented: string[]; missed: string[]; all: string } {
  // The host's own draw (steal, measured by /proc/stat) is named whatever the scenario injected:
  // this machine kind's steal moved from 0.1% to 22% of all CPUs' time between two runs
  // (2026-12-06). It is never invented, and never the injected cause the ranking is about.
  const causes = d.findings.filter((f) => f.kind === "cause" && !f.fromHost).map((f) => f.code);
  const all = d.findings.map((f) => `${f.kind}:${f.code}`).join(", ");
  const invented = d.findings
    .filter(
      (f) =>
        f.kind !== "symptom" &&
        f.code !== "CACHE_AND_MEMORY" &&
        !f.fromHost &&
        !sc.allowed.includes(f.code) &&
        !(f.kind === "note" && sc.notes?.includes(f.code)),
    )
    .map((f) => f.code);
  if (d.verdict === "no-material-difference" && causes.length > 0)
    invented.push(`a cause without a material difference (${causes.join(", ")})`);
  const missed: string[] = [];
  const verdicts = [sc.verdict ?? []].flat();
  if (verdicts.length > 0 && !verdicts.includes(d.verdict))
    missed.push(`verdict ${d.verdict}, expected ${verdicts.join(" or ")}`);
  if (sc.expect) {
    const named = d.findings.find((f) => f.code === sc.expect);
    if (!named) missed.push(`${sc.expect} not named`);
    else if (d.verdict === "slower" && named.kind !== "cause")
      missed.push(`${sc.expect} only a ${named.kind}`);
  }
  if (sc.expectIfMaterial && d.verdict !== "no-material-difference" && !causes.includes(sc.expectIfMaterial))
    missed.push(`${sc.expectIfMaterial} not named though the verdict is ${d.verdict}`);
  // The ranking is about causes, which a verdict of no material difference has none of.
  const topCode = sc.expect ?? sc.expectIfMaterial;
  if (sc.top && topCode && d.verdict !== "no-material-difference" && causes[0] !== topCode)
    missed.push(`top cause ${causes[0] ?? "none"}, not ${topCode}`);
  return { invented, missed, all };
}

/** More runs a side when a scenario's effect was hidden by noise, as the diagnosis's caveat advises. */
const MORE_REPEATS = 2;

for (const sc of SCENARIOS)
  test(`scenario: ${sc.name}`, async (t) => {
    if (!requireKernel(t)) return;
    const unprepare = sc.prepare?.();
    try {
      await runScenario(t, sc);
    } finally {
      unprepare?.();
    }
  });

async function runScenario(t: TestContext, sc: Scenario): Promise<void> {
  const base = await recordSide(sc, "baseline", 1);
  const subject = await recordSide(sc, "subject", 1, base);
  let d = await diagnoseSides(base, subject);
  let j = judge(sc, d);
  // The outcome in the log, for the README's table of the suite's results.
  t.diagnostic(`verdict ${d.verdict}; ${j.all}`);
  // On a failure, what the invented findings rest on (e.g. which processes competed), to tell a
  // wrong rule from a machine that really was busy.
  const grounds = d.findings
    .filter((f) => j.invented.includes(f.code))
    .map(
      (f) =>
        `${f.code}: ${f.title}; ${f.evidence.map((e) => `${e.what}: ${e.baseline ?? "-"} → ${e.subject} (${e.source})`).join("; ")}`,
    )
    .join("\n");
  assert.deepEqual(j.invented, [], `nothing that was not injected: ${j.all}\n${grounds}`);
  // An effect noise hid in one try is what a user meets too; the diagnosis then tells them to
  // record repeats and compare them (diagnose B1 B2 … --vs S1 S2 …): a cause scenario does that
  // once. A/A pairs get no second try, and a cause that was not injected fails on the first.
  if (j.missed.length > 0 && (sc.expect || sc.expectIfMaterial)) {
    t.diagnostic(`first try: ${j.missed.join("; ")} (${j.all}); ${MORE_REPEATS} more runs a side`);
    base.push(...(await recordSide(sc, "baseline", MORE_REPEATS)));
    subject.push(...(await recordSide(sc, "subject", MORE_REPEATS, base)));
    d = await diagnoseSides(base, subject);
    j = judge(sc, d);
    t.diagnostic(`with repeats: verdict ${d.verdict}; ${j.all}`);
    assert.deepEqual(j.invented, [], `nothing that was not injected, with repeats: ${j.all}`);
  }
  if (j.missed.length > 0) t.diagnostic(`figures: ${sideFigures(d)}; ${iperf3LossText(base, subject)}`);
  if (
    sc.acted &&
    d.verdict === "no-material-difference" &&
    j.missed.length > 0 &&
    j.missed.every((m) => m === `${sc.expect} not named` || m.startsWith("verdict ")) &&
    !sc.acted(benchmarkOf(base), benchmarkOf(subject))
  ) {
    t.diagnostic(
      `unresolved on this host: the injected cause did not act (${iperf3LossText(base, subject)})`,
    );
    return;
  }
  // A host noisy enough that three runs a side overlap cannot show the effect to anyone; then
  // no-material-difference is the truthful verdict, provided the injected cause is still named
  // (judge: `expect` must be found, here as a note) and nothing else is.
  if (
    d.verdict === "no-material-difference" &&
    j.missed.length > 0 &&
    j.missed.every((m) => m.startsWith("verdict ")) &&
    repeatsOverlap(d)
  ) {
    t.diagnostic("unresolved on this host: the sides' repeats overlap in rate and in cost");
    return;
  }
  assert.deepEqual(j.missed, [], j.all);
  await judgeExchanged(t, sc, base, subject, d);
}

/**
 * The same runs the other way round — the cause in the baseline, the subject faster, as a user
 * comparing before and after a fix records them: the cause must be named first again, as the
 * baseline's, and nothing else that was not injected. Until 2026-12-07 most rules looked in the
 * subject only, and a tbf in the baseline (0.05 → 7 Gbit/s) left the verdict withdrawn.
 */
async function judgeExchanged(
  t: TestContext,
  sc: Scenario,
  base: string[],
  subject: string[],
  forward: Diagnosis,
): Promise<void> {
  if (forward.verdict !== "slower" || !sc.top) return;
  const d = await diagnoseSides(subject, base);
  const j = judge({ ...sc, verdict: "faster" }, d);
  t.diagnostic(`exchanged: verdict ${d.verdict}; ${j.all}`);
  assert.deepEqual(j.invented, [], `exchanged, nothing that was not injected: ${j.all}`);
  assert.deepEqual(j.missed, [], `exchanged: ${j.all}`);
  const top = d.findings.find((f) => f.kind === "cause" && !f.fromHost);
  assert.equal(top?.slowed, "baseline", "named as the baseline's");
}

/**
 * The two sides' repeats overlap in rate and in CPU per packet (per KB without packet counts),
 * as the verdict compares them (perPacket): no test on three runs a side can call such a difference material
 * (even a rank test needs every subject repeat beyond every baseline repeat). Measured in a local
 * fresh-clone CI run on a noisy hour: host UDP 41, 57, 62 Mbit/s against the overlay's 51, 46, 34 (2026-12-04).
 */
function repeatsOverlap(d: Diagnosis): boolean {
  const { baseline: b, subject: s } = d.figures;
  const overlap = (x: number[], y: number[]): boolean =>
    x.length >= 2 && y.length >= 2 && Math.max(...x) >= Math.min(...y) && Math.max(...y) >= Math.min(...x);
  const byPackets = perPacket(b, s);
  const rate = byPackets
    ? overlap(b.repeats.packetsPerSecond, s.repeats.packetsPerSecond)
    : overlap(b.repeats.bitsPerSecond, s.repeats.bitsPerSecond);
  const cost = byPackets
    ? overlap(b.repeats.cpuUsPerPacket, s.repeats.cpuUsPerPacket)
    : overlap(b.repeats.cpuUsPerKB, s.repeats.cpuUsPerKB);
  return rate && cost;
}

/** Each side's rate and cost as the diagnosis measured them, to tell a wrong verdict from a quiet effect. */
function sideFigures(d: Diagnosis): string {
  const one = (name: string, f: Diagnosis["figures"]["baseline"]): string =>
    `${name} ${(f.bitsPerSecond / 1e6).toFixed(0)} Mbit/s (repeats ${f.repeats.bitsPerSecond.map((x) => (x / 1e6).toFixed(0)).join(", ") || "-"}), ${Math.round(f.packetsPerSecond)} packets/s, CPU ${f.cpuUsPerKB?.toFixed(2) ?? "-"} µs/KB, ${f.cpuUsPerPacket?.toFixed(2) ?? "-"} µs/packet (repeats ${f.repeats.cpuUsPerPacket.map((x) => x.toFixed(2)).join(", ") || "-"})`;
  return `${one("baseline", d.figures.baseline)}; ${one("subject", d.figures.subject)}`;
}
