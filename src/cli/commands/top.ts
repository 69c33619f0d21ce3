import type { ServiceError } from "@grpc/grpc-js";
import type { ProfilerApi } from "../../client/api.js";
import type { Target } from "../../generated/overlayscope/v1/Target.js";
import type { Snapshot__Output } from "../../generated/overlayscope/v1/Snapshot.js";
import type { StreamSessionResponse__Output } from "../../generated/overlayscope/v1/StreamSessionResponse.js";
import { wireTime } from "../../util/wire-time.js";
import { formatProbeCost } from "../probe-cost-line.js";
import { formatNumber } from "../table.js";

const BAR = 40;

/** Frames on nearly every stack (syscall and thread entry): they say nothing about the network path. */
const ENTRY_FRAMES = new Set([
  "do_syscall_64",
  "entry_SYSCALL_64_after_hwframe",
  "ret_from_fork",
  "ret_from_fork_asm",
  "kthread",
  "worker_thread",
]);

function bar(parts: Array<[number, string]>): string {
  let out = "";
  let used = 0;
  for (const [pct, ch] of parts) {
    const n = Math.min(BAR - used, Math.round((pct / 100) * BAR));
    out += ch.repeat(Math.max(0, n));
    used += Math.max(0, n);
  }
  return `[${out}${" ".repeat(BAR - used)}]`;
}

/** One screen of the live view, plain text so it also reads well in a pseudo-terminal capture. */
export function renderTop(s: Snapshot__Output): string {
  const lines: string[] = [];
  lines.push(
    `overlayscope top — snapshot ${s.seq}, ${s.seconds.toFixed(1)} s interval   (q or Ctrl-C quits)`,
  );
  lines.push("");
  lines.push(`CPU   ${"usr u / sys s / irq i / softirq S".padEnd(BAR + 2)}  usr%  sys%  irq%  soft%  idle%`);
  for (const c of s.cpus) {
    lines.push(
      `cpu${String(c.cpu).padEnd(2)} ${bar([
        [c.usr + c.nice, "u"],
        [c.sys, "s"],
        [c.irq, "i"],
        [c.softirq, "S"],
      ])} ${[c.usr + c.nice, c.sys, c.irq, c.softirq, c.idle].map((v) => v.toFixed(1).padStart(5)).join(" ")}`,
    );
  }
  lines.push("");
  const net = s.softirqs.filter((x) => x.vector === "NET_RX" || x.vector === "NET_TX");
  lines.push(
    `softirqs/s  ${net.map((x) => `${x.vector} cpu${x.cpu} ${formatNumber(Math.round(x.perSecond))}`).join("   ")}`,
  );
  lines.push("");
  lines.push("device (namespace)                         rx pkt/s     tx pkt/s   drops/s");
  const devs = [...s.devices]
    .filter((d) => d.device !== "lo")
    .sort((a, b) => b.rxPacketsPerSecond + b.txPacketsPerSecond - a.rxPacketsPerSecond - a.txPacketsPerSecond)
    .slice(0, 8);
  for (const d of devs) {
    const name = `${d.device} (${d.netnsName || d.netns})`.slice(0, 40).padEnd(40);
    lines.push(
      `${name} ${formatNumber(Math.round(d.rxPacketsPerSecond)).padStart(11)} ${formatNumber(Math.round(d.txPacketsPerSecond)).padStart(12)} ${d.dropsPerSecond.toFixed(1).padStart(9)}`,
    );
  }
  lines.push("");
  lines.push("hottest kernel functions (share of busy samples)");
  for (const f of s.topFunctions.filter((x) => !ENTRY_FRAMES.has(x.function)).slice(0, 8))
    lines.push(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.function}`);
  if (s.probeCosts.length) {
    lines.push("");
    lines.push("probe self-cost (this interval)");
    for (const c of s.probeCosts) lines.push(`  ${formatProbeCost(c)}`);
  }
  for (const e of s.events) lines.push(`! ${e.code}: ${e.message}`);
  return lines.join("\n");
}

export interface TopOptions {
  /** What to show; the whole host when absent. */
  target?: Target;
  json: boolean;
  iterations: number;
  intervalMs: number;
}

/** Streams a host-wide session and redraws in place until q, Ctrl-C or the iteration count. */
export async function runTop(api: ProfilerApi, opts: TopOptions): Promise<void> {
  const session = await api.startSession({
    defaultProbes: true,
    interval: wireTime(opts.intervalMs),
    ...(opts.target ? { target: opts.target } : {}),
  });
  const tty = process.stdout.isTTY && !opts.json;
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = api.streamSession(session.id);
    let quitting = false;
    const quit = (): void => {
      quitting = true;
      void api.stopSession(session.id).catch(() => undefined);
    };
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on("data", (b: Buffer) => {
        if (b[0] === 0x71 || b[0] === 0x03) quit(); // q or Ctrl-C in raw mode
      });
    }
    stream.on("data", ({ snapshot: s }: StreamSessionResponse__Output) => {
      if (!s || s.final || quitting) return;
      seen++;
      if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`);
      else process.stdout.write(`${tty ? "\x1b[H\x1b[2J" : ""}${renderTop(s)}\n`);
      if (opts.iterations > 0 && seen >= opts.iterations) quit();
    });
    stream.on("end", () => resolve());
    stream.on("error", (e: ServiceError) => reject(e));
  }).finally(() => {
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
  });
}
