import type { ProgCost } from "../bpftrace/bpf-stats.js";

/**
 * run_time_ns from BPF stats excludes the cost of getting into the program. These per-event
 * dispatch estimates are the midpoints of published bare-metal figures (tracepoint +15-96 ns,
 * kprobe +137-229 ns, BPFTRACE.md); a perf_event sample also pays the timer interrupt.
 */
export const DISPATCH_NS_BY_PROG_TYPE: Record<number, number> = {
  2: 180, // BPF_PROG_TYPE_KPROBE
  5: 55, // BPF_PROG_TYPE_TRACEPOINT
  7: 1000, // BPF_PROG_TYPE_PERF_EVENT
  17: 55, // BPF_PROG_TYPE_RAW_TRACEPOINT
};

/** Where the tracepoint figure came from: the static estimate, or a calibration on this kernel. */
export let dispatchSource: "bare-metal estimate" | "calibrated" = "bare-metal estimate";

/** A measurement on the running kernel (src/probes/dispatch-calibration.ts) replaces the estimate. */
export function setTracepointDispatchNs(ns: number, source: typeof dispatchSource): void {
  DISPATCH_NS_BY_PROG_TYPE[5] = ns;
  DISPATCH_NS_BY_PROG_TYPE[17] = ns;
  dispatchSource = source;
}

export interface ProbeSelfCost {
  /** The time the cost was measured over. */
  seconds: number;
  /** Kernel events that ran one of this probe's programs, per second. */
  eventsPerSec: number;
  /** Measured in-program time per event (BPF stats). */
  runNsPerEvent: number;
  /** Estimated dispatch time per event (not measured by BPF stats). */
  dispatchNsPerEvent: number;
  /** (run + dispatch) x events/s as a share of one CPU, in percent. */
  cpuPercent: number;
  programs: Array<ProgCost & { progType?: number }>;
}

export function selfCost(
  costs: ReadonlyArray<ProgCost & { progType?: number }>,
  seconds: number,
): ProbeSelfCost {
  let events = 0;
  let runNs = 0;
  let dispatchNs = 0;
  for (const c of costs) {
    events += c.events;
    runNs += c.runTimeNs;
    dispatchNs += c.events * (DISPATCH_NS_BY_PROG_TYPE[c.progType ?? 5] ?? 55);
  }
  const secs = seconds > 0 ? seconds : 1;
  return {
    seconds: secs,
    eventsPerSec: events / secs,
    runNsPerEvent: events ? runNs / events : 0,
    dispatchNsPerEvent: events ? dispatchNs / events : 0,
    cpuPercent: ((runNs + dispatchNs) / (secs * 1e9)) * 100,
    programs: [...costs],
  };
}
