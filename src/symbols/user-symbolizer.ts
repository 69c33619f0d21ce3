import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { cacheDir } from "../util/cache-dir.js";
import { indexedSymbols, readElfSymbolData, type ElfSymbols } from "./elf-symbols.js";
import { findMapping, parseProcMaps, type Mapping } from "./proc-maps.js";
import { SymbolCache } from "./symbol-cache.js";

export interface SymbolizerStats {
  objects: number;
  processes: number;
  resolved: number;
  unresolved: number;
}

interface ProcessMaps {
  maps: Mapping[];
  readAt: number;
  usedAt: number;
}

/** The file a user frame's address lies in, as pprof's Mapping describes it. */
export interface MappedObject {
  /** The file's path as the process maps it. */
  path: string;
  /** Its GNU build id (hex), "" when it has none or is not ELF. */
  buildId: string;
  /** The mapping's address range in the process and the file offset of its start. */
  start: number;
  limit: number;
  offset: number;
}

/** One user frame: its name, and the raw address with the object it lies in (to re-symbolise). */
export interface UserFrame {
  name: string;
  /** The sampled address (0 when bpftrace gave a name, not an address). */
  address: number;
  object?: MappedObject;
}

/** What bpftrace prints for a user frame: a hex address (symbols off) or `func+off`. */
export function parseUstack(text: string): Array<number | string> {
  const out: Array<number | string> = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t === "") continue;
    if (/^0x[0-9a-f]+$/i.test(t)) out.push(parseInt(t, 16));
    else out.push(t.replace(/\+\d+$/, "").replace(/ \(.*\)$/, ""));
  }
  return out;
}

/**
 * Turns raw user-space return addresses into function names in the daemon, not in bpftrace:
 * bpftrace 0.17 resolves every process's symbols while printing a map, which stalled the
 * interval output for seconds under load. Here each object is read once (by device and inode,
 * so a container's files are found through /proc/<pid>/map_files) and every process's maps
 * are re-read only when they may have changed.
 */
export class UserSymbolizer {
  private readonly objects = new Map<string, ElfSymbols | null>();
  private readonly processes = new Map<number, ProcessMaps>();
  private resolved = 0;
  private unresolved = 0;
  private prunedAt = 0;

  constructor(
    private readonly opts: {
      procRoot?: string;
      maxObjects?: number;
      mapsTtlMs?: number;
      /** A process whose user stacks are not resolved (the daemon's own). */
      skipPid?: number;
      /** Where read symbol tables are kept between processes; none: every object is read. */
      cache?: SymbolCache;
    } = {},
  ) {}

  private get proc(): string {
    return this.opts.procRoot ?? "/proc";
  }

  private mapsOf(pid: number, fresh: boolean): Mapping[] {
    const now = Date.now();
    const cached = this.processes.get(pid);
    if (cached && !fresh && now - cached.readAt < (this.opts.mapsTtlMs ?? 5000)) return cached.maps;
    let maps: Mapping[] = [];
    try {
      maps = parseProcMaps(readFileSync(`${this.proc}/${pid}/maps`, "utf8"));
    } catch {
      // exited: keep what was known so samples taken before the exit still resolve
      if (cached) return cached.maps;
    }
    this.processes.set(pid, { maps, readAt: now, usedAt: now });
    return maps;
  }

  private objectOf(pid: number, m: Mapping): ElfSymbols | null {
    const key = `${m.dev}:${m.inode}`;
    if (this.objects.has(key)) {
      const hit = this.objects.get(key)!;
      this.objects.delete(key);
      this.objects.set(key, hit); // most recently used last
      return hit;
    }
    // map_files reaches the very file mapped, even in another mount namespace or deleted.
    const read = (path: string) => {
      const data = this.opts.cache ? this.opts.cache.read(path) : readElfSymbolData(path);
      return data && indexedSymbols(data);
    };
    const syms =
      read(`${this.proc}/${pid}/map_files/${m.range}`) ?? read(`${this.proc}/${pid}/root${m.path}`) ?? null;
    this.objects.set(key, syms);
    const max = this.opts.maxObjects ?? 256;
    while (this.objects.size > max) this.objects.delete(this.objects.keys().next().value!);
    return syms;
  }

  private frame(pid: number, addr: number, isReturn: boolean): UserFrame {
    let m = findMapping(this.mapsOf(pid, false), addr);
    // A library loaded since the last read; but frames walked without frame pointers are often
    // garbage that no mapping holds, so re-read at most once a second per process.
    if (!m && Date.now() - (this.processes.get(pid)?.readAt ?? 0) > 1000)
      m = findMapping(this.mapsOf(pid, true), addr);
    if (!m) {
      this.unresolved++;
      return { name: "[unknown]", address: addr };
    }
    if (m.inode === 0) {
      this.unresolved++;
      return { name: m.path.startsWith("[") ? m.path : "[anon]", address: addr };
    }
    // A return address points after the call; the call itself may be a function's last bytes.
    const fileOffset = addr - m.start + m.offset - (isReturn ? 1 : 0);
    const obj = this.objectOf(pid, m);
    const object = {
      path: m.path,
      buildId: obj?.buildId ?? "",
      start: m.start,
      limit: m.end,
      offset: m.offset,
    };
    const vaddr = obj?.offsetToVaddr(fileOffset);
    const name = vaddr === undefined ? undefined : obj!.lookup(vaddr);
    if (name) {
      this.resolved++;
      return { name, address: addr, object };
    }
    this.unresolved++;
    return { name: `${basename(m.path)}+0x${fileOffset.toString(16)}`, address: addr, object };
  }

  /** Frames innermost first, as bpftrace prints them. */
  symbolize(pid: number, frames: ReadonlyArray<number | string>): UserFrame[] {
    // The daemon's own user stacks are its business, not the user's: resolving them meant reading
    // the node binary's symbol table (~150 ms of a one-shot `run`). Its share of the CPUs still
    // shows under its name.
    if (pid === this.opts.skipPid && frames.length) return [{ name: OWN_FRAMES, address: 0 }];
    const now = Date.now();
    this.prune(now);
    const p = this.processes.get(pid);
    if (p) p.usedAt = now;
    return frames.map((f, i) =>
      typeof f === "string" ? { name: f, address: 0 } : this.frame(pid, f, i > 0),
    );
  }

  /** Forgets processes not sampled for a minute, so a long-running daemon does not grow. */
  private prune(now: number): void {
    if (now - this.prunedAt < 30_000) return;
    this.prunedAt = now;
    for (const [pid, p] of this.processes) if (now - p.usedAt > 60_000) this.processes.delete(pid);
  }

  stats(): SymbolizerStats {
    return {
      objects: this.objects.size,
      processes: this.processes.size,
      resolved: this.resolved,
      unresolved: this.unresolved,
    };
  }
}

/** What the daemon's own user stacks are shown as. */
export const OWN_FRAMES = "[overlayscope, not symbolized]";

/** One per daemon: every stacks run shares the object cache. */
export const sharedUserSymbolizer = new UserSymbolizer({
  skipPid: process.pid,
  cache: new SymbolCache(cacheDir("symbols")),
});
