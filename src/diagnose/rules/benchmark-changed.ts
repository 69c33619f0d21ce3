import type { BenchmarkSettings } from "../../benchmarks/benchmark-settings.js";
import type { Evidence } from "../finding.js";
import { MIN_RATE_EFFECT } from "../noise.js";
import { perPacket } from "../verdict.js";
import type { RuleContext, Rule } from "./rule.js";

/** One setting the two runs' benchmarks differ in, and which run it holds back. */
interface SettingChange extends Evidence {
  /** 1: the subject's setting makes it slower; -1: the baseline's; 0: the mechanism gives no direction. */
  holdsBack: -1 | 0 | 1;
}

const mbit = (x: number | undefined): string =>
  x === undefined ? "as fast as it can" : `${(x / 1e6).toPrecision(3)} Mbit/s`;
const orDefault = (x: string | number | undefined, d: string): string => (x === undefined ? d : String(x));
const sign = (x: number): -1 | 0 | 1 => (x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * The settings that differ, each with the run it holds back where the mechanism says: fewer
 * streams or no zero-copy slow a run down; a smaller message costs more per byte (slower in bits)
 * and less per packet (faster in packets); an offered rate binds only below what the other run
 * achieved. Protocol, tool, mode, direction and TCP options change the workload with no direction.
 */
function settingChanges(b: BenchmarkSettings, s: BenchmarkSettings, ctx: RuleContext): SettingChange[] {
  const out: SettingChange[] = [];
  const add = (what: string, bv: string, sv: string, holdsBack: -1 | 0 | 1): void => {
    if (bv !== sv)
      out.push({ what, baseline: bv, subject: sv, holdsBack, source: "the benchmark's command line" });
  };
  add("tool", b.tool, s.tool, 0);
  add(`${s.tool} mode`, b.mode, s.mode, 0);
  add("protocol", b.protocol, s.protocol, 0);
  add("who sends", b.direction, s.direction, 0);
  add("parallel streams", String(b.streams), String(s.streams), sign(b.streams - s.streams));
  const mb = b.messageBytes;
  const ms = s.messageBytes;
  const byPackets = perPacket(ctx.b, ctx.s);
  add(
    "message size (bytes)",
    orDefault(mb, "the tool's default"),
    orDefault(ms, "the tool's default"),
    mb === undefined || ms === undefined ? 0 : byPackets ? sign(ms - mb) : sign(mb - ms),
  );
  add("zero-copy send", b.zerocopy ? "on" : "off", s.zerocopy ? "on" : "off", b.zerocopy ? 1 : -1);
  add(
    "TCP congestion control",
    orDefault(b.congestion, "host default"),
    orDefault(s.congestion, "host default"),
    0,
  );
  add("TCP MSS", orDefault(b.mss, "path MTU"), orDefault(s.mss, "path MTU"), 0);
  // An offered rate holds a run back only when it lies below what the other run achieved.
  const binds = (target: number | undefined, otherAchieved: number): boolean =>
    target !== undefined && target < otherAchieved * (1 - MIN_RATE_EFFECT);
  const subjectBound = binds(s.targetBitsPerSecond, ctx.b.bitsPerSecond);
  const baselineBound = binds(b.targetBitsPerSecond, ctx.s.bitsPerSecond);
  if (subjectBound !== baselineBound)
    add("offered rate", mbit(b.targetBitsPerSecond), mbit(s.targetBitsPerSecond), subjectBound ? 1 : -1);
  return out;
}

/** Of the gap (or lead), the part an offered rate accounts for: the fall from the faster run down to the slower run's target. */
function offeredShare(ctx: RuleContext, target: number, holdsBack: 1 | -1): number {
  const [fast, slow] =
    holdsBack === 1 ? [ctx.b.bitsPerSecond, ctx.s.bitsPerSecond] : [ctx.s.bitsPerSecond, ctx.b.bitsPerSecond];
  return fast > slow ? Math.min(1, Math.max(0, (fast - target) / (fast - slow))) : 1;
}

/**
 * The two runs' benchmarks were asked for different workloads (streams, message size, offered rate,
 * protocol, direction…): what differs between the runs then starts at the command line, whatever
 * the path did. Named whenever the command lines show it; a cause in the direction the settings
 * hold a run back, or, where they give none, in the direction the runs moved.
 */
export const benchmarkChanged: Rule = {
  code: "BENCHMARK_CHANGED",
  twoSided: true,
  evaluate(ctx) {
    const sb = ctx.b.benchmarkSettings;
    const ss = ctx.s.benchmarkSettings;
    if (!sb || !ss) return undefined;
    const changes = settingChanges(sb, ss, ctx);
    if (changes.length === 0) return undefined;
    const directions = new Set(changes.map((c) => c.holdsBack).filter((d) => d !== 0));
    const observed = ctx.gap < 0 || (ctx.gap === 0 && ctx.costRise < 0) ? -1 : 1;
    const holdsBack = directions.size === 1 ? [...directions][0]! : observed;
    const onlyRate = changes.length === 1 && changes[0]!.what === "offered rate";
    const target = holdsBack === 1 ? ss.targetBitsPerSecond : sb.targetBitsPerSecond;
    const explains = onlyRate && target !== undefined ? offeredShare(ctx, target, holdsBack) : 1;
    return {
      code: this.code,
      title: `the two runs' benchmarks were asked for different workloads: ${changes
        .slice(0, 3)
        .map((c) => `${c.what} ${c.baseline} → ${c.subject}`)
        .join(", ")}`,
      mechanism: onlyRate
        ? "a benchmark sends no faster than the rate it is asked for: the run with the lower offered rate sits at it"
        : "message size, streams, protocol and direction set how many packets a run sends and what each byte costs: the runs measured different workloads, so compare runs of the same benchmark command",
      confidence: "high",
      explains,
      ...(holdsBack === -1 ? { slowed: "baseline" as const } : {}),
      evidence: changes.map(({ holdsBack: _h, ...e }) => e),
    };
  },
};
