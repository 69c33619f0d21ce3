/** What a probe costs, as the CLI prints it: one line per probe, the figures behind the share. */
export interface ProbeCostFigures {
  probe: string;
  eventsPerSecond: number;
  runNsPerEvent: number;
  dispatchNsPerEvent: number;
  cpuPercent: number;
}

export function formatProbeCost(c: ProbeCostFigures): string {
  const rate =
    c.eventsPerSecond >= 1e6
      ? `${(c.eventsPerSecond / 1e6).toFixed(2)} M`
      : c.eventsPerSecond >= 1e3
        ? `${(c.eventsPerSecond / 1e3).toFixed(1)} k`
        : c.eventsPerSecond.toFixed(0);
  return `${c.probe} ${c.cpuPercent.toFixed(2)}% of a core (${rate} events/s × (${c.runNsPerEvent.toFixed(0)} ns run + ${c.dispatchNsPerEvent.toFixed(0)} ns dispatch))`;
}
