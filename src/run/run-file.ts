import { writeFile } from "node:fs/promises";
import { z } from "zod";

/**
 * The run file: everything one recording saw, versioned. The zod schema is the single source of
 * both the TypeScript type and docs/run-file.schema.json (`npm run gen:schema`).
 */
export const RUN_SCHEMA_ID = "overlayscope.run/v1";

const num = z.number();
const CpuUsage = z.object({
  cpu: num,
  usr: num,
  nice: num,
  sys: num,
  iowait: num,
  irq: num,
  softirq: num,
  steal: num,
  idle: num,
});
const SoftirqRate = z.object({
  cpu: num,
  vector: z.string(),
  perSecond: num,
  probePerSecond: num,
  probeTimeNsPerSecond: num,
});
const DeviceRate = z.object({
  netns: num,
  netnsName: z.string(),
  device: z.string(),
  rxPacketsPerSecond: num,
  txPacketsPerSecond: num,
  rxBitsPerSecond: num,
  txBitsPerSecond: num,
  dropsPerSecond: num,
});
const ProbeCost = z.object({
  probe: z.string(),
  variant: z.string(),
  eventsPerSecond: num,
  runNsPerEvent: num,
  dispatchNsPerEvent: num,
  cpuPercent: num,
});
const Bucket = z.object({ min: num, max: num, count: num });
const Histogram = z.object({
  probe: z.string(),
  name: z.string(),
  unit: z.string(),
  buckets: z.array(Bucket),
});
const Counter = z.object({ probe: z.string(), name: z.string(), value: num, unit: z.string() });
const FunctionShare = z.object({ function: z.string(), share: num });

export const SnapshotSchema = z.object({
  seq: num,
  atMs: num,
  seconds: num,
  cpus: z.array(CpuUsage),
  softirqs: z.array(SoftirqRate),
  devices: z.array(DeviceRate),
  probeCosts: z.array(ProbeCost),
  histograms: z.array(Histogram),
  counters: z.array(Counter),
  callDepth: z.array(z.object({ depth: num, samples: num })),
  topFunctions: z.array(FunctionShare),
  events: z.array(z.object({ code: z.string(), message: z.string() })),
  final: z.boolean(),
});

export const ProfileStackSchema = z.object({
  frames: z.array(z.string()).describe("kernel function names, innermost first"),
  userFrames: z
    .array(z.string())
    .default([])
    .describe("user-space function names, innermost first; object+0xoffset when unresolved"),
  pid: num,
  comm: z.string(),
  cpu: num,
  context: z.enum(["hardirq", "softirq", "task", "idle"]),
  samples: num,
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
  }),
  target: z.string(),
  intervalMs: num,
  durationSeconds: num,
  probes: z.array(z.object({ name: z.string(), variant: z.string(), costClass: z.string() })),
  command: z
    .object({ argv: z.array(z.string()), pid: num, exitCode: num.nullable() })
    .optional()
    .describe("the benchmark overlayscope ran, for `run`"),
  benchmark: z
    .object({
      tool: z.string(),
      protocol: z.string(),
      messageBytes: num,
      seconds: num,
      bitsPerSecond: num,
      packetsSent: num,
      packetsReceived: num,
      lostPercent: num,
      raw: z.unknown(),
    })
    .optional()
    .describe("the benchmark's own figures, next to ours"),
  snapshots: z.array(SnapshotSchema),
  profile: z.object({ hz: num, durationSeconds: num, stacks: z.array(ProfileStackSchema) }),
  summary: z.object({
    stackSamples: num,
    topFunctions: z.array(FunctionShare),
    probeCosts: z.array(ProbeCost),
  }),
  environment: z.unknown().optional().describe("the environment snapshot taken at session start"),
  lab: z
    .object({
      id: z.string(),
      topology: z.string(),
      setupMs: num,
      path: z.array(z.object({ netns: z.string(), device: z.string(), kind: z.string() })),
    })
    .optional()
    .describe("the lab topology the benchmark crossed"),
  latency: z
    .object({
      tool: z.string(),
      messageBytes: num,
      avgUs: num,
      p50Us: num,
      p99Us: num,
      p999Us: num,
      observations: num,
    })
    .optional()
    .describe("sockperf ping-pong latency measured through the same lab, after the throughput run"),
  hardware: z
    .object({ supported: z.boolean(), reason: z.string() })
    .optional()
    .describe("whether hardware counters were available"),
});

export type RunFile = z.infer<typeof RunFileSchema>;
export type RunSnapshot = z.infer<typeof SnapshotSchema>;

export async function writeRunFile(path: string, run: RunFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(run, null, 1)}\n`);
}
