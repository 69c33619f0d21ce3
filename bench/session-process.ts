/**
 * A default session in a process of its own (as the daemon runs it), for the observer-effect
 * bench's "separate process" configurations: prints "ready" once attached, stops on SIGTERM.
 *
 *   node --import tsx bench/session-process.ts
 */
import { ProbeEngine } from "../src/probes/engine.js";
import { benchSession } from "./bench-session.js";

const engine = await ProbeEngine.create();
const session = await benchSession(
  engine,
  "observer-effect",
  engine.defaultProbes().map((name) => ({ name })),
);
await session.start();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void session.stop().then(() => process.exit(0));
});
