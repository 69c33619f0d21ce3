import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { readElfIdentity, readElfSymbolData, type Segment, type SymbolData } from "./elf-symbols.js";

/**
 * Read symbol tables kept on disk by build id. Every `overlayscope run` is a new process, and a
 * sampled process with a large binary (node, dockerd, containerd, kubelet) made each of them read
 * its tables again while the benchmark ran (node's: ~180 ms of CPU without the optimizing
 * compiler). From the cache they are one file read whose arrays are used in place.
 *
 * An entry is keyed by the object's GNU build id and its size (a stripped copy of a build shares
 * the id and has fewer symbols); objects without a build id are not cached. A file that does not
 * check out is a miss and is removed: the daemon runs as root and reads nothing it does not verify.
 */

const MAGIC = Buffer.from("OSSYMS\0\x01", "latin1");
const HEADER = 24;
/** Entries beyond these are evicted, least recently used first. */
const LIMITS = { entries: 512, bytes: 512 * 1024 * 1024 };
/** One entry's limit: an object bigger than this is read from the object every time. */
const MAX_ENTRY_BYTES = 96 * 1024 * 1024;

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Where an entry's parts start: the header, segments (3 f64 each), table lengths (u32 each) and
 * build id, then from `arrays` (8-aligned) starts and sizes (f64), nameAt (u32) and tableOf (u8),
 * then from `tablesAt` (8-aligned) the string tables. One place, for writing and for reading.
 */
function entryLayout(n: number, segments: number, tables: number, idLength: number) {
  const arrays = align8(HEADER + segments * 24 + tables * 4 + idLength);
  return { arrays, tablesAt: arrays + n * 20 + align8(n) };
}

/** The entry's bytes, laid out as entryLayout says. */
export function encodeSymbols(data: SymbolData): Buffer {
  const n = data.starts.length;
  const id = Buffer.from(data.buildId, "latin1");
  const { arrays, tablesAt } = entryLayout(n, data.segments.length, data.names.length, id.length);
  const size = tablesAt + data.names.reduce((s, t) => s + t.length, 0);
  const out = Buffer.alloc(size);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(n, 8);
  out.writeUInt32LE(data.segments.length, 12);
  out.writeUInt32LE(data.names.length, 16);
  out.writeUInt32LE(id.length, 20);
  let o = HEADER;
  for (const s of data.segments) {
    out.writeDoubleLE(s.offset, o);
    out.writeDoubleLE(s.vaddr, o + 8);
    out.writeDoubleLE(s.filesz, o + 16);
    o += 24;
  }
  for (const t of data.names) o = out.writeUInt32LE(t.length, o);
  id.copy(out, o);
  o = arrays;
  for (const a of [data.starts, data.sizes, data.nameAt, data.tableOf]) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += a.byteLength;
  }
  o = tablesAt;
  for (const t of data.names) {
    t.copy(out, o);
    o += t.length;
  }
  return out;
}

/** The entry decoded as views on its bytes, or undefined when anything in it does not check out. */
export function decodeSymbols(input: Buffer, buildId: string): SymbolData | undefined {
  if (input.length < HEADER || !input.subarray(0, 8).equals(MAGIC)) return undefined;
  // Typed-array views need their element alignment; a buffer from a pool may not have it
  // (Buffer.alloc never takes from the pool).
  const buf = input.byteOffset % 8 === 0 ? input : Buffer.alloc(input.length, input);
  const n = buf.readUInt32LE(8);
  const nSegments = buf.readUInt32LE(12);
  const nTables = buf.readUInt32LE(16);
  const idLength = buf.readUInt32LE(20);
  if (nSegments > 64 || nTables > 255) return undefined;
  const { arrays, tablesAt } = entryLayout(n, nSegments, nTables, idLength);
  if (tablesAt > buf.length) return undefined;
  let o = HEADER;
  const segments: Segment[] = [];
  for (let i = 0; i < nSegments; i++, o += 24)
    segments.push({
      offset: buf.readDoubleLE(o),
      vaddr: buf.readDoubleLE(o + 8),
      filesz: buf.readDoubleLE(o + 16),
    });
  const lengths: number[] = [];
  for (let i = 0; i < nTables; i++, o += 4) lengths.push(buf.readUInt32LE(o));
  if (buf.toString("latin1", o, o + idLength) !== buildId) return undefined;
  if (tablesAt + lengths.reduce((s, l) => s + l, 0) !== buf.length) return undefined;
  const at = buf.byteOffset + arrays;
  const data: SymbolData = {
    buildId,
    segments,
    starts: new Float64Array(buf.buffer, at, n),
    sizes: new Float64Array(buf.buffer, at + n * 8, n),
    nameAt: new Uint32Array(buf.buffer, at + n * 16, n),
    tableOf: new Uint8Array(buf.buffer, at + n * 20, n),
    names: [],
  };
  o = tablesAt;
  for (const l of lengths) {
    data.names.push(buf.subarray(o, o + l));
    o += l;
  }
  // Every name inside its table and the addresses in order: what a lookup relies on.
  for (let k = 0; k < n; k++) {
    const table = data.tableOf[k]!;
    if (table >= nTables || data.nameAt[k]! >= lengths[table]!) return undefined;
    if (k > 0 && !(data.starts[k]! >= data.starts[k - 1]!)) return undefined;
  }
  return data;
}

export class SymbolCache {
  constructor(
    private readonly dir: string,
    private readonly limits = LIMITS,
  ) {}

  private entryPath(buildId: string, size: number): string {
    return join(this.dir, `${buildId}-${size}.sym`);
  }

  /**
   * The symbols of the object at `path`: from the cache when its build id and size have an entry
   * that checks out, else read from the object and stored. Undefined when it is not a readable ELF.
   */
  read(path: string): SymbolData | undefined {
    const identity = readElfIdentity(path);
    if (!identity) return undefined;
    const { buildId, size } = identity;
    // A build id is hex; anything else never becomes part of a file name.
    if (!/^[0-9a-f]{8,128}$/.test(buildId)) return readElfSymbolData(path);
    const entry = this.entryPath(buildId, size);
    const cached = this.load(entry, buildId);
    if (cached) return cached;
    const data = readElfSymbolData(path);
    if (data && data.buildId === buildId) this.store(entry, data);
    return data;
  }

  private load(entry: string, buildId: string): SymbolData | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(entry);
    } catch {
      return undefined;
    }
    const data = decodeSymbols(bytes, buildId);
    try {
      if (data) {
        const now = new Date();
        utimesSync(entry, now, now); // recently used: evicted last
      } else unlinkSync(entry);
    } catch {
      // another process removed or replaced it: what was read stands on its own
    }
    return data;
  }

  private store(entry: string, data: SymbolData): void {
    try {
      const bytes = encodeSymbols(data);
      if (bytes.length > MAX_ENTRY_BYTES) return;
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // Written aside and renamed: a concurrent reader sees the whole entry or none.
      const tmp = `${entry}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes, { mode: 0o600 });
      renameSync(tmp, entry);
      this.evict();
    } catch {
      // a read-only or full disk costs the next run a read, nothing more
    }
  }

  /** Least recently used entries go until the cache is within its limits. */
  private evict(): void {
    const entries = readdirSync(this.dir)
      .filter((f) => f.endsWith(".sym"))
      .flatMap((f) => {
        try {
          const s = statSync(join(this.dir, f));
          return [{ path: join(this.dir, f), size: s.size, used: s.mtimeMs }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => a.used - b.used);
    let bytes = entries.reduce((s, e) => s + e.size, 0);
    for (
      let i = 0;
      i < entries.length && (entries.length - i > this.limits.entries || bytes > this.limits.bytes);
      i++
    ) {
      try {
        unlinkSync(entries[i]!.path);
      } catch {
        // gone already
      }
      bytes -= entries[i]!.size;
    }
  }
}
