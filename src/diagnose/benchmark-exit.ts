import type { BenchmarkExit, RunFigures } from "./run-figures.js";

/** A benchmark that exited with a status other than 0 (a signal counts, as its shell reports it). */
export const failed = (e: BenchmarkExit): boolean => e.code !== null && e.code !== 0;

const failedShare = (f: RunFigures): number =>
  f.benchmarkExits.length ? f.benchmarkExits.filter(failed).length / f.benchmarkExits.length : 0;

/**
 * The side whose benchmark runs failed more often than the other's, if any. Runs that fail alike
 * (both stopped by a signal at the end of their sessions) do not make a side.
 */
export function failedSide(b: RunFigures, s: RunFigures): "baseline" | "subject" | undefined {
  const fb = failedShare(b);
  const fs = failedShare(s);
  return fb === fs ? undefined : fs > fb ? "subject" : "baseline";
}
