import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readElfSymbols } from "../../src/symbols/elf-symbols.js";

interface Sym {
  name: string;
  value: number;
  size: number;
  /** STT_FUNC unless given. */
  kind?: number;
  /** Section index; 0 = undefined (lives in another object). */
  shndx?: number;
}

/** A string table and where each name starts in it. */
function strtab(names: readonly string[]): { bytes: Buffer; at: Map<string, number> } {
  const at = new Map<string, number>();
  const parts = [Buffer.from([0])];
  let off = 1;
  for (const n of names) {
    at.set(n, off);
    parts.push(Buffer.from(`${n}\0`));
    off += n.length + 1;
  }
  return { bytes: Buffer.concat(parts), at };
}

function symtab(syms: readonly Sym[], at: Map<string, number>): Buffer {
  const b = Buffer.alloc(24 * (syms.length + 1)); // entry 0 is the null symbol
  syms.forEach((s, i) => {
    const o = 24 * (i + 1);
    b.writeUInt32LE(at.get(s.name)!, o);
    b[o + 4] = (1 << 4) | (s.kind ?? 2); // STB_GLOBAL, type
    b.writeUInt16LE(s.shndx ?? 5, o + 6);
    b.writeBigUInt64LE(BigInt(s.value), o + 8);
    b.writeBigUInt64LE(BigInt(s.size), o + 16);
  });
  return b;
}

/** A 64-bit little-endian ELF with only a .dynsym/.dynstr and a .symtab/.strtab (no segments). */
function elf(dynamic: readonly Sym[], full: readonly Sym[]): Buffer {
  const dynstr = strtab(dynamic.map((s) => s.name));
  const str = strtab(full.map((s) => s.name));
  const sections = [
    { type: 3, data: dynstr.bytes, link: 0 },
    { type: 11, data: symtab(dynamic, dynstr.at), link: 1 },
    { type: 3, data: str.bytes, link: 0 },
    { type: 2, data: symtab(full, str.at), link: 3 },
  ];
  let off = 64;
  const placed = sections.map((s) => {
    const o = off;
    off += s.data.length + ((8 - (s.data.length % 8)) % 8);
    return { ...s, offset: o };
  });
  const shoff = off;
  const out = Buffer.alloc(shoff + 64 * (sections.length + 1));
  out.writeUInt32BE(0x7f454c46, 0);
  out[4] = 2; // ELFCLASS64
  out[5] = 1; // little-endian
  out[6] = 1;
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(64, 0x34);
  out.writeUInt16LE(56, 0x36);
  out.writeUInt16LE(64, 0x3a);
  out.writeUInt16LE(sections.length + 1, 0x3c);
  placed.forEach((s, i) => {
    s.data.copy(out, s.offset);
    const h = shoff + 64 * (i + 1);
    out.writeUInt32LE(s.type, h + 4);
    out.writeBigUInt64LE(BigInt(s.offset), h + 24);
    out.writeBigUInt64LE(BigInt(s.data.length), h + 32);
    out.writeUInt32LE(s.link, h + 40);
  });
  return out;
}

const DYNAMIC: Sym[] = [
  { name: "f", value: 0x1000, size: 0x10 },
  { name: "imported", value: 0, size: 0, shndx: 0 },
];
const FULL: Sym[] = [
  { name: "f@@V1", value: 0x1000, size: 0x10 },
  { name: "helper_asm", value: 0x2000, size: 0 },
  { name: "g_long_alias", value: 0x3000, size: 8 },
  { name: "g", value: 0x3000, size: 8 },
  { name: "a_table", value: 0x3100, size: 64, kind: 1 },
  { name: "undefined_here", value: 0x4000, size: 8, shndx: 0 },
  { name: "after", value: 0x5000, size: 4 },
];

for (const [label, extra] of [
  ["addresses that pack into one sorted array", []],
  // 2^51 · 2^k is past 2^53: the reader sorts with a comparator instead.
  ["an object linked past 2^50 (the comparator sort)", [{ name: "high", value: 2 ** 51, size: 0x20 }]],
] as Array<[string, Sym[]]>) {
  test(`ELF symbols: one name per address, sizes and aliases — ${label}`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), "os-elf-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "synthetic.so");
    writeFileSync(path, elf(DYNAMIC, [...FULL, ...extra]));
    const syms = readElfSymbols(path);
    assert.ok(syms);
    assert.equal(syms.symbolCount, 4 + extra.length); // f, helper_asm, g, after (+ high)
    // .dynsym's unversioned name wins over .symtab's versioned one at the same address and size.
    assert.equal(syms.lookup(0x1000), "f");
    assert.equal(syms.lookup(0x100f), "f");
    assert.equal(syms.lookup(0x1010), undefined, "past f's size, before the next symbol");
    // A size-less symbol covers up to the next one.
    assert.equal(syms.lookup(0x2fff), "helper_asm");
    // Aliases from one table: the shorter name.
    assert.equal(syms.lookup(0x3004), "g");
    // Data objects and undefined symbols are not functions of this object.
    assert.equal(syms.lookup(0x3100), undefined);
    assert.equal(syms.lookup(0x4000), undefined);
    assert.equal(syms.lookup(0x5002), "after");
    assert.equal(syms.lookup(0xfff), undefined);
    for (const s of extra) assert.equal(syms.lookup(s.value + 4), s.name);
  });
}
