/**
 * What reading one object's function symbols costs the daemon (src/symbols/elf-symbols.ts): the
 * stacks probe's user frames make the daemon read the symbol tables of every object a sampled
 * process maps, while the benchmark runs. Measured as the daemon runs, without the optimizing
 * compiler (src/util/steady-state.ts), median of --repeats reads (the page cache warm): from the
 * object, and from the symbol cache (src/symbols/symbol-cache.ts, a later process's read; a
 * throw-away cache directory, filled by one read first).
 *
 *   node --import tsx bench/symbol-read.ts [--repeats 7] [FILE ...]
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexedSymbols, readElfSymbols } from "../src/symbols/elf-symbols.js";
import { SymbolCache } from "../src/symbols/symbol-cache.js";
import { enterSteadyState } from "../src/util/steady-state.js";

const i = process.argv.indexOf("--repeats");
const REPEATS = i >= 0 ? Number(process.argv[i + 1]) : 7;
const given = process.argv.slice(2).filter((a, k, all) => a !== "--repeats" && all[k - 1] !== "--repeats");
const files = (
  given.length
    ? given
    : [
        process.execPath,
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
        "/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1",
      ]
).filter((f) => existsSync(f));

enterSteadyState();
console.log(
  `function symbols read without the optimizing compiler, median of ${REPEATS} (${new Date().toISOString().slice(0, 10)})`,
);
const cacheDir = mkdtempSync(join(tmpdir(), "os-bench-symcache-"));
process.on("exit", () => rmSync(cacheDir, { recursive: true, force: true }));

/** Median and range of `REPEATS` timed calls of `read`, and what the last one counted. */
function timed(read: () => number): { count: number; text: string } {
  const ms: number[] = [];
  let count = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    count = read();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const med = ms[Math.floor(ms.length / 2)]!;
  return { count, text: `${med.toFixed(1)} ms (${ms[0]!.toFixed(1)}–${ms.at(-1)!.toFixed(1)})` };
}

console.log("| object | functions | from the object: median (min–max) | from the cache |");
console.log("| --- | --- | --- | --- |");
for (const f of files) {
  const path = realpathSync(f);
  const direct = timed(() => readElfSymbols(path)?.symbolCount ?? 0);
  new SymbolCache(cacheDir).read(path);
  // A new SymbolCache each time, as a new `overlayscope run` process would have.
  const cached = timed(() => {
    const data = new SymbolCache(cacheDir).read(path);
    return data ? indexedSymbols(data).symbolCount : 0;
  });
  if (cached.count !== direct.count) throw new Error(`${f}: ${cached.count} cached, ${direct.count} read`);
  console.log(`| ${f} | ${direct.count} | ${direct.text} | ${cached.text} |`);
}
