import { writeOutputFile } from "../../util/output-file.js";
import { diagnose, diagnosisHtml, type Diagnosis } from "../../diagnose/diagnose.js";
import { diagnoseHosts, hostsDiagnosisHtml, type HostsDiagnosis } from "../../diagnose/multi-host.js";
import { renderMultiHostReport, renderReport } from "../../report/html-report.js";
import type { RunFile } from "../../run/run-file.js";
import { readAnyRun } from "../../run/read-run.js";
import { invalidArgument } from "../../util/errors.js";

export type AnyDiagnosis = { kind: "pair"; d: Diagnosis } | { kind: "hosts"; d: HostsDiagnosis };

/**
 * Two single-host runs: baseline vs subject. One multi-host run: its hosts side by side. Two
 * multi-host runs: the subject's hosts, each also compared with the same role in the baseline.
 */
export async function diagnoseFiles(files: string[], reportFile?: string): Promise<AnyDiagnosis> {
  const runs = await Promise.all(files.map((f) => readAnyRun(f)));
  const [a, b] = runs;
  if (runs.length === 1 && a?.kind === "multi") {
    const d = diagnoseHosts(a.run);
    if (reportFile) await writeOutputFile(reportFile, renderMultiHostReport(a.run, hostsDiagnosisHtml(d)));
    return { kind: "hosts", d };
  }
  if (runs.length === 2 && a?.kind === "multi" && b?.kind === "multi") {
    const d = diagnoseHosts(b.run, a.run);
    if (reportFile) await writeOutputFile(reportFile, renderMultiHostReport(b.run, hostsDiagnosisHtml(d)));
    return { kind: "hosts", d };
  }
  if (runs.length === 2 && a?.kind === "single" && b?.kind === "single")
    return { kind: "pair", d: await diagnoseRuns(a.run, b.run, reportFile) };
  throw invalidArgument(
    "run files",
    "give a baseline and a subject run of the same kind (two single-host or two multi-host runs), or one multi-host run",
  );
}

/** Diagnoses, and optionally writes the subject's HTML report with the diagnosis on top. */
export async function diagnoseRuns(b: RunFile, s: RunFile, reportFile?: string): Promise<Diagnosis> {
  const d = diagnose(b, s);
  if (reportFile) await writeOutputFile(reportFile, renderReport(s, diagnosisHtml(d)));
  return d;
}
