import { setFlagsFromString } from "node:v8";

let entered = false;

/**
 * Turns V8's optimizing compiler off from here on: TurboFan kept recompiling the per-interval code
 * on a helper thread through each session's first minute (0.5–1% of a core in `perf`, on the
 * benchmark's cores); without it a `run` under the UDP flood used 0.65–0.70% of a core instead of
 * 1.0–1.7% (3 interleaved runs). Start-up keeps it: `--no-opt` from the first line cost ~50 ms
 * of a `run -- true` (0.98–1.01 s against 1.03–1.07 s, 5 interleaved runs). Code optimized until
 * now stays optimized; V8 reads the flag at each tiering decision.
 */
export function enterSteadyState(): void {
  if (entered) return;
  entered = true;
  setFlagsFromString("--no-opt");
}
