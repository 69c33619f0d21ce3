/**
 * Graceful work to do on SIGINT/SIGTERM before exiting (the daemon stops its sessions, flushing
 * final maps). Synchronous clean-up of children and namespaces runs afterwards on process exit.
 */
const hooks: Array<() => Promise<void>> = [];

export function onShutdown(fn: () => Promise<void>): void {
  hooks.push(fn);
}

export async function runShutdownHooks(deadlineMs: number): Promise<void> {
  await Promise.race([
    Promise.allSettled(hooks.map((h) => h())),
    new Promise((r) => setTimeout(r, deadlineMs).unref()),
  ]);
}

let finisher: { stop: () => void; done: Promise<unknown> } | undefined;

/**
 * Work that Ctrl-C should end early rather than abandon (record: stop the session, still write
 * the run file). `work` gets a promise that resolves when the user interrupts.
 */
export function stopEarlyOnInterrupt<T>(work: (interrupted: Promise<void>) => Promise<T>): Promise<T> {
  let stop!: () => void;
  const interrupted = new Promise<void>((r) => (stop = r));
  const done = work(interrupted);
  const entry = { stop, done };
  finisher = entry;
  return done.finally(() => {
    if (finisher === entry) finisher = undefined;
  });
}

/** On a signal: let such work finish (bounded); true when it did. */
export async function finishEarly(deadlineMs: number): Promise<boolean> {
  const f = finisher;
  if (!f) return false;
  f.stop();
  return Promise.race([
    f.done.then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), deadlineMs).unref()),
  ]);
}
