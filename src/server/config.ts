import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { OverlayscopeError } from "../util/errors.js";

export const DEFAULT_SOCKET = "/run/overlayscope/overlayscope.sock";

const HostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port");

export const DaemonConfigSchema = z
  .object({
    socket: z.string().min(1).default(DEFAULT_SOCKET),
    listen: HostPort.optional(),
    tls: z
      .object({
        cert: z.string().min(1),
        key: z.string().min(1),
        ca: z.string().min(1).optional(),
        requireClientCert: z.boolean().default(false),
      })
      .optional(),
    insecureTcp: z.boolean().default(false),
    metrics: HostPort.optional().describe("serve Prometheus /metrics over HTTP here"),
    calibrate: z
      .boolean()
      .default(false)
      .describe("measure tracepoint dispatch cost at start (once per boot)"),
    nice: z
      .number()
      .int()
      .min(0)
      .max(19)
      .default(10)
      .describe("niceness of the daemon and its bpftrace children; launched commands keep the original"),
    batch: z
      .boolean()
      .default(true)
      .describe(
        "run the daemon and its bpftrace children under SCHED_BATCH (no wakeup preemption of the benchmark); launched commands keep their policy",
      ),
    bpftrace: z
      .string()
      .regex(/^(bpftrace|\/[A-Za-z0-9_./+-]{1,255})$/, "must be an absolute path to a bpftrace binary")
      .default("bpftrace")
      .describe("the bpftrace binary (e.g. a newer release than the distribution's)"),
    hostNetns: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a namespace name under /var/run/netns"))
      .default([]),
    token: z.string().min(16, "must be at least 16 characters").optional(),
    limits: z
      .object({
        maxSessions: z.number().int().min(1).max(256).default(8),
        maxStreamsPerSession: z.number().int().min(1).max(1024).default(16),
        idleGraceMs: z.number().int().min(100).max(3_600_000).default(30_000),
        keepStopped: z.number().int().min(0).max(1000).default(32),
      })
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.listen && !c.tls && !c.insecureTcp) {
      ctx.addIssue({
        code: "custom",
        path: ["listen"],
        message: "TCP needs tls.cert/tls.key, or insecureTcp: true to accept plaintext",
      });
    }
    if (c.tls?.requireClientCert && !c.tls.ca)
      ctx.addIssue({ code: "custom", path: ["tls", "ca"], message: "requireClientCert needs a CA file" });
  });

export type DaemonConfig = z.infer<typeof DaemonConfigSchema>;

/**
 * One schema over three sources, validated before anything binds: YAML file < environment <
 * flags. Errors name the path (`limits.maxSessions: …`).
 */
export async function loadDaemonConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  flags: Record<string, unknown>,
): Promise<DaemonConfig> {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = (parseYaml(await readFile(file, "utf8")) as Record<string, unknown> | null) ?? {};
    } catch (e) {
      throw new OverlayscopeError("INVALID_ARGUMENT", `config ${file}: ${(e as Error).message}`, {
        field: "config",
      });
    }
  }
  const fromEnv: Record<string, unknown> = {};
  if (env.OVERLAYSCOPE_SOCKET) fromEnv.socket = env.OVERLAYSCOPE_SOCKET;
  if (env.OVERLAYSCOPE_LISTEN) fromEnv.listen = env.OVERLAYSCOPE_LISTEN;
  if (env.OVERLAYSCOPE_TOKEN) fromEnv.token = env.OVERLAYSCOPE_TOKEN;
  if (env.OVERLAYSCOPE_METRICS) fromEnv.metrics = env.OVERLAYSCOPE_METRICS;
  // Also how `overlayscope run` sets its embedded daemon's niceness (it takes no daemon flags).
  if (env.OVERLAYSCOPE_NICE)
    fromEnv.nice = /^\d+$/.test(env.OVERLAYSCOPE_NICE)
      ? Number(env.OVERLAYSCOPE_NICE)
      : env.OVERLAYSCOPE_NICE;
  if (env.OVERLAYSCOPE_BATCH) fromEnv.batch = !/^(0|false|no)$/i.test(env.OVERLAYSCOPE_BATCH);
  const merged: Record<string, unknown> = { ...fromFile, ...fromEnv };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  if (fromFile.limits || flags.limits)
    merged.limits = { ...(fromFile.limits as object), ...(flags.limits as object) };
  const parsed = DaemonConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const path = i.path.join(".") || "config";
    throw new OverlayscopeError("INVALID_ARGUMENT", `${path}: ${i.message}`, { field: path });
  }
  return parsed.data;
}
