import type { RunFile } from "../run/run-file.js";
import type { Finding } from "./finding.js";
import { RULES } from "./rules/index.js";
import { mirroredContext, type RuleContext } from "./rules/rule.js";
import { sideFigures, type RunFigures } from "./run-figures.js";
import { RUN_TO_RUN_NOISE } from "./noise.js";
import { failedRunSymptom, hardwareNote, symptom, type Symptom, type Verdict } from "./verdict.js";
import { failedSide } from "./benchmark-exit.js";

export type { Finding } from "./finding.js";

type PlainFigures = Omit<
  RunFigures,
  | "functionShares"
  | "environment"
  | "classSamples"
  | "classSeries"
  | "snmp"
  | "dropReasons"
  | "conntrack"
  | "benchmarkComms"
  | "ownPids"
>;

export interface Diagnosis {
  baseline: string;
  subject: string;
  /** The answer first: is the subject materially slower, faster, or the same within noise? */
  verdict: Verdict;
  /**
   * Set when the runs differed beyond their own intervals' noise but within what identical runs
   * differ by, and no mechanism in the evidence explained it: the difference, and why it is not a verdict.
   */
  caveat?: string;
  findings: Finding[];
  figures: { baseline: PlainFigures; subject: PlainFigures };
}

function plain(f: RunFigures): PlainFigures {
  const {
    functionShares: _f,
    environment: _e,
    classSamples: _c,
    classSeries: _cs,
    snmp: _s,
    dropReasons: _d,
    conntrack: _ct,
    benchmarkComms: _b,
    ownPids: _o,
    ...rest
  } = f;
  return rest;
}

/** The two runs' names exchanged in a finding's words ("the subject's" ↔ "the baseline's"). */
const exchangeSides = (text: string): string =>
  text.replace(/\b(subject|baseline)\b/g, (w) => (w === "subject" ? "baseline" : "subject"));

/**
 * A finding a rule made with the runs' places exchanged, told from the runs' real places: it is
 * the baseline's mechanism (slowed), its words and evidence columns exchanged back.
 */
function inBaseline(f: Omit<Finding, "kind" | "impact">): Omit<Finding, "kind" | "impact"> {
  return {
    ...f,
    // Its changes read from the subject to the baseline ("1450 → 1000", "grew from 0% to 54%").
    title: `in the baseline, against the subject: ${exchangeSides(f.title)}`,
    slowed: "baseline",
    evidence: f.evidence.map((e) => ({
      what: exchangeSides(e.what),
      baseline: e.subject,
      subject: e.baseline ?? "-",
      source: e.source,
    })),
  };
}

/**
 * Every cause rule against one pair of runs. A finding that explains the verdict's direction (it
 * held the subject back when it is slower, the baseline when it is faster) is a cause, ranked by
 * how much of the gap or extra cost it explains; any other is a note.
 */
export function causeFindings(
  b: RunFigures,
  s: RunFigures,
  sym: Pick<Symptom, "verdict" | "gap" | "costRise" | "roundTrips">,
): Finding[] {
  const c: RuleContext = { b, s, gap: sym.gap, costRise: sym.costRise };
  const rank = { high: 3, medium: 2, low: 1 };
  const awayOnly = new Set(RULES.filter((r) => r.takesPacketsAway).map((r) => r.code));
  const explainsVerdict = (f: { code: string; slowed?: "baseline" }): boolean =>
    !(sym.roundTrips && awayOnly.has(f.code)) &&
    (sym.verdict === "slower" ? f.slowed === undefined : sym.verdict === "faster" && f.slowed === "baseline");
  // A faster subject is a slower baseline: a rule that looks in the subject only is asked about the
  // baseline too (a tbf in the baseline, none in the subject: 0.05 → 7 Gbit/s, and until 2026-12-07
  // nothing explained it and the verdict was withdrawn). What it finds there replaces its note.
  const mirrored =
    sym.verdict === "faster"
      ? RULES.filter((r) => !r.twoSided)
          .map((r) => r.evaluate(mirroredContext(c)))
          .filter((f): f is NonNullable<typeof f> => f !== undefined && f.slowed === undefined)
          .map(inBaseline)
      : [];
  return RULES.map((r) => r.evaluate(c))
    .filter((f): f is NonNullable<typeof f> => f !== undefined && !mirrored.some((m) => m.code === f.code))
    .concat(mirrored)
    .map((f): Finding => {
      const { explains, ...rest } = f;
      // A note explains no share of the symptom.
      return explainsVerdict(f)
        ? { ...f, kind: "cause", impact: explains ?? 0 }
        : { ...rest, kind: "note", impact: 0 };
    })
    .sort(
      (x, y) =>
        Number(y.kind === "cause") - Number(x.kind === "cause") ||
        y.impact - x.impact ||
        rank[y.confidence] - rank[x.confidence],
    );
}

/** Why a difference with no mechanism was withdrawn, and what would settle it. */
function withdrawnCaveat(b: RunFigures, s: RunFigures, summary: string): string {
  const single = [b.repeats.runs < 2 ? "baseline" : "", s.repeats.runs < 2 ? "subject" : ""].filter(Boolean);
  const sides = single.length === 2 ? "each side is one run" : `the ${single[0] ?? "subject"} is one run`;
  return `the subject measured ${summary}: beyond the runs' interval-to-interval noise, but ${sides}, and one run a side cannot tell a slower configuration from a slower draw of the host (identical runs differ by ±${Math.round(RUN_TO_RUN_NOISE * 100)}% on a calm host, by a third and more on a busy one); no mechanism in the evidence: record repeats of each side and compare them (diagnose B1 B2 … --vs S1 S2 …)`;
}

/**
 * The verdict and the findings for one baseline side against one subject side.
 *
 * A difference beyond the runs' interval noise counts only when a mechanism in the evidence shows
 * up with it, or when both sides are repeats and it is beyond how far they differ (Symptom's
 * standsAlone): one run per side cannot tell a slower configuration from a slower draw of the same
 * one, but a draw does not bring encapsulation frames, a shaping qdisc or a competitor with it.
 * The host's own mechanism (steal) is such a draw: alone, it explains the difference away.
 */
export function compareSides(
  b: RunFigures,
  s: RunFigures,
): { verdict: Verdict; findings: Finding[]; caveat?: string } {
  const measured = symptom(b, s);
  const failed = failedSide(b, s);
  const failedRun = measured.verdict === "no-material-difference" && failed && failedRunSymptom(b, s, failed);
  const sym = failedRun || measured;
  // A benchmark that failed before its intervals could be compared left a window of a moment:
  // any process's or counter's share of it is a draw of that moment (the project's CI saw
  // kdamond take 15% of a 0.1 s window), not the configuration's. The failure, and what the run
  // counted refusing its packets, are the findings.
  // Beside a failed benchmark, what does not explain the verdict compares a run's figures with
  // what a failed run happened to carry: not a note worth reading (an exchanged conntrack pair
  // noted 0.06 softirqs per packet against the failed run's handful).
  const findings = causeFindings(b, s, sym).filter(
    (f) => (!failedRun || f.failure) && (failed === undefined || f.kind !== "note"),
  );
  const causes = findings.filter((f) => f.kind === "cause");
  if (sym.verdict === "no-material-difference" || sym.standsAlone || causes.some((f) => !f.fromHost))
    return { verdict: sym.verdict, findings: [...(sym.finding ? [sym.finding] : []), ...findings] };
  // Only the host explains it (steal): a draw of the host, which the comparison of two
  // configurations has to set aside like any other draw.
  const host = causes[0];
  return {
    verdict: "no-material-difference",
    findings: causeFindings(b, s, { verdict: "no-material-difference", gap: 0, costRise: 0 }),
    caveat: host
      ? `the subject measured ${sym.summary}, but ${host.title}: a draw of the host, not a difference of the configuration; record again on a quieter host, or repeats of each side (diagnose B1 B2 … --vs S1 S2 …)`
      : withdrawnCaveat(b, s, sym.summary),
  };
}

/**
 * Compares a baseline with a subject: the verdict, then causes ranked by what they explain. Each
 * side is one run or several repeats of one configuration (more repeats, smaller effects told
 * from noise).
 */
export function diagnose(
  baseline: RunFile | readonly RunFile[],
  subject: RunFile | readonly RunFile[],
): Diagnosis {
  const list = (x: RunFile | readonly RunFile[]): readonly RunFile[] => ("schema" in x ? [x] : x);
  const b = sideFigures(list(baseline));
  const s = sideFigures(list(subject));
  const { verdict, findings, caveat } = compareSides(b, s);
  return {
    baseline: b.label,
    subject: s.label,
    verdict,
    ...(caveat ? { caveat } : {}),
    findings: [...findings, hardwareNote(b, s)],
    figures: { baseline: plain(b), subject: plain(s) },
  };
}

/** Numbered findings with their evidence, as the CLI prints them. */
export function formatFindings(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  findings.forEach((f, i) => {
    const share = f.explains !== undefined ? `, explains ~${Math.round(f.explains * 100)}%` : "";
    lines.push(`${i + 1}. ${f.kind} [${f.code}] ${f.title} (${f.confidence} confidence${share})`);
    if (f.kind !== "symptom") lines.push(`     why: ${f.mechanism}`);
    for (const e of f.evidence)
      lines.push(
        `     ${e.what}: ${e.baseline !== undefined ? `${e.baseline} → ` : ""}${e.subject}   (${e.source})`,
      );
  });
  return lines;
}

/** The workload a run's benchmark was asked for, in one line. */
function settingsText(b: RunFigures["benchmarkSettings"]): string {
  if (!b) return "not a known tool's command line";
  return [
    `${b.tool} ${b.mode}`,
    b.protocol,
    b.messageBytes !== undefined ? `${b.messageBytes} B messages` : "default message size",
    `${b.streams} stream${b.streams === 1 ? "" : "s"}`,
    b.targetBitsPerSecond !== undefined
      ? `offered ${(b.targetBitsPerSecond / 1e6).toPrecision(3)} Mbit/s`
      : "unpaced",
    b.direction,
  ].join(", ");
}

/** What each run recorded, so a reader sees where the compared figures came from. */
export function formatRunFigures(name: string, f: Diagnosis["figures"]["baseline"]): string[] {
  const procs = f.processes
    .slice(0, 3)
    .map((p) => `${p.comm}[${p.pid}] ${(p.cpuShare * 100).toFixed(0)}%`)
    .join(", ");
  return [
    `${name} (${f.label}):`,
    `  benchmark: ${settingsText(f.benchmarkSettings)}`,
    `  rate: ${(f.bitsPerSecond / 1e6).toFixed(1)} Mbit/s, ${Math.round(f.packetsPerSecond)} packets/s (${f.packetsSource})`,
    ...(f.latency
      ? [
          `  latency (round trip, ${f.latency.tool}): mean ${f.latency.avgUs.toFixed(1)} µs, p50 ${f.latency.p50Us.toFixed(1)}, p99 ${f.latency.p99Us.toFixed(1)}, p99.9 ${f.latency.p999Us.toFixed(1)} µs (${f.latency.observations} round trips)`,
        ]
      : []),
    `  CPU by process: ${procs || "not recorded"}`,
    `  steal (the hypervisor running others on these CPUs): ${(f.stealShare * 100).toFixed(1)}% of all CPUs' time`,
    `  BPF programs not overlayscope's: ${
      f.otherBpf
        ? `${(f.otherBpf.share * 100).toFixed(1)}% of all CPUs' time${
            f.otherBpf.programs.length
              ? ` (${f.otherBpf.programs
                  .slice(0, 2)
                  .map((p) => `${p.label} ${(p.share * 100).toFixed(1)}%`)
                  .join(", ")})`
              : ""
          }`
        : "not measured (the kernel's BPF statistics were off, or an older run)"
    }`,
    `  hardware counters: ${f.hardware.supported ? "recorded" : `not measurable: ${f.hardware.reason}`}`,
    `  environment changes during the run: ${f.environmentChanges.length ? f.environmentChanges.map((c) => `${c.netns}/${c.device} ${c.what} ${c.before} → ${c.after}`).join("; ") : "none"}`,
  ];
}

export function formatDiagnosis(d: Diagnosis): string {
  return [
    `Diagnosis: ${d.subject} compared with ${d.baseline}`,
    `verdict: ${d.verdict}${d.findings.some((f) => f.kind === "cause") ? "" : d.verdict === "no-material-difference" ? " (no cause to name)" : " (no cause found in the evidence recorded)"}`,
    ...(d.caveat ? [`  ${d.caveat}`] : []),
    "",
    ...formatRunFigures("baseline", d.figures.baseline),
    ...formatRunFigures("subject", d.figures.subject),
    "",
    ...formatFindings(d.findings),
  ].join("\n");
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Findings as an HTML list, each with its evidence table. */
export function findingsHtml(findings: readonly Finding[]): string {
  return findings
    .map(
      (f) =>
        `<li><b>${esc(f.kind)} [${esc(f.code)}]</b> ${esc(f.title)} <i>(${esc(f.confidence)} confidence${f.explains !== undefined ? `, explains ~${Math.round(f.explains * 100)}%` : ""})</i><br><span class="note">${esc(f.mechanism)}</span><table><tr><th>evidence</th><th>baseline</th><th>subject</th><th>source</th></tr>${f.evidence
          .map(
            (e) =>
              `<tr><td>${esc(e.what)}</td><td>${esc(e.baseline ?? "")}</td><td>${esc(e.subject)}</td><td>${esc(e.source)}</td></tr>`,
          )
          .join("")}</table></li>`,
    )
    .join("");
}

/** The diagnosis as a section of the HTML report. */
export function diagnosisHtml(d: Diagnosis): string {
  return `<section id="diagnosis"><h2>Diagnosis: ${esc(d.subject)} vs ${esc(d.baseline)} — ${esc(d.verdict)}</h2>${d.caveat ? `<p class="note">${esc(d.caveat)}</p>` : ""}<ol>${findingsHtml(d.findings)}</ol></section>`;
}
