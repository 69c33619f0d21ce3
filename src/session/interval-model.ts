import { z } from "zod";

/**
 * One interval of a session, defined once: the session builds it, the gRPC Snapshot message
 * mirrors it field by field (test/session/interval-model.test.ts compares them), and the run file
 * keeps a list of them. Values carry attributes instead of names with meaning baked in, so a
 * consumer selects by attribute and never parses a name back.
 */
const num = z.number();
const Attributes = z
  .record(z.string(), z.string())
  .describe("what the value belongs to, e.g. {netns, device, direction} or {cpu, vector}");

export const CpuUsageSchema = z.object({
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
export const SoftirqRateSchema = z.object({
  cpu: num,
  vector: z.string(),
  perSecond: num.describe("from /proc/softirqs"),
  probePerSecond: num.describe("from the softirq probe, when it ran"),
  probeTimeNsPerSecond: num,
});
export const DeviceRateSchema = z.object({
  netns: num,
  netnsName: z.string(),
  device: z.string(),
  rxPacketsPerSecond: num,
  txPacketsPerSecond: num,
  rxBitsPerSecond: num,
  txBitsPerSecond: num,
  dropsPerSecond: num,
});
export const ProbeCostSchema = z.object({
  probe: z.string(),
  variant: z.string(),
  eventsPerSecond: num,
  runNsPerEvent: num,
  dispatchNsPerEvent: num,
  cpuPercent: num,
});
export const HistogramBucketSchema = z.object({ min: num, max: num, count: num });
export const HistogramSchema = z.object({
  probe: z.string(),
  metric: z.string(),
  unit: z.string(),
  buckets: z.array(HistogramBucketSchema),
  attributes: Attributes,
});
export const CounterSchema = z.object({
  probe: z.string(),
  metric: z.string(),
  value: num,
  unit: z.string(),
  attributes: Attributes,
});
export const DepthBucketSchema = z.object({ depth: num, samples: num });
export const FunctionShareSchema = z.object({ function: z.string(), share: num });
export const SessionEventSchema = z.object({ code: z.string(), message: z.string() });
export const HardwareValueSchema = z.object({
  cpu: num,
  event: z.string(),
  value: num,
  counted: z.boolean(),
  reason: z.string(),
});
export const HardwareSampleSchema = z.object({
  supported: z.boolean(),
  reason: z.string(),
  values: z.array(HardwareValueSchema),
  memorySupported: z.boolean(),
  memoryReason: z.string(),
  memoryReadBytes: num,
  memoryWriteBytes: num,
  memoryCombined: z.boolean(),
});
export const ProcessCpuSchema = z.object({
  pid: num,
  ppid: num.default(0).describe("the parent process (0 when unknown)"),
  comm: z.string(),
  netns: num,
  netnsName: z.string(),
  cgroup: z.string(),
  cpuCgroup: z
    .string()
    .default("")
    .describe(
      "the cgroup holding the cpu controller for it (cgroup v1's cpu hierarchy on hybrid hosts, else the same as cgroup); match it to cpu-quota counters",
    ),
  allowedCpus: z
    .array(num)
    .default([])
    .describe(
      "the CPUs it may run on (Cpus_allowed_list, read when the session first reports it) when fewer than every online CPU: taskset, a cpuset; empty when all of them",
    ),
  cpuSeconds: num,
});

export const IntervalSchema = z.object({
  seq: num,
  atMs: num,
  seconds: num,
  cpus: z.array(CpuUsageSchema),
  softirqs: z.array(SoftirqRateSchema),
  devices: z
    .array(DeviceRateSchema)
    .describe("the devices that moved packets in the interval (idle ones are left out)"),
  probeCosts: z.array(ProbeCostSchema),
  histograms: z.array(HistogramSchema),
  counters: z.array(CounterSchema),
  callDepth: z.array(DepthBucketSchema),
  topFunctions: z.array(FunctionShareSchema),
  events: z.array(SessionEventSchema),
  final: z.boolean(),
  hardware: HardwareSampleSchema.optional().describe("absent when hardware counters were not asked for"),
  processes: z.array(ProcessCpuSchema).describe("the top processes by CPU over the interval"),
  busySamples: num.default(0).describe("busy (non-idle) stack samples taken in the interval"),
  frameClasses: z
    .array(z.object({ frameClasses: z.array(z.string()), samples: num }))
    .default([])
    .describe("busy samples holding a frame of any of each set of frame classes"),
  entryDepth: z
    .array(z.object({ entry: z.string().describe("send or receive"), samples: num, meanFrames: num }))
    .default([])
    .describe("frames below the send and receive entries in the interval's stack samples"),
});

export type Interval = z.infer<typeof IntervalSchema>;
export type IntervalCounter = z.infer<typeof CounterSchema>;
export type IntervalHistogram = z.infer<typeof HistogramSchema>;
export type HardwareSample = z.infer<typeof HardwareSampleSchema>;
export type ProcessCpu = z.infer<typeof ProcessCpuSchema>;
export type ProbeCostFigure = z.infer<typeof ProbeCostSchema>;
export type SessionEventValue = z.infer<typeof SessionEventSchema>;
