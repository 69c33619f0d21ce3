import type { EnvSnapshot } from "../../src/collectors/env-snapshot.js";
import type { RunFile } from "../../src/run/run-file.js";

/**
 * A run whose environment is `start` and whose every interval received TCP segments in the given
 * namespaces (Tcp.InSegs per inode): where the diagnosis looks for the ends of its connections.
 */
export function withTcpEnds(
  run: RunFile,
  start: EnvSnapshot,
  byNs: ReadonlyArray<[number, number]>,
): RunFile {
  const inSegs = (inode: number, value: number): RunFile["snapshots"][number]["counters"][number] => ({
    probe: "snmp",
    metric: "InSegs",
    value,
    unit: "count",
    attributes: { netns: String(inode), netnsName: "", protocol: "Tcp" },
  });
  return {
    ...run,
    environment: { start, changes: [] },
    snapshots: run.snapshots.map((s) => ({
      ...s,
      counters: [...s.counters, ...byNs.map(([inode, n]) => inSegs(inode, n))],
    })),
  };
}
