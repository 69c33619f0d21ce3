import { confidenceOf, relativeChange } from "./noise.js";
import { num, pct, type Finding } from "./finding.js";
import type { RunFigures } from "./run-figures.js";

export type Verdict = "no-material-difference" | "slower" | "faster";

/**
 * The symptom: packet rate (bit rate where packets are not counted) and CPU per packet, subject
 * against baseline, each material only beyond the runs' own per-interval noise and MIN_RATE_EFFECT.
 */
/**
 * Per packet only where the benchmark counted its packets (UDP datagrams): TCP's segments on the
 * devices change with segmentation offloads, so TCP is compared in bits and CPU per KB.
 */
export function perPacket(b: RunFigures, s: RunFigures): boolean {
  return b.countsPackets && s.countsPackets && b.packetsPerSecond > 0 && s.packetsPerSecond > 0;
}

/** CPU per packet (per KB when packets are not the benchmark's own count), subject against baseline. */
export function costChange(
  b: RunFigures,
  s: RunFigures,
  byPackets: boolean,
): { change: number; z: number; material: boolean } {
  const level = (f: RunFigures): number | undefined => (byPackets ? f.cpuUsPerPacket : f.cpuUsPerKB);
  const lb = level(b);
  const ls = level(s);
  if (lb === undefined || ls === undefined) return { change: 0, z: 0, material: false };
  return relativeChange(
    {
      level: lb,
      series: byPackets ? b.cpuPerPacketSeries : b.cpuPerKBSeries,
      repeats: byPackets ? b.repeats.cpuUsPerPacket : b.repeats.cpuUsPerKB,
    },
    {
      level: ls,
      series: byPackets ? s.cpuPerPacketSeries : s.cpuPerKBSeries,
      repeats: byPackets ? s.repeats.cpuUsPerPacket : s.repeats.cpuUsPerKB,
    },
  );
}

export function symptom(
  b: RunFigures,
  s: RunFigures,
): { verdict: Verdict; gap: number; costRise: number; finding?: Finding } {
  const byPackets = perPacket(b, s);
  const level = (f: RunFigures): number => (byPackets ? f.packetsPerSecond : f.bitsPerSecond);
  const repeats = (f: RunFigures): number[] =>
    byPackets ? f.repeats.packetsPerSecond : f.repeats.bitsPerSecond;
  const rate = relativeChange(
    { level: level(b), series: byPackets ? b.rateSeries : b.bitsSeries, repeats: repeats(b) },
    { level: level(s), series: byPackets ? s.rateSeries : s.bitsSeries, repeats: repeats(s) },
  );
  const cost = costChange(b, s, byPackets);
  const gap = rate.material ? -rate.change : 0;
  const costRise = cost.material ? cost.change : 0;
  const worse = gap > 0 || costRise > 0;
  const better = gap < 0 || (costRise < 0 && gap === 0);
  const verdict: Verdict = worse ? "slower" : better ? "faster" : "no-material-difference";
  if (verdict === "no-material-difference") return { verdict, gap: 0, costRise: 0 };
  const what = byPackets ? "packets per second" : "throughput";
  const parts = [
    rate.material
      ? `${pct(Math.abs(rate.change))} ${rate.change < 0 ? "lower" : "higher"} ${what}`
      : `the same ${what} (within noise)`,
    cost.material
      ? `${pct(Math.abs(cost.change))} ${cost.change > 0 ? "more" : "less"} CPU per ${byPackets ? "packet" : "KB"}`
      : "",
  ].filter(Boolean);
  return {
    verdict,
    gap: Math.max(0, gap),
    costRise: Math.max(0, costRise),
    finding: {
      code: verdict === "slower" ? "SLOWER" : "FASTER",
      kind: "symptom",
      title: `${s.label} vs ${b.label}: ${parts.join(", ")}`,
      mechanism: "what the benchmark and the kernel's own counters measured; the causes below explain it",
      confidence: confidenceOf(Math.max(rate.z, cost.z)),
      impact: 2,
      evidence: [
        { what: `${what}`, baseline: num(level(b), 0), subject: num(level(s), 0), source: s.packetsSource },
        {
          what: "Mbit/s",
          baseline: num(b.bitsPerSecond / 1e6, 1),
          subject: num(s.bitsPerSecond / 1e6, 1),
          source: s.rateSource,
        },
        {
          what: "CPU µs per packet (all cores)",
          baseline: num(b.cpuUsPerPacket),
          subject: num(s.cpuUsPerPacket),
          source: "/proc/stat busy time over the window ÷ packets",
        },
        {
          what: "per-interval noise (rate z, cost z)",
          subject: `${rate.z.toFixed(1)}, ${cost.z.toFixed(1)}`,
          source: "the runs' own interval-to-interval variation",
        },
      ],
    },
  };
}

/** Hardware counters: a figure where both runs have them, otherwise the reason — a note, never a cause. */
export function hardwareNote(b: RunFigures, s: RunFigures): Finding {
  const reason = !s.hardware.supported ? s.hardware.reason : !b.hardware.supported ? b.hardware.reason : "";
  const per = (f: RunFigures, e: string): string =>
    f.packets && f.hardware.totals[e] !== undefined ? (f.hardware.totals[e] / f.packets).toFixed(1) : "n/a";
  return {
    code: "CACHE_AND_MEMORY",
    kind: "note",
    title: reason
      ? `cache misses and memory traffic per packet: not measurable here (${reason})`
      : `cache misses per packet: ${per(s, "cache-misses")} vs ${per(b, "cache-misses")}`,
    mechanism: "more work per packet touches more cache lines and memory",
    confidence: "low",
    impact: 0,
    evidence: ["cycles", "instructions", "cache-misses", "LLC-load-misses"].map((e) => ({
      what: `${e} per packet`,
      baseline: per(b, e),
      subject: per(s, e),
      source: reason ? `not measurable: ${reason}` : "perf stat",
    })),
  };
}
