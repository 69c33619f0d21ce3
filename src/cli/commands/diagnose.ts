import { writeOutputFile } from "../../util/output-file.js";
import { diagnose, diagnosisHtml, type Diagnosis } from "../../diagnose/diagnose.js";
import { diagnoseHosts, hostsDiagnosisHtml, type HostsDiagnosis } from "../../diagnose/multi-host.js";
import { renderComparisonReport, renderMultiHostReport } from "../../report/html-report.js";
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

/** Diagnoses, and optionally writes an HTML page: the diagnosis, then the baseline's and the subject's reports. */
export async function diagnoseRuns(
  b: RunFile | readonly RunFile[],
  s: RunFile | readonly RunFile[],
  reportFile?: string,
): Promise<Diagnosis> {
  const d = diagnose(b, s);
  const first = (x: RunFile | readonly RunFile[]): RunFile =>
    Array.isArray(x) ? (x as readonly RunFile[])[0]! : (x as RunFile);
  if (reportFile)
    await writeOutputFile(reportFile, renderComparisonReport(first(b), first(s), diagnosisHtml(d)));
  return d;
}

/** Repeats of each side (`diagnose B1 B2 … --vs S1 S2 …`): single-host runs only. */
export async function diagnoseRepeats(
  baselineFiles: readonly string[],
  subjectFiles: readonly string[],
  reportFile?: string,
): Promise<Diagnosis> {
  const read = async (files: readonly string[], field: string): Promise<RunFile[]> =>
    Promise.all(
      files.map(async (f) => {
        const r = await readAnyRun(f);
        if (r.kind !== "single")
          throw invalidArgument(field, `${f} is a multi-host run; repeats are single-host runs`);
        return r.run;
      }),
    );
  if (baselineFiles.length === 0 || subjectFiles.length === 0)
    throw invalidArgument("--vs", "give the baseline runs before --vs and the subject runs after it");
  const b = await read(baselineFiles, "baseline runs");
  const s = await read(subjectFiles, "--vs");
  return diagnoseRuns(b, s, reportFile);
}
