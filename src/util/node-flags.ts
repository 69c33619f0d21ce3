/**
 * Flags every overlayscope Node process runs with (bin/overlayscope's `#!` line carries the same;
 * a test keeps them equal). V8's default garbage collector marks and sweeps on helper threads:
 * each collection wakes four of them, and on a benchmark's saturated cores every wakeup is a
 * context switch the benchmark pays for. Collected on the main thread instead, the embedded
 * daemon's CPU fell from 2.1-2.9% to 1.5-2.0% of a core under a UDP flood, and its helper threads'
 * context switches from ~100 to ~11 per 15 s when idle (bench notes in the README). A monitoring
 * agent's heap is small, so the longer main-thread pauses do not matter.
 */
export const NODE_FLAGS: readonly string[] = ["--single-threaded-gc"];
