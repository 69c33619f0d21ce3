/**
 * What reading one object's function symbols costs the daemon (src/symbols/elf-symbols.ts): the
 * stacks probe's user frames make the daemon read the symbol tables of every object a sampled
 * process maps, while the benchmark runs. Measured as the daemon runs, without the optimizing
 * compiler (src/util/steady-state.ts), median of --repeats reads (the page cache warm).
 *
 *   node --import tsx bench/symbol-read.ts [--repeats 7] [FILE ...]
 */
import { existsSync, realpathSync } from "node:fs";
import { readElfSymbols } from "../src/symbols/elf-symbols.js";
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
console.log("| object | functions | median | min–max |");
console.log("| --- | --- | --- | --- |");
for (const f of files) {
  const ms: number[] = [];
  let count = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    count = readElfSymbols(realpathSync(f))?.symbolCount ?? 0;
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const med = ms[Math.floor(ms.length / 2)]!;
  console.log(
    `| ${f} | ${count} | ${med.toFixed(0)} ms | ${ms[0]!.toFixed(0)}–${ms.at(-1)!.toFixed(0)} ms |`,
  );
}
