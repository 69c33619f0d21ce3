import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A process that builds a lab the way `lab bench` does (owned, removed on its exits), prints its
 * id and waits — for tests that SIGKILL it to make an orphan.
 */
export async function labOwnerProcess(
  topology: string,
): Promise<{ owner: ChildProcess; id: string; exited: Promise<unknown> }> {
  const owner = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `const { labUp } = await import('./src/lab/topology.ts'); const lab = await labUp(${JSON.stringify(topology)}); console.log(lab.id); setInterval(() => {}, 60_000);`,
    ],
    { cwd: join(import.meta.dirname, "..", ".."), stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = once(owner, "exit");
  const line = once(createInterface({ input: owner.stdout }), "line") as Promise<[string]>;
  // A build that fails exits before printing: say so rather than wait forever.
  const first = await Promise.race([line, exited.then(() => undefined)]);
  if (!first) throw new Error(`the lab owner process exited before building '${topology}'`);
  return { owner, id: first[0].trim(), exited };
}
