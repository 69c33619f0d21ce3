/**
 * Flags every overlayscope Node process runs with (bin/overlayscope's `#!` line carries the same;
 * a test keeps them equal), chosen for a 1 Hz monitor on a benchmark's saturated cores:
 * - `--single-threaded-gc`: V8's default collector marks and sweeps on helper threads, each
 *   collection waking four of them onto the busy CPUs; with the flag an idle `run` made ~11
 *   context switches per helper thread per 15 s instead of ~100. Our heap is small, so the longer
 *   main-thread pauses do not matter.
 * - `--no-opt`: TurboFan kept compiling our per-interval code on a helper thread for the first
 *   minute of every session (0.5–1% of a core in `perf`); without the optimizing tier a `run`
 *   under the UDP flood used 0.65–0.70% of a core instead of 1.0–1.7% (3 interleaved runs). The
 *   price is slower hot loops: a 4096-stack map dump parses in ~72 ms instead of ~33 ms.
 */
export const NODE_FLAGS: readonly string[] = ["--single-threaded-gc", "--no-opt"];
