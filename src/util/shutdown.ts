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
