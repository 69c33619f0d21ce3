import { z } from "zod";

/**
 * A study: a sweep of lab benchmarks, one run file per cell made the normal way (`lab bench`), and
 * a row of figures per cell. The zod schema is the one definition of the study file's shape.
 */
export const STUDY_SCHEMA_ID = "overlayscope.study/v1";

const num = z.number();

/** What identifies a cell: a resumed study keeps a finished cell only when all of it matches. */
export const StudyCellKeySchema = z.object({
  topology: z.string(),
  protocol: z.enum(["udp", "tcp"]),
  length: num.describe("message size, bytes"),
  parallel: num.describe("parallel flows"),
  pairs: num.default(1).describe("client/server container pairs, each running the parallel flows"),
  seconds: num.describe("benchmark length"),
});

export const StudyRowSchema = z.object({
  bitsPerSecond: num.describe("the benchmark's own throughput"),
  packetsPerSecond: num,
  cpuUsPerPacket: num.nullable().describe("busy CPU time per packet (service demand)"),
  cpuUsPerKB: num.nullable(),
  busiestCorePercent: num.describe("the busiest core's busy share over the run"),
  softirqPercent: num.describe("softirq time, summed over the cores, as percent of one core"),
  hardirqPercent: num.describe("hard-IRQ time, summed over the cores, as percent of one core"),
  softirqsPerPacket: num.nullable(),
  callDepth: num.nullable().describe("mean udp_sendmsg call depth, from the probed second phase"),
  setupMs: num.nullable().describe("time to build the topology"),
  cacheMissesPerPacket: num
    .nullable()
    .default(null)
    .describe("hardware cache misses per packet (perf); null where the host has no PMU"),
  memoryBytesPerSecond: num
    .nullable()
    .default(null)
    .describe("memory traffic, read + write bytes/s (uncore IMC or resctrl); null where not measurable"),
  latencyP50Us: num.nullable(),
  latencyP99Us: num.nullable(),
  lostPercent: num,
});

export const StudyCellSchema = StudyCellKeySchema.extend({
  file: z.string().describe("the cell's run file, relative to the study directory"),
  probedFile: z.string().optional(),
  row: StudyRowSchema,
});

export const StudySchema = z.object({
  schema: z.literal(STUDY_SCHEMA_ID),
  createdAt: z.string(),
  overlayscopeVersion: z.string(),
  preset: z.string().optional(),
  plan: z.array(StudyCellKeySchema).describe("every cell asked for, in the order they run"),
  cells: z.array(StudyCellSchema).describe("the finished ones"),
  complete: z.boolean().describe("false while running, or after Ctrl-C: --resume continues it"),
});

export type StudyCellKey = z.infer<typeof StudyCellKeySchema>;
export type StudyRow = z.infer<typeof StudyRowSchema>;
export type StudyCell = z.infer<typeof StudyCellSchema>;
export type Study = z.infer<typeof StudySchema>;

/** A cell's name (its run files'): one pair leaves the pairs out, as studies before pairs named it. */
export const cellId = (k: StudyCellKey): string =>
  `${k.topology}-${k.protocol}${k.length}-p${k.parallel}${k.pairs > 1 ? `-n${k.pairs}` : ""}-${k.seconds}s`;
