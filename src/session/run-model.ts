import { z } from "zod";
import { ContainerSchema } from "../containers/container-model.js";
import { BenchmarkResultSchema, LatencySchema } from "../benchmarks/benchmark-result.js";
import type { EnvSnapshot } from "../collectors/env-snapshot.js";
import {
  DepthBucketSchema,
  FunctionShareSchema,
  IntervalSchema,
  ProbeCostSchema,
  ProcessCpuSchema,
} from "./interval-model.js";

/**
 * The run: everything one session saw, made by the session (src/session/session-run.ts) and
 * written unchanged by every client path (record, run, lab bench, record --hosts). The zod schema
 * is the single source of the TypeScript type and docs/run-file.schema.json (`npm run gen:schema`).
 */
export const RUN_SCHEMA_ID = "overlayscope.run/v2";

const num = z.number();

export const ProfileStackSchema = z.object({
  frames: z.array(z.string()).describe("kernel function names, innermost first"),
  userFrames: z
    .array(z.string())
    .default([])
    .describe("user-space function names, innermost first; object+0xoffset when unresolved"),
  userAddresses: z
    .array(num)
    .optional()
    .describe("each user frame's sampled address (0: none), for tools that re-symbolise"),
  userObjects: z
    .array(num)
    .optional()
    .describe("each user frame's object, an index into profile.objects (-1: none)"),
  pid: num,
  comm: z.string(),
  cpu: num,
  context: z.enum(["hardirq", "softirq", "task", "idle"]),
  samples: num,
});

const TcpMemSchema = z
  .object({ min: num, default: num, max: num })
  .describe("bytes: the least under memory pressure, the start, the most autotuning grows to");

/** The environment snapshot (src/collectors/env-snapshot.ts); its device list is kept as taken. */
export const EnvSnapshotSchema = z
  .object({
    takenAt: num,
    netns: z.array(
      z.looseObject({
        inode: num,
        names: z.array(z.string()),
        takenAt: num
          .optional()
          .describe(
            "when read, if after the snapshot: a quiet namespace is read once its devices move a packet",
          ),
        devices: z.array(z.looseObject({})),
        conntrackMax: num.optional().describe("net.netfilter.nf_conntrack_max, when conntrack is loaded"),
        tcpBuffers: z
          .object({ rmem: TcpMemSchema, wmem: TcpMemSchema })
          .optional()
          .describe(
            "net.ipv4.tcp_rmem and tcp_wmem in this namespace (each has its own): a TCP socket's receive and send buffer, which bound the data a connection keeps in flight",
          ),
        tcpSettings: z
          .record(z.string(), z.string())
          .optional()
          .describe(
            "per-namespace TCP sysctls as read, by name (net.ipv4.tcp_congestion_control, tcp_window_scaling, tcp_sack, tcp_limit_output_bytes, …): how this namespace's connections send and acknowledge",
          ),
        ipsec: z
          .object({ states: num, algorithms: z.array(z.string()) })
          .optional()
          .describe(
            "IPsec in this namespace (ip -o xfrm state): security associations and their algorithms (never their keys); an encrypted overlay's ESP shows here",
          ),
      }),
    ),
    notReread: z
      .array(z.object({ inode: num, names: z.array(z.string()) }))
      .optional()
      .describe(
        "namespaces present but not read: they carried no traffic during the run (a share of the busiest namespace's packets), and at a start with more than 16 namespaces were neither the session's own nor its target's",
      ),
    containers: z
      .array(ContainerSchema)
      .optional()
      .describe(
        "running containers (Docker, Podman, containerd): id, name, pid, network namespace (match it to netns[].inode), cgroup, networks with driver, subnets, VXLAN ids",
      ),
    irqAffinity: z.record(z.string(), z.string()),
    perfEventMaxStack: num.optional(),
    socketBuffers: z
      .object({ rmemDefault: num, rmemMax: num, wmemDefault: num, wmemMax: num })
      .optional()
      .describe(
        "net.core.rmem_default, rmem_max, wmem_default, wmem_max (bytes): the socket buffer a program that asks for none gets, and the most SO_RCVBUF/SO_SNDBUF may ask for; host-wide",
      ),
    pmu: z.looseObject({}),
    problems: z.array(z.string()),
  })
  .transform((e) => e as unknown as EnvSnapshot);

export const EnvChangeSchema = z.object({
  netns: z.string().describe("namespace name, or its inode"),
  device: z.string(),
  what: z.string().describe("e.g. 'mtu', 'offload generic-receive-offload', 'rps rx-0', 'device'"),
  before: z.string(),
  after: z.string(),
});

export const ProcessTotalSchema = ProcessCpuSchema.extend({
  cpuShare: num.describe("of all CPUs' time over the window (1 = every CPU for the whole window)"),
});

export const BpfProgramUseSchema = z.object({
  id: num,
  type: z.string().describe("the program type as bpftool names it (tracepoint, kprobe, sched_cls, xdp, …)"),
  name: z.string().describe("the program's name, when bpftool was there to read it"),
  holders: z
    .array(z.object({ pid: num, comm: z.string() }))
    .describe("the processes holding it open (none: pinned, or attached by a loader that exited)"),
  own: z.boolean().describe("overlayscope's own probe (held by the daemon's bpftrace)"),
  runTimeNs: num.describe("time inside the program over the window (kernel BPF statistics)"),
  runCount: num.describe("times it ran over the window"),
  cpuSeconds: num.describe(
    "run time plus the cost of reaching it (per event: calibrated for tracepoints on this kernel, estimated for the other types)",
  ),
});

export const RunFileSchema = z.object({
  schema: z.literal(RUN_SCHEMA_ID),
  createdAt: z.string().describe("ISO 8601"),
  overlayscopeVersion: z.string(),
  label: z.string(),
  groupId: z
    .string()
    .optional()
    .describe("the multi-host recording this run is one host of (record --hosts)"),
  host: z.object({
    hostname: z.string(),
    kernel: z.string(),
    bpftraceVersion: z.string(),
    cpus: num,
    cpuModel: z.string().optional(),
    os: z.string().optional(),
    numaNodes: num.optional(),
    memoryBytes: num.optional(),
    daemonPid: num
      .optional()
      .describe("the daemon that recorded the run: it and its children are overlayscope's own processes"),
    kubernetes: z
      .object({ node: z.string(), pod: z.string(), namespace: z.string() })
      .optional()
      .describe(
        "where the daemon ran as the DaemonSet (the downward API's OVERLAYSCOPE_NODE_NAME, _POD_NAME, _POD_NAMESPACE)",
      ),
  }),
  target: z.string(),
  container: ContainerSchema.optional().describe(
    "what a container target resolved to: runtime, id, name, image, pid, network namespace, cgroup, networks",
  ),
  window: z
    .object({ startMs: num, endMs: num })
    .describe("when data was recorded: from the probes attached to the stop (or the command's exit)"),
  intervalMs: num,
  durationSeconds: num,
  probes: z.array(z.object({ name: z.string(), variant: z.string(), costClass: z.string() })),
  command: z
    .object({
      argv: z.array(z.string()),
      pid: num,
      exitCode: num.nullable(),
      startedAtMs: num,
      endedAtMs: num,
      launcherPid: num
        .optional()
        .describe(
          "the client that launched it (overlayscope run): overlayscope's own process, never a competitor",
        ),
      errorOutput: z
        .string()
        .optional()
        .describe("the tail of what it printed on stderr (at most 2 KiB): where a failed benchmark says why"),
    })
    .optional()
    .describe("the benchmark that ran during the session (run, lab bench, or a command target)"),
  benchmark: BenchmarkResultSchema.optional().describe(
    "the benchmark's own figures, or the path's device counters when no report could be read",
  ),
  snapshots: z.array(IntervalSchema).describe("one per interval; the last has final = true"),
  profile: z.object({
    hz: num,
    durationSeconds: num,
    stacks: z.array(ProfileStackSchema),
    objects: z
      .array(
        z.object({
          path: z.string(),
          buildId: z.string().describe("GNU build id, hex; empty when none"),
          start: num,
          limit: num,
          offset: num.describe("file offset of start"),
        }),
      )
      .optional()
      .describe("the mapped files user frames lie in"),
  }),
  summary: z.object({
    stackSamples: num,
    topFunctions: z.array(FunctionShareSchema),
    probeCosts: z.array(ProbeCostSchema),
    frameClasses: z
      .array(z.object({ class: z.string(), share: num, samples: num }))
      .describe(
        "share of busy stack samples inside encapsulation, encryption, bridge, conntrack, netfilter, qdisc, socket, driver work",
      ),
    callDepth: z
      .object({ send: z.array(DepthBucketSchema), receive: z.array(DepthBucketSchema) })
      .describe(
        "frames below the send (udp_sendmsg, tcp_sendmsg) and receive (__netif_receive_skb, net_rx_action) entries in sampled stacks",
      ),
    processShares: z
      .array(z.object({ pid: num, comm: z.string(), samples: num, share: num }))
      .describe("share of busy stack samples per process"),
    dropStacks: z
      .array(z.object({ reason: num, reasonName: z.string(), frames: z.array(z.string()), samples: num }))
      .describe(
        "the drops probe's sampled kernel stacks of dropped packets, most frequent first (empty without it)",
      ),
  }),
  environment: z
    .object({
      start: EnvSnapshotSchema,
      stop: EnvSnapshotSchema.optional(),
      changes: z.array(EnvChangeSchema).describe("what differed between start and stop"),
    })
    .optional()
    .describe("devices, offloads, MTUs, queues and IRQ affinity at session start and stop"),
  bpfPrograms: z
    .object({
      seconds: num.describe("between the two readings that bracket the window"),
      statsEnabled: z
        .boolean()
        .describe("kernel.bpf_stats_enabled was 1 at both readings: run times moved (else they read 0)"),
      source: z.string().describe("fdinfo (programs processes hold), or fdinfo+bpftool (every program)"),
      programs: z.array(BpfProgramUseSchema).describe("every BPF program that ran during the window"),
    })
    .optional()
    .describe(
      "BPF programs that ran during the window, overlayscope's own and others' (a tracer, a security agent, an eBPF dataplane): a program on a per-packet event runs on the packets' path",
    ),
  hardware: z
    .object({
      supported: z.boolean(),
      reason: z.string(),
      totals: z.record(z.string(), num).describe("event → count summed over CPUs and the window"),
      memorySupported: z.boolean(),
      memoryReason: z.string(),
      memoryBytes: num.describe("read + write bytes over the window (0 when not measurable)"),
    })
    .describe("hardware counters over the window, or why they could not be read"),
  processes: z.array(ProcessTotalSchema).describe("the top processes by CPU over the window"),
  lab: z
    .object({
      id: z.string(),
      topology: z.string(),
      setupMs: num.describe("ms to build one container and reach its peer (mean over the containers)"),
      pairs: num
        .optional()
        .describe("client/server pairs the benchmark ran across the topology at once (absent: 1)"),
      path: z.array(z.object({ netns: z.string(), device: z.string(), kind: z.string() })),
      phase: z
        .enum(["single", "rates", "probed"])
        .optional()
        .describe(
          "rates: measured with the per-packet probes off (the figures to compare); probed: a short second run with them on, for depth and probe counters; single: one run with what was asked",
        ),
    })
    .optional()
    .describe("the lab topology the benchmark crossed"),
  latency: LatencySchema.optional().describe(
    "sockperf ping-pong latency measured through the same lab, after the throughput run",
  ),
});

export type RunFile = z.infer<typeof RunFileSchema>;
export type RunSnapshot = RunFile["snapshots"][number];
export type EnvChange = z.infer<typeof EnvChangeSchema>;
