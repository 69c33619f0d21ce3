import type { BpfProgramsSnapshot } from "../collectors/bpf-programs.js";
import { selfCost } from "../probes/self-cost.js";
import type { RunFile } from "./run-model.js";

/**
 * The BPF programs that ran between two readings, with their run time, runs and CPU (run time
 * plus the per-event cost of reaching them, as overlayscope's own probes' self-cost counts it).
 * A program loaded during the window counts from zero. The daemon's own bpftrace children (held
 * by a process the daemon started, or the daemon itself) are marked own.
 */
export function bpfProgramUse(
  start: BpfProgramsSnapshot,
  stop: BpfProgramsSnapshot,
  daemonPid: number,
): NonNullable<RunFile["bpfPrograms"]> {
  const before = new Map(start.programs.map((p) => [p.id, p]));
  const programs: NonNullable<RunFile["bpfPrograms"]>["programs"] = [];
  for (const p of stop.programs) {
    const b = before.get(p.id);
    // A reused id is another program: its counters start again.
    const fresh = !b || b.type !== p.type || p.runCount < b.runCount;
    const runCount = p.runCount - (fresh ? 0 : b.runCount);
    const runTimeNs = p.runTimeNs - (fresh ? 0 : b.runTimeNs);
    if (runCount <= 0) continue;
    const holders = p.holders.length ? p.holders : (b?.holders ?? []);
    const cost = selfCost(
      [{ progId: p.id, events: runCount, runTimeNs, nsPerEvent: 0, progType: p.type }],
      1,
    );
    programs.push({
      id: p.id,
      type: p.typeName,
      name: p.name || b?.name || "",
      holders: holders.map((h) => ({ pid: h.pid, comm: h.comm })),
      own: holders.some((h) => h.pid === daemonPid || h.ppid === daemonPid),
      runTimeNs,
      runCount,
      cpuSeconds: cost.cpuPercent / 100,
    });
  }
  return {
    seconds: Math.max(0, (stop.takenAt - start.takenAt) / 1000),
    statsEnabled: start.statsEnabled && stop.statsEnabled,
    source: stop.source,
    programs: programs.sort((x, y) => y.cpuSeconds - x.cpuSeconds),
  };
}
