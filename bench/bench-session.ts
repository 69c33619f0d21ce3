import type { ProbeEngine } from "../src/probes/engine.js";
import { ProfilingSession } from "../src/session/session.js";
import { resolveTarget } from "../src/session/target.js";

/**
 * A whole-host session as the daemon runs one by default (stack_hz 0 → 19 Hz), detached and
 * without an idle limit, for benchmarks that measure what a session costs.
 */
export async function benchSession(
  engine: ProbeEngine,
  label: string,
  probes: Array<{ name: string; params?: Record<string, unknown> }>,
  intervalMs = 1000,
): Promise<ProfilingSession> {
  return new ProfilingSession(engine, {
    target: await resolveTarget(undefined),
    probes,
    intervalMs,
    stackHz: 19,
    durationMs: 0,
    detached: true,
    hardwareCounters: true,
    label,
    idleGraceMs: 3_600_000,
  });
}
