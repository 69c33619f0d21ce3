import { writeFile } from "node:fs/promises";
import { diagnose, diagnosisHtml, type Diagnosis } from "../../diagnose/diagnose.js";
import { renderReport } from "../../report/html-report.js";
import { readRunFile, type RunFile } from "../../run/run-file.js";

export async function diagnoseFiles(
  baselineFile: string,
  subjectFile: string,
  reportFile?: string,
): Promise<Diagnosis> {
  const [b, s] = await Promise.all([readRunFile(baselineFile), readRunFile(subjectFile)]);
  return diagnoseRuns(b, s, reportFile);
}

/** Diagnoses, and optionally writes the subject's HTML report with the diagnosis on top. */
export async function diagnoseRuns(b: RunFile, s: RunFile, reportFile?: string): Promise<Diagnosis> {
  const d = diagnose(b, s);
  if (reportFile) await writeFile(reportFile, renderReport(s, diagnosisHtml(d)));
  return d;
}
