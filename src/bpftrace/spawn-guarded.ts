import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { trackChild } from "./child-registry.js";

let setprivWorks: boolean | undefined;

/**
 * Finds out without blocking, for a daemon starting up (the synchronous check below held its event
 * loop ~20 ms while other start-up work could run).
 */
export function checkSetprivPdeathsig(): Promise<void> {
  if (setprivWorks !== undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const child = spawn("setpriv", ["--pdeathsig", "KILL", "true"], { stdio: "ignore" });
    child.once("error", () => ((setprivWorks ??= false), resolve()));
    child.once("exit", (code) => ((setprivWorks ??= code === 0), resolve()));
  });
}

/** Whether util-linux `setpriv --pdeathsig` works here (a child can be tied to its parent's life). */
export function hasSetprivPdeathsig(): boolean {
  if (setprivWorks === undefined) {
    const r = spawnSync("setpriv", ["--pdeathsig", "KILL", "true"], { stdio: "ignore" });
    setprivWorks = r.status === 0;
  }
  return setprivWorks;
}

/**
 * Spawns a child that the kernel kills if we die, even by SIGKILL: util-linux `setpriv
 * --pdeathsig KILL` sets PR_SET_PDEATHSIG and then execs the program in place (same pid).
 */
export function spawnGuarded(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = hasSetprivPdeathsig()
    ? spawn("setpriv", ["--pdeathsig", "KILL", "--", file, ...args], options)
    : spawn(file, args, options);
  trackChild(child);
  return child;
}
