/**
 * Flags every overlayscope Node process runs with (bin/overlayscope's `#!` line carries the same;
 * a test keeps them equal), chosen for a 1 Hz monitor on a benchmark's saturated cores:
 * - `--single-threaded-gc`: V8's default collector marks and sweeps on helper threads, each
 *   collection waking four of them onto the busy CPUs; with the flag an idle `run` made ~11
 *   context switches per helper thread per 15 s instead of ~100. Our heap is small, so the longer
 *   main-thread pauses do not matter.
 * TurboFan is turned off later, once a session's window opens (src/util/steady-state.ts): as a
 * flag on the first line (`--no-opt`) it also slowed start-up by ~50 ms.
 */
export const NODE_FLAGS: readonly string[] = ["--single-threaded-gc"];
