import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { test } from "node:test";
import { readElfSymbols } from "../../src/symbols/elf-symbols.js";
import { findMapping, parseProcMaps } from "../../src/symbols/proc-maps.js";
import { OWN_FRAMES, parseUstack, UserSymbolizer } from "../../src/symbols/user-symbolizer.js";
import { parseStacks } from "../../src/probes/parsers/stacks.js";
import type { IntervalBatch } from "../../src/probes/interval-batch.js";
import { requireTool } from "../helpers/kernel.js";

/** Defined function symbols of an object as binutils' nm sees them: the independent reference. */
function nmFunctions(path: string): Map<number, string[]> {
  const out = spawnSync("nm", ["-D", "--defined-only", path], { encoding: "utf8", maxBuffer: 256 << 20 });
  assert.equal(out.status, 0, out.stderr);
  const byAddr = new Map<number, string[]>();
  for (const line of out.stdout.split("\n")) {
    const m = /^([0-9a-f]+) [TtWi] (\S+)$/.exec(line);
    if (!m) continue;
    const a = parseInt(m[1]!, 16);
    byAddr.set(a, [...(byAddr.get(a) ?? []), m[2]!.replace(/@.*$/, "")]);
  }
  return byAddr;
}

test("ELF function symbols of the running node binary agree with nm at every sampled address", (t) => {
  if (!requireTool(t, "nm")) return;
  const exe = realpathSync(process.execPath);
  const syms = readElfSymbols(exe);
  assert.ok(syms && syms.symbolCount > 1000, `read ${syms?.symbolCount} symbols`);
  const ref = [...nmFunctions(exe)];
  assert.ok(ref.length > 1000);
  const step = Math.floor(ref.length / 300);
  for (let i = 0; i < ref.length; i += step) {
    const [addr, names] = ref[i]!;
    assert.ok(
      names.includes(syms.lookup(addr) ?? "?"),
      `0x${addr.toString(16)}: ${syms.lookup(addr)} not in ${names.join(",")}`,
    );
  }
  assert.equal(syms.lookup(0), undefined);
});

test("the build id read from the ELF notes is the one readelf prints", (t) => {
  if (!requireTool(t, "readelf", ["--version"])) return;
  for (const path of [realpathSync(process.execPath), realpathSync("/bin/ls")]) {
    const notes = execFileSync("readelf", ["-n", path], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const want = /Build ID: ([0-9a-f]+)/.exec(notes)?.[1] ?? "";
    assert.ok(want.length >= 16, `readelf shows a build id for ${path}`);
    assert.equal(readElfSymbols(path)!.buildId, want, path);
  }
});

test("non-ELF files and missing files give no symbols instead of throwing", () => {
  assert.equal(readElfSymbols("/proc/self/status"), undefined);
  assert.equal(readElfSymbols("/nonexistent/lib.so"), undefined);
  assert.equal(readElfSymbols("/etc/hostname"), undefined);
});

test("/proc/<pid>/maps: executable mappings, deleted files and paths with spaces", () => {
  const maps = parseProcMaps(
    [
      "55d0c0a00000-55d0c0a28000 r--p 00000000 08:01 1311 /usr/bin/iperf3",
      "55d0c0a28000-55d0c0a3e000 r-xp 00028000 08:01 1311 /usr/bin/iperf3",
      "7f5e45628000-7f5e457bd000 r-xp 00028000 08:01 2250 /usr/lib/x86_64-linux-gnu/libc.so.6",
      "7f5e46000000-7f5e46001000 r-xp 00001000 00:2a 77 /tmp/my dir/lib.so (deleted)",
      "7ffd1b3f2000-7ffd1b3f4000 r-xp 00000000 00:00 0                          [vdso]",
      "7ffd1b300000-7ffd1b321000 rw-p 00000000 00:00 0                          [stack]",
    ].join("\n"),
  );
  assert.equal(maps.length, 4, "only executable mappings are kept");
  assert.deepEqual(maps[2], {
    start: 0x7f5e46000000,
    end: 0x7f5e46001000,
    offset: 0x1000,
    dev: "00:2a",
    inode: 77,
    path: "/tmp/my dir/lib.so",
    range: "7f5e46000000-7f5e46001000",
  });
  assert.equal(findMapping(maps, 0x7f5e45628000)?.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  assert.equal(findMapping(maps, 0x7f5e457bd000), undefined, "end is exclusive");
  assert.equal(findMapping(maps, 0x7ffd1b3f2100)?.path, "[vdso]");
});

test("raw ustack text parses to addresses; already-symbolised frames stay names", () => {
  assert.deepEqual(parseUstack("\n    0x7f5e45803954\n    0xda56d\n"), [0x7f5e45803954, 0xda56d]);
  assert.deepEqual(parseUstack("\n    __libc_sendto+20\n    0x1234\n"), ["__libc_sendto", 0x1234]);
  assert.deepEqual(parseUstack(""), []);
});

test("the symbolizer resolves live addresses of this process to the same names nm gives", (t) => {
  if (!requireTool(t, "nm")) return;
  const exe = realpathSync(process.execPath);
  const maps = parseProcMaps(readFileSync("/proc/self/maps", "utf8")).filter((m) => m.path === exe);
  const syms = readElfSymbols(exe)!;
  const ref = [...nmFunctions(exe)];
  const sym = new UserSymbolizer();
  let checked = 0;
  for (let i = 0; i < ref.length; i += Math.floor(ref.length / 100)) {
    const [vaddr, names] = ref[i]!;
    // the inverse of what the symbolizer does: mapping start + (vaddr - vaddr of its first byte)
    const runtime = maps
      .map((x) => ({ x, a: x.start + (vaddr - (syms.offsetToVaddr(x.offset) ?? NaN)) }))
      .find(({ x, a }) => a >= x.start && a < x.end)?.a;
    if (runtime === undefined) continue;
    const [frame] = sym.symbolize(process.pid, [runtime]);
    assert.ok(names.includes(frame!.name), `0x${vaddr.toString(16)}`);
    // The address stays, with the mapping it lies in, for tools that re-symbolise.
    assert.equal(frame!.address, runtime);
    assert.equal(frame!.object?.path, exe);
    assert.ok(frame!.object.start <= runtime && runtime < frame!.object.limit);
    checked++;
  }
  assert.ok(checked > 50, `checked ${checked}`);
  // addresses in no mapping stay visible as unknown rather than guessed
  assert.match(sym.symbolize(process.pid, [0x10, 0x20])[0]!.name, /^\[unknown\]$/);
  const st = sym.stats();
  assert.ok(st.resolved >= checked && st.objects === 1 && st.processes === 1, JSON.stringify(st));
});

test("stacks parser: [pid, cpu, kstack, ustack, comm] keys carry user frames through a resolver", () => {
  const batch = {
    maps: new Map([
      [
        "@usamples",
        {
          type: "map",
          name: "@usamples",
          entries: new Map<string, bigint>([
            ["7,1,\n    ksys_write+10\n    do_syscall_64+5\n,\n    0x7f00000010\n    0x401000\n,my,comm", 3n],
            ["8,0,,\n    0x401234\n,spin", 2n],
            ["garbage", 1n],
          ]),
        },
      ],
    ]),
  } as unknown as IntervalBatch;
  const seen: Array<[number, Array<number | string>]> = [];
  const snap = parseStacks(batch, (pid, frames) => {
    seen.push([pid, [...frames]]);
    return frames.map((f) => ({
      name: `fn_${typeof f === "number" ? f.toString(16) : f}`,
      address: typeof f === "number" ? f : 0,
    }));
  });
  assert.equal(snap.total, 5);
  assert.equal(snap.malformed, 1);
  assert.deepEqual(snap.samples[0], {
    pid: 7,
    cpu: 1,
    comm: "my,comm",
    frames: ["ksys_write", "do_syscall_64"],
    userFrames: ["fn_7f00000010", "fn_401000"],
    userAddresses: [{ address: 0x7f00000010 }, { address: 0x401000 }],
    context: "task",
    count: 3,
  });
  assert.deepEqual(snap.samples[1]!.frames, []);
  assert.deepEqual(seen, [
    [7, [0x7f00000010, 0x401000]],
    [8, [0x401234]],
  ]);
  const plain = parseStacks(batch);
  assert.deepEqual(plain.samples[1]!.userFrames, ["0x401234"]);
});

test("the daemon's own user stacks are not resolved (no read of the node binary's symbols)", () => {
  const sym = new UserSymbolizer({ skipPid: 4242, procRoot: "/nonexistent" });
  assert.deepEqual(sym.symbolize(4242, [0x1000, 0x2000]), [{ name: OWN_FRAMES, address: 0 }]);
  assert.notDeepEqual(sym.symbolize(4243, [0x1000]), [{ name: OWN_FRAMES, address: 0 }]);
});
