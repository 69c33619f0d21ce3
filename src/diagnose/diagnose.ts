import type { RunFile } from "../run/run-file.js";
import { runFigures, type RunFigures } from "./run-figures.js";
import {
  addedFunctions,
  configurationCauses,
  coreSaturation,
  deeperPath,
  drops,
  memoryTraffic,
  softirqsPerPacket,
  throughputGap,
  type Finding,
} from "./findings.js";

export interface Diagnosis {
  baseline: string;
  subject: string;
  findings: Finding[];
  figures: {
    baseline: Omit<RunFigures, "functionShares" | "environment">;
    subject: Omit<RunFigures, "functionShares" | "environment">;
  };
}

function plain(f: RunFigures): Diagnosis["figures"]["baseline"] {
  const { functionShares: _f, environment: _e, ...rest } = f;
  return rest;
}

/** The findings that exist only by comparison with a baseline (the rest are read off one run). */
export function comparativeFindings(b: RunFigures, s: RunFigures): Finding[] {
  return [throughputGap(b, s), addedFunctions(b, s), deeperPath(b, s), softirqsPerPacket(b, s)].filter(
    (f): f is Finding => f !== undefined,
  );
}

/** Compares a baseline run with a subject run and ranks the causes by impact. */
export function diagnose(baseline: RunFile, subject: RunFile): Diagnosis {
  const b = runFigures(baseline);
  const s = runFigures(subject);
  const found = [
    ...comparativeFindings(b, s),
    coreSaturation(s),
    drops(s),
    ...configurationCauses(s, b),
  ].filter((f): f is Finding => f !== undefined);
  found.sort((x, y) => y.impact - x.impact);
  found.push(memoryTraffic(b, s));
  return {
    baseline: b.label,
    subject: s.label,
    findings: found,
    figures: { baseline: plain(b), subject: plain(s) },
  };
}

/** Numbered findings with their evidence, as the CLI prints them. */
export function formatFindings(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  findings.forEach((f, i) => {
    lines.push(`${i + 1}. [${f.code}] ${f.title}`);
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
        `<li><b>[${esc(f.code)}]</b> ${esc(f.title)}<table><tr><th>evidence</th><th>baseline</th><th>subject</th><th>source</th></tr>${f.evidence
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
  return `<section id="diagnosis"><h2>Diagnosis: ${esc(d.subject)} vs ${esc(d.baseline)}</h2><ol>${findingsHtml(d.findings)}</ol></section>`;
}
