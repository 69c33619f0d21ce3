import type { RunFile } from "../run/run-file.js";
import type { Finding } from "./finding.js";
import { RULES } from "./rules/index.js";
import type { RuleContext } from "./rules/rule.js";
import { sideFigures, type RunFigures } from "./run-figures.js";
import { hardwareNote, symptom, type Verdict } from "./verdict.js";

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

/**
 * Every cause rule against one pair of runs. With a material symptom the differences found are
 * causes, ranked by how much of the gap or extra cost they explain; without one they are notes
 * (a difference that moved nothing the benchmark measured).
 */
export function causeFindings(b: RunFigures, s: RunFigures, ctx?: Omit<RuleContext, "b" | "s">): Finding[] {
  const c: RuleContext = { b, s, gap: ctx?.gap ?? 0, costRise: ctx?.costRise ?? 0 };
  const material = c.gap > 0 || c.costRise > 0;
  const rank = { high: 3, medium: 2, low: 1 };
  return RULES.map((r) => r.evaluate(c))
    .filter((f): f is NonNullable<typeof f> => f !== undefined)
    .map((f): Finding => ({ ...f, kind: material ? "cause" : "note", impact: f.explains ?? 0 }))
    .sort((x, y) => y.impact - x.impact || rank[y.confidence] - rank[x.confidence]);
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
  const sym = symptom(b, s);
  const findings = [
    ...(sym.finding ? [sym.finding] : []),
    ...causeFindings(b, s, { gap: sym.gap, costRise: sym.costRise }),
    hardwareNote(b, s),
  ];
  return {
    baseline: b.label,
    subject: s.label,
    verdict: sym.verdict,
    findings,
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

/** What each run recorded, so a reader sees where the compared figures came from. */
export function formatRunFigures(name: string, f: Diagnosis["figures"]["baseline"]): string[] {
  const procs = f.processes
    .slice(0, 3)
    .map((p) => `${p.comm}[${p.pid}] ${(p.cpuShare * 100).toFixed(0)}%`)
    .join(", ");
  return [
    `${name} (${f.label}):`,
    `  rate: ${(f.bitsPerSecond / 1e6).toFixed(1)} Mbit/s, ${Math.round(f.packetsPerSecond)} packets/s (${f.packetsSource})`,
    `  CPU by process: ${procs || "not recorded"}`,
    `  hardware counters: ${f.hardware.supported ? "recorded" : `not measurable: ${f.hardware.reason}`}`,
    `  environment changes during the run: ${f.environmentChanges.length ? f.environmentChanges.map((c) => `${c.netns}/${c.device} ${c.what} ${c.before} → ${c.after}`).join("; ") : "none"}`,
  ];
}

export function formatDiagnosis(d: Diagnosis): string {
  return [
    `Diagnosis: ${d.subject} compared with ${d.baseline}`,
    `verdict: ${d.verdict}${d.findings.some((f) => f.kind === "cause") ? "" : d.verdict === "no-material-difference" ? " (no cause to name)" : " (no cause found in the evidence recorded)"}`,
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
  return `<section id="diagnosis"><h2>Diagnosis: ${esc(d.subject)} vs ${esc(d.baseline)} — ${esc(d.verdict)}</h2><ol>${findingsHtml(d.findings)}</ol></section>`;
}
