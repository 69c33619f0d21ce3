/**
 * A default session in a process of its own (as the daemon runs it), for the observer-effect
 * bench's "separate process" configurations: prints "ready" once attached, stops on SIGTERM.
 *
 *   node --import tsx bench/session-process.ts
 */
import { ProbeEngine } from "../src/probes/engine.js";
import { ProfilingSession } from "../src/session/session.js";
import { resolveTarget } from "../src/session/target.js";

const engine = await ProbeEngine.create();
const session = new ProfilingSession(engine, {
  target: await resolveTarget(undefined),
  probes: engine.defaultProbes().map((name) => ({ name })),
  intervalMs: 1000,
  stackHz: 19,
  durationMs: 0,
  detached: true,
  hardwareCounters: true,
  label: "observer-effect",
  idleGraceMs: 3_600_000,
});
await session.start();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void session.stop().then(() => process.exit(0));
});
