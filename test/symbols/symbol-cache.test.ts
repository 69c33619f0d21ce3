import assert from "node:assert/strict";
import {
  appendFileSync,
  copyFileSync,
  readdirSync,
  readFileSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { indexedSymbols, readElfSymbols, type ElfSymbols } from "../../src/symbols/elf-symbols.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import { tempDir } from "../helpers/temp-dir.js";

const work = tempDir("symcache");

/** The libc this process maps: a real object with a build id, copied so the tests may change it. */
const libc = /\s(\/\S*libc\.so\.6)$/m.exec(readFileSync("/proc/self/maps", "utf8"))?.[1];
assert.ok(libc, "this process maps a libc.so.6");

function copyOfLibc(name: string): string {
  const path = join(work, name);
  copyFileSync(libc!, path);
  return path;
}

const entries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".sym"));

/** Every symbol's start, a byte in and its last byte, and the gaps: where two readers must agree. */
function sameLookups(a: ElfSymbols, b: ElfSymbols, object: string): void {
  assert.equal(a.symbolCount, b.symbolCount);
  assert.equal(a.buildId, b.buildId);
  const text = readElfSymbols(object)!;
  let checked = 0;
  for (let fileOffset = 0; fileOffset < 2_000_000; fileOffset += 97) {
    const vaddr = text.offsetToVaddr(fileOffset);
    assert.equal(a.offsetToVaddr(fileOffset), vaddr);
    assert.equal(b.offsetToVaddr(fileOffset), vaddr);
    if (vaddr === undefined) continue;
    assert.equal(b.lookup(vaddr), a.lookup(vaddr), `at 0x${vaddr.toString(16)}`);
    if (a.lookup(vaddr) !== undefined) checked++;
  }
  assert.ok(checked > 1000, `${checked} addresses resolved`);
}

test("a cached read resolves every address as reading the object does, and is keyed by build id and size", () => {
  const dir = join(work, "cache-a");
  const object = copyOfLibc("libc-a.so");
  const direct = readElfSymbols(object)!;
  assert.ok(direct.buildId.length >= 16, "libc has a build id");

  const first = new SymbolCache(dir).read(object)!;
  const size = readFileSync(object).length;
  assert.deepEqual(entries(dir), [`${direct.buildId}-${size}.sym`]);
  const second = new SymbolCache(dir).read(object)!;
  sameLookups(direct, indexedSymbols(first), object);
  sameLookups(direct, indexedSymbols(second), object);

  // A copy of the same build with another size (a stripped one has fewer symbols) is its own entry.
  const longer = copyOfLibc("libc-longer.so");
  appendFileSync(longer, Buffer.alloc(16));
  new SymbolCache(dir).read(longer);
  assert.deepEqual(
    entries(dir).sort(),
    [`${direct.buildId}-${size}.sym`, `${direct.buildId}-${size + 16}.sym`].sort(),
  );
});

test("a later process takes the symbols from the entry, not from the object", () => {
  const dir = join(work, "cache-b");
  const object = copyOfLibc("libc-b.so");
  const count = new SymbolCache(dir).read(object)!.starts.length;
  // Same build id and size, but no section headers left: read directly, it has no symbols.
  const elf = readFileSync(object);
  elf.fill(0, 0x28, 0x30); // e_shoff
  writeFileSync(object, elf);
  assert.equal(readElfSymbols(object)!.symbolCount, 0);
  assert.equal(new SymbolCache(dir).read(object)!.starts.length, count);
});

test("an entry that does not check out is a miss: the object is read and the entry written again", () => {
  const dir = join(work, "cache-c");
  const object = copyOfLibc("libc-c.so");
  const direct = readElfSymbols(object)!;
  new SymbolCache(dir).read(object);
  const [name] = entries(dir);
  const entry = join(dir, name!);
  const good = readFileSync(entry);

  const damaged: Array<[string, () => void]> = [
    ["truncated", () => truncateSync(entry, good.length - 1)],
    ["another magic", () => writeFileSync(entry, Buffer.concat([Buffer.from("NOTSYMS!"), good.subarray(8)]))],
    [
      "a name outside its table",
      () => {
        const bad = Buffer.from(good);
        // The first name offset: after the header, segments, table lengths and build id, 8-aligned,
        // and two Float64Arrays of n entries.
        const n = bad.readUInt32LE(8);
        const meta = 24 + bad.readUInt32LE(12) * 24 + bad.readUInt32LE(16) * 4 + bad.readUInt32LE(20);
        bad.writeUInt32LE(0xffffffff, ((meta + 7) & ~7) + n * 16);
        writeFileSync(entry, bad);
      },
    ],
  ];
  for (const [what, damage] of damaged) {
    damage();
    const read = new SymbolCache(dir).read(object);
    assert.ok(read, what);
    sameLookups(direct, indexedSymbols(read), object);
    assert.deepEqual(readFileSync(entry), good, `${what}: entry written again`);
  }
});

test("the least recently used entries go past the cache's limits", () => {
  const dir = join(work, "cache-d");
  const cache = new SymbolCache(dir, { entries: 1, bytes: 1 << 30 });
  const older = copyOfLibc("libc-d1.so");
  const newer = copyOfLibc("libc-d2.so");
  appendFileSync(newer, Buffer.alloc(8));
  cache.read(older);
  const [first] = entries(dir);
  utimesSync(join(dir, first!), new Date(0), new Date(0));
  cache.read(newer);
  const size = readFileSync(newer).length;
  assert.deepEqual(
    entries(dir).map((f) => f.endsWith(`-${size}.sym`)),
    [true],
  );
});
