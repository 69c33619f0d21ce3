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

interface Segment {
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
  const buf = Buffer.alloc(length);
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

/**
 * Reads the program headers and the .symtab/.dynsym function symbols of a 64-bit little-endian
 * ELF file (x86-64, arm64), reading only those sections rather than the whole file. Returns
 * undefined for anything else: the frame then stays as object+offset, which loses nothing.
 */
export function readElfSymbols(path: string): ElfSymbols | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const eh = readAt(fd, 0, 64);
    if (eh.length < 64 || eh.readUInt32BE(0) !== 0x7f454c46 || eh[4] !== 2 || eh[5] !== 1) return undefined;
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const shoff = Number(eh.readBigUInt64LE(0x28));
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
        const size = Number(ph.readBigUInt64LE(i + 32));
        if (size <= 1 << 16) buildId = gnuBuildId(readAt(fd, Number(ph.readBigUInt64LE(i + 8)), size));
      }
      if (type !== PT_LOAD) continue;
      segments.push({
        offset: Number(ph.readBigUInt64LE(i + 8)),
        vaddr: Number(ph.readBigUInt64LE(i + 16)),
        filesz: Number(ph.readBigUInt64LE(i + 32)),
      });
    }

    const sh = shoff > 0 && shnum > 0 ? readAt(fd, shoff, shentsize * shnum) : Buffer.alloc(0);
    const section = (i: number) => {
      const o = i * shentsize;
      return {
        type: sh.readUInt32LE(o + 4),
        offset: Number(sh.readBigUInt64LE(o + 24)),
        size: Number(sh.readBigUInt64LE(o + 32)),
        link: sh.readUInt32LE(o + 40),
      };
    };
    const byAddr = new Map<number, { size: number; name: string }>();
    for (let i = 0; (i + 1) * shentsize <= sh.length; i++) {
      const s = section(i);
      if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
      if (s.link >= shnum || s.size > MAX_TABLE_BYTES) continue;
      const strs = section(s.link);
      if (strs.size > MAX_TABLE_BYTES) continue;
      const syms = readAt(fd, s.offset, s.size);
      const names = readAt(fd, strs.offset, strs.size);
      for (let o = 0; o + 24 <= syms.length; o += 24) {
        const kind = syms[o + 4]! & 0xf;
        if (kind !== STT_FUNC && kind !== STT_GNU_IFUNC) continue;
        if (syms.readUInt16LE(o + 6) === 0) continue; // undefined: lives in another object
        const value = Number(syms.readBigUInt64LE(o + 8));
        if (value === 0) continue;
        const nameAt = syms.readUInt32LE(o);
        const end = names.indexOf(0, nameAt);
        const name = names.toString("utf8", nameAt, end < 0 ? names.length : end);
        if (!name) continue;
        const size = Number(syms.readBigUInt64LE(o + 16));
        // .symtab and .dynsym repeat exported functions; keep the sized, shorter (unversioned) one.
        const prev = byAddr.get(value);
        if (
          !prev ||
          (prev.size === 0 && size > 0) ||
          (prev.size === size && name.length < prev.name.length)
        ) {
          byAddr.set(value, { size, name });
        }
      }
    }
    const starts = [...byAddr.keys()].sort((a, b) => a - b);
    const entries = starts.map((a) => byAddr.get(a)!);
    return {
      symbolCount: starts.length,
      buildId,
      offsetToVaddr(fileOffset) {
        const seg = segments.find((s) => fileOffset >= s.offset && fileOffset < s.offset + s.filesz);
        return seg ? fileOffset - seg.offset + seg.vaddr : undefined;
      },
      lookup(vaddr) {
        let lo = 0;
        let hi = starts.length - 1;
        let at = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (starts[mid]! <= vaddr) {
            at = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        if (at < 0) return undefined;
        const e = entries[at]!;
        // A size-less symbol (hand-written assembly) covers up to the next symbol.
        const end = e.size > 0 ? starts[at]! + e.size : (starts[at + 1] ?? Infinity);
        return vaddr < end ? e.name : undefined;
      },
    };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
