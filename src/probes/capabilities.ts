import { tracepointHasField } from "./drop-reasons.js";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { attachTimeoutMs } from "../bpftrace/runner.js";
import { detectVersion, type BpftraceVersion } from "../bpftrace/version.js";
import { summarizeStderr } from "../bpftrace/runner.js";
import {
  CAPABILITY_CACHE,
  capabilityKey,
  loadCachedCapabilities,
  saveCachedCapabilities,
  type CachedCapabilities,
} from "./capability-cache.js";

const run = promisify(execFile);

/** What this kernel and bpftrace can do, found once per process (trial attaches cost ~0.5 s). */
export interface KernelCapabilities {
  bpftrace: BpftraceVersion;
  tracefs: string | undefined;
  btf: boolean;
  /** kprobes attach for real (bpftrace --info says "yes" even where attaching fails). */
  kprobe: { ok: boolean; reason: string };
  kfunc: { ok: boolean; reason: string };
  profile: { ok: boolean; reason: string };
  symbols: Set<string>;
  /** CPUs listed in /sys/devices/system/cpu/nohz_full ("" when none): their tick stops under load. */
  nohzFull: string;
}

export const TRACEFS_CANDIDATES = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

export function findTracefs(): string | undefined {
  return TRACEFS_CANDIDATES.find((d) => existsSync(`${d}/events`));
}

/**
 * Mounts tracefs when it is missing, as root. `ip netns exec` (a daemon standing for a lab host)
 * gives its command a fresh /sys without tracefs, and every tracepoint needs it. Returns what
 * was done, or why not, for the log.
 */
export async function ensureTracefs(): Promise<string> {
  if (findTracefs()) return "present";
  if (process.getuid?.() !== 0) return "missing (not root)";
  const dir = TRACEFS_CANDIDATES[0]!;
  if (!existsSync(dir)) return `missing (no ${dir})`;
  try {
    await run("mount", ["-t", "tracefs", "nodev", dir], { timeout: 10_000 });
    return findTracefs() ? `mounted at ${dir}` : "mount did not expose events";
  } catch (e) {
    return `mount failed: ${(e as Error).message}`;
  }
}

export async function readKallsyms(path = "/proc/kallsyms"): Promise<Set<string>> {
  const out = new Set<string>();
  // Synchronous: /proc files report size 0, so the async reader takes them in many small
  // thread-pool round trips (~250 ms here against ~60 ms in one read).
  const text = await Promise.resolve().then(() => readFileSync(path, "utf8"));
  // "ffffffff81dd7540 t vxlan_xmit\t[vxlan]": text symbols only. One regular expression over the
  // whole file (~150 k lines): the engine's compiled matcher runs at full speed under --no-opt,
  // where a hand-written character loop ran interpreted (126-140 ms against 48-81 ms here), and
  // splitting each line with a regex took ~100 ms of every daemon's start.
  const symbol = /^[0-9a-f]+ [tTwW] ([^\t \n]+)/gm;
  for (let m = symbol.exec(text); m !== null; m = symbol.exec(text)) out.add(m[1]!);
  return out;
}

async function trialAttach(binary: string, program: string): Promise<{ ok: boolean; reason: string }> {
  try {
    await run(binary, ["-e", program], { timeout: attachTimeoutMs() });
    return { ok: true, reason: "trial attach succeeded" };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const lines = (err.stderr ?? err.message).split("\n").filter((l) => !/RLIMIT_MEMLOCK/.test(l));
    return { ok: false, reason: summarizeStderr(lines) };
  }
}

/** The trial attaches (and the version), from this boot's cache when the binary is the same. */
async function trials(
  binary: string,
  btf: boolean,
  cacheFile: string | undefined,
): Promise<Omit<CachedCapabilities, "key">> {
  const key = cacheFile ? await capabilityKey(binary).catch(() => undefined) : undefined;
  const cached = key ? await loadCachedCapabilities(key, cacheFile) : undefined;
  if (cached) return cached;
  const bpftrace = await detectVersion(binary);
  // A symbol every kernel has, so a failure says "kprobes do not work", not "no such function".
  const [kprobe, kfunc, profile] = await Promise.all([
    trialAttach(binary, "kprobe:vfs_read { exit(); } interval:ms:100 { exit(); }"),
    btf
      ? trialAttach(binary, "kfunc:vfs_read { exit(); } interval:ms:100 { exit(); }")
      : Promise.resolve({ ok: false, reason: "no BTF at /sys/kernel/btf/vmlinux" }),
    trialAttach(binary, "profile:hz:99 { exit(); } interval:ms:100 { exit(); }"),
  ]);
  const found = { bpftrace, kprobe, kfunc, profile };
  if (key && cacheFile) await saveCachedCapabilities({ key, ...found }, cacheFile).catch(() => undefined);
  return found;
}

/** `cacheFile`: where this boot's trial results are kept; undefined always tries afresh. */
export async function probeCapabilities(
  binary = "bpftrace",
  cacheFile: string | undefined = CAPABILITY_CACHE,
): Promise<KernelCapabilities> {
  const btf = existsSync("/sys/kernel/btf/vmlinux");
  const [found, symbols, nohzFull] = await Promise.all([
    trials(binary, btf, cacheFile),
    readKallsyms().catch(() => new Set<string>()),
    readNohzFull(),
  ]);
  return { ...found, tracefs: findTracefs(), btf, symbols, nohzFull };
}

/** The kernel prints "(null)" or nothing when no CPU is in nohz_full mode. */
export async function readNohzFull(path = "/sys/devices/system/cpu/nohz_full"): Promise<string> {
  const text = (await readFile(path, "utf8").catch(() => "")).trim();
  return text === "(null)" ? "" : text;
}

/** Whether one `requires` entry of a manifest holds here, and if not, why. */
export function checkRequirement(req: string, caps: KernelCapabilities): { ok: boolean; reason: string } {
  if (req === "kprobe")
    return caps.kprobe.ok
      ? { ok: true, reason: "" }
      : { ok: false, reason: `kprobes do not attach: ${caps.kprobe.reason}` };
  if (req === "kfunc")
    return caps.kfunc.ok
      ? { ok: true, reason: "" }
      : { ok: false, reason: `kfunc/fentry do not attach: ${caps.kfunc.reason}` };
  if (req === "profile")
    return caps.profile.ok
      ? { ok: true, reason: "" }
      : { ok: false, reason: `profile sampling does not attach: ${caps.profile.reason}` };
  if (req === "periodic_tick")
    return caps.nohzFull === ""
      ? { ok: true, reason: "" }
      : {
          ok: false,
          reason: `CPUs ${caps.nohzFull} run without a scheduler tick (nohz_full), so the tick cannot time samples there`,
        };
  if (req === "btf")
    return caps.btf
      ? { ok: true, reason: "" }
      : { ok: false, reason: "kernel has no BTF (/sys/kernel/btf/vmlinux)" };
  if (req.startsWith("ksym:")) {
    // "ksym:a|b": any of them (a function renamed between kernel versions).
    const syms = req.slice(5).split("|");
    return syms.some((sym) => caps.symbols.has(sym))
      ? { ok: true, reason: "" }
      : {
          ok: false,
          reason: `kernel symbol ${syms.join(" or ")} not in /proc/kallsyms (module not loaded?)`,
        };
  }
  if (req.startsWith("tracepoint-field:")) {
    const [, cat, ev, field] = req.split(":");
    if (!caps.tracefs) return { ok: false, reason: "tracefs is not mounted" };
    return tracepointHasField(caps.tracefs, cat!, ev!, field!)
      ? { ok: true, reason: "" }
      : { ok: false, reason: `tracepoint ${cat}:${ev} has no field '${field}' in this kernel` };
  }
  if (req.startsWith("tracepoint:")) {
    if (!caps.tracefs)
      return { ok: false, reason: "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)" };
    const [, cat, ev] = req.split(":");
    return existsSync(`${caps.tracefs}/events/${cat}/${ev}`)
      ? { ok: true, reason: "" }
      : { ok: false, reason: `tracepoint ${cat}:${ev} not in this kernel` };
  }
  return { ok: false, reason: `unknown requirement '${req}'` };
}
