import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Function symbols of one ELF object, looked up by the virtual address the object was linked at. */
export interface ElfSymbols {
  /** Maps a file offset (from /proc/<pid>/maps) to the object's link-time virtual address. */
  offsetToVaddr(fileOffset: number): number | undefined;
  /** The function containing `vaddr`, or undefined when no symbol covers it. */
  lookup(vaddr: number): string | undefined;
  readonly symbolCount: number;
  /** The GNU build id (hex), "" when the object has none: how pprof tools find its debug info. */
  readonly buildId: string;
}

export interface Segment {
  offset: number;
  vaddr: number;
  filesz: number;
}

const PT_LOAD = 1;
const PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
/** Symbol tables beyond this are skipped: one huge library must not bloat a long-running daemon. */
const MAX_TABLE_BYTES = 64 * 1024 * 1024;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** The NT_GNU_BUILD_ID descriptor in a note segment (namesz, descsz, type, name, desc; 4-aligned). */
function gnuBuildId(notes: Buffer): string {
  const align = (n: number): number => (n + 3) & ~3;
  for (let o = 0; o + 12 <= notes.length;) {
    const namesz = notes.readUInt32LE(o);
    const descsz = notes.readUInt32LE(o + 4);
    const type = notes.readUInt32LE(o + 8);
    const name = notes.toString("latin1", o + 12, o + 12 + Math.max(0, namesz - 1));
    const desc = o + 12 + align(namesz);
    if (type === NT_GNU_BUILD_ID && name === "GNU" && desc + descsz <= notes.length)
      return notes.toString("hex", desc, desc + descsz);
    o = desc + align(descsz);
  }
  return "";
}

/** A little-endian u64 as a number (BigInt reads cost ~10× more per symbol). */
const u64 = (b: Buffer, o: number): number => b.readUInt32LE(o) + b.readUInt32LE(o + 4) * 2 ** 32;

/** A symbol table and the string table its names point into. */
interface SymbolTable {
  syms: Buffer;
  names: Buffer;
  /** .dynsym rather than .symtab. */
  dynamic: boolean;
}

/**
 * The length of the NUL-terminated name at `at`. Buffer.indexOf, not a loop: the daemon runs
 * without the optimizing compiler (src/util/steady-state.ts), where a byte loop over node's
 * 75 000 duplicated names took ~270 ms.
 */
function nameLength(names: Buffer, at: number): number {
  const end = names.indexOf(0, at);
  return (end < 0 ? names.length : end) - at;
}

/**
 * Defined function symbols as parallel typed arrays, their names left in the string tables: a
 * daemon reads the tables of every object a sampled process maps (node's own binary has ~180 000
 * entries) while the benchmark runs, and decoding every name cost ~0.4 s of CPU for such an
 * object where a sample resolves a few dozen.
 */
interface FunctionSymbols {
  count: number;
  values: Float64Array;
  sizes: Float64Array;
  /** Where the name starts in its table's string table. */
  nameAt: Uint32Array;
  table: Uint8Array;
}

function functionSymbols(tables: readonly SymbolTable[]): FunctionSymbols {
  const capacity = tables.reduce((n, t) => n + Math.floor(t.syms.length / 24), 0);
  const f: FunctionSymbols = {
    count: 0,
    values: new Float64Array(capacity),
    sizes: new Float64Array(capacity),
    nameAt: new Uint32Array(capacity),
    table: new Uint8Array(capacity),
  };
  tables.forEach(({ syms, names }, table) => {
    // Entries are 24 bytes: name u32, info u8, other u8, section u16, value u64, size u64. Read as
    // words: Buffer's checked readers were most of the time on a table of 100 000 entries.
    const words = new Uint32Array(
      syms.byteOffset % 4 === 0 ? syms.buffer : Uint8Array.from(syms).buffer,
      syms.byteOffset % 4 === 0 ? syms.byteOffset : 0,
      Math.floor(syms.length / 24) * 6,
    );
    for (let w = 0; w < words.length; w += 6) {
      const info = words[w + 1]!;
      const kind = info & 0xf;
      if (kind !== STT_FUNC && kind !== STT_GNU_IFUNC) continue;
      if (info >>> 16 === 0) continue; // section 0, undefined: lives in another object
      const value = words[w + 2]! + words[w + 3]! * 2 ** 32;
      const name = words[w]!;
      if (value === 0 || name >= names.length || names[name] === 0) continue;
      f.values[f.count] = value;
      f.sizes[f.count] = words[w + 4]! + words[w + 5]! * 2 ** 32;
      f.nameAt[f.count] = name;
      f.table[f.count] = table;
      f.count++;
    }
  });
  return f;
}

/**
 * Symbol numbers in address order, ties in the order read. Objects are linked far below
 * 2^53 / count, so address·2^k + number sorts natively as one Float64Array (a comparator sort calls
 * back into JS per comparison); an object linked higher falls back to the comparator.
 */
function byAddress(f: FunctionSymbols): Uint32Array {
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(f.count + 1)));
  let max = 0;
  for (let i = 0; i < f.count; i++) if (f.values[i]! > max) max = f.values[i]!;
  const order = new Uint32Array(f.count);
  if (max * scale >= Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < f.count; i++) order[i] = i;
    return order.sort((a, b) => f.values[a]! - f.values[b]! || a - b);
  }
  const keys = new Float64Array(f.count);
  for (let i = 0; i < f.count; i++) keys[i] = f.values[i]! * scale + i;
  keys.sort();
  for (let k = 0; k < f.count; k++) order[k] = keys[k]! % scale;
  return order;
}

/**
 * One object's function symbols, one per address in address order, their names still in the
 * string tables: what a lookup needs and what the symbol cache (symbol-cache.ts) stores.
 */
export interface SymbolData {
  buildId: string;
  segments: Segment[];
  starts: Float64Array;
  /** 0: size-less (hand-written assembly), covering up to the next symbol. */
  sizes: Float64Array;
  /** Where each name starts in its string table, and which table (an index into `names`). */
  nameAt: Uint32Array;
  tableOf: Uint8Array;
  names: Buffer[];
}

/**
 * One symbol per address. .symtab and .dynsym repeat exported functions, and aliases share an
 * address: keep the first read unless a later one has a size where it had none, or the same size
 * and is .dynsym's (whose names carry no version: those live in .gnu.version) or, from the same
 * table, a shorter name. Comparing names only for aliases kept node's ~67 000 exported functions,
 * each in both tables, from costing a name scan apiece.
 */
function compactSymbols(tables: readonly SymbolTable[], segments: Segment[], buildId: string): SymbolData {
  const f = functionSymbols(tables);
  const order = byAddress(f);
  const names = (i: number): Buffer => tables[f.table[i]!]!.names;
  const kept = new Uint32Array(f.count);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const last = n > 0 ? kept[n - 1]! : -1;
    if (last < 0 || f.values[last] !== f.values[i]) {
      kept[n++] = i;
      continue;
    }
    const prev = f.sizes[last]!;
    const size = f.sizes[i]!;
    if (prev === 0 && size > 0) kept[n - 1] = i;
    else if (prev !== size) continue;
    else if (f.table[i] !== f.table[last]) {
      if (tables[f.table[i]!]!.dynamic) kept[n - 1] = i;
    } else if (nameLength(names(i), f.nameAt[i]!) < nameLength(names(last), f.nameAt[last]!)) kept[n - 1] = i;
  }
  const data: SymbolData = {
    buildId,
    segments,
    starts: new Float64Array(n),
    sizes: new Float64Array(n),
    nameAt: new Uint32Array(n),
    tableOf: new Uint8Array(n),
    names: tables.map((t) => t.names),
  };
  for (let k = 0; k < n; k++) {
    const i = kept[k]!;
    data.starts[k] = f.values[i]!;
    data.sizes[k] = f.sizes[i]!;
    data.nameAt[k] = f.nameAt[i]!;
    data.tableOf[k] = f.table[i]!;
  }
  return data;
}

/** Lookups over one object's symbols; a name is decoded the first time a frame resolves to it. */
export function indexedSymbols(data: SymbolData): ElfSymbols {
  const { starts, sizes, nameAt, tableOf, segments } = data;
  const n = starts.length;
  const decoded = new Map<number, string>();
  const name = (k: number): string => {
    let s = decoded.get(k);
    if (s === undefined) {
      const table = data.names[tableOf[k]!]!;
      const at = nameAt[k]!;
      s = table.toString("utf8", at, at + nameLength(table, at));
      decoded.set(k, s);
    }
    return s;
  };
  return {
    symbolCount: n,
    buildId: data.buildId,
    offsetToVaddr(fileOffset) {
      const seg = segments.find((s) => fileOffset >= s.offset && fileOffset < s.offset + s.filesz);
      return seg ? fileOffset - seg.offset + seg.vaddr : undefined;
    },
    lookup(vaddr) {
      let lo = 0;
      let hi = n - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! <= vaddr) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (at < 0) return undefined;
      const size = sizes[at]!;
      // A size-less symbol (hand-written assembly) covers up to the next symbol.
      const end = size > 0 ? starts[at]! + size : at + 1 < n ? starts[at + 1]! : Infinity;
      return vaddr < end ? name(at) : undefined;
    },
  };
}

/** What identifies an object's symbols without reading them: its build id and its size. */
export interface ElfIdentity {
  buildId: string;
  size: number;
}

interface ElfLayout extends ElfIdentity {
  segments: Segment[];
  /** The section headers' table, and one entry's size. */
  sh: Buffer;
  shentsize: number;
  shnum: number;
}

/** The ELF header, program headers (load segments, build-id note) and section headers of `fd`. */
function readLayout(fd: number): ElfLayout | undefined {
  const stat = fstatSync(fd);
  if (!stat.isFile()) return undefined;
  const eh = readAt(fd, 0, 64);
  if (eh.length < 64 || eh.readUInt32BE(0) !== 0x7f454c46 || eh[4] !== 2 || eh[5] !== 1) return undefined;
  const phoff = u64(eh, 0x20);
  const shoff = u64(eh, 0x28);
  const phentsize = eh.readUInt16LE(0x36);
  const phnum = eh.readUInt16LE(0x38);
  const shentsize = eh.readUInt16LE(0x3a);
  const shnum = eh.readUInt16LE(0x3c);

  const segments: Segment[] = [];
  let buildId = "";
  const ph = readAt(fd, phoff, phentsize * phnum);
  for (let i = 0; i + 56 <= ph.length && i / phentsize < phnum; i += phentsize) {
    const type = ph.readUInt32LE(i);
    if (type === PT_NOTE && buildId === "") {
      const size = u64(ph, i + 32);
      if (size <= 1 << 16) buildId = gnuBuildId(readAt(fd, u64(ph, i + 8), size));
    }
    if (type !== PT_LOAD) continue;
    segments.push({
      offset: u64(ph, i + 8),
      vaddr: u64(ph, i + 16),
      filesz: u64(ph, i + 32),
    });
  }
  const sh = shoff > 0 && shnum > 0 ? readAt(fd, shoff, shentsize * shnum) : Buffer.alloc(0);
  return { buildId, size: stat.size, segments, sh, shentsize, shnum };
}

/** The .symtab and .dynsym tables of a laid-out object, with their string tables. */
function readTables(fd: number, { sh, shentsize, shnum }: ElfLayout): SymbolTable[] {
  const section = (i: number) => {
    const o = i * shentsize;
    return {
      type: sh.readUInt32LE(o + 4),
      offset: u64(sh, o + 24),
      size: u64(sh, o + 32),
      link: sh.readUInt32LE(o + 40),
    };
  };
  const tables: SymbolTable[] = [];
  for (let i = 0; (i + 1) * shentsize <= sh.length; i++) {
    const s = section(i);
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    if (s.link >= shnum || s.size > MAX_TABLE_BYTES) continue;
    const strs = section(s.link);
    if (strs.size > MAX_TABLE_BYTES) continue;
    tables.push({
      syms: readAt(fd, s.offset, s.size),
      names: readAt(fd, strs.offset, strs.size),
      dynamic: s.type === SHT_DYNSYM,
    });
  }
  return tables;
}

/** Opens `path`, hands it to `read` and closes it; undefined for any error (frames stay raw). */
function withElf<T>(path: string, read: (fd: number, layout: ElfLayout) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const layout = readLayout(fd);
    return layout ? read(fd, layout) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads only the headers: enough to tell whether cached symbols (symbol-cache.ts) are this file's. */
export function readElfIdentity(path: string): ElfIdentity | undefined {
  return withElf(path, (_fd, { buildId, size }) => ({ buildId, size }));
}

/**
 * Reads the program headers and the .symtab/.dynsym function symbols of a 64-bit little-endian
 * ELF file (x86-64, arm64), reading only those sections rather than the whole file. Returns
 * undefined for anything else: the frame then stays as object+offset, which loses nothing.
 */
export function readElfSymbolData(path: string): SymbolData | undefined {
  return withElf(path, (fd, layout) =>
    compactSymbols(readTables(fd, layout), layout.segments, layout.buildId),
  );
}

export function readElfSymbols(path: string): ElfSymbols | undefined {
  const data = readElfSymbolData(path);
  return data && indexedSymbols(data);
}
