import { writeOutputFile } from "../../util/output-file.js";
import { diagnoseHosts, hostsDiagnosisHtml } from "../../diagnose/multi-host.js";
import { renderMultiHostReport, renderReport } from "../../report/html-report.js";
import { readAnyRun } from "../../run/read-run.js";

/** A single run's report, or for a multi-host run every host's with the cross-host diagnosis. */
export async function writeReport(file: string, out: string, extraSections = ""): Promise<number> {
  const any = await readAnyRun(file);
  const html =
    any.kind === "single"
      ? renderReport(any.run, extraSections)
      : renderMultiHostReport(any.run, hostsDiagnosisHtml(diagnoseHosts(any.run)) + extraSections);
  await writeOutputFile(out, html);
  return Buffer.byteLength(html);
}
