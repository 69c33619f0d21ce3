import { writeFile } from "node:fs/promises";
import { renderReport } from "../../report/html-report.js";
import { readRunFile } from "../../run/run-file.js";

export async function writeReport(file: string, out: string, extraSections = ""): Promise<number> {
  const html = renderReport(await readRunFile(file), extraSections);
  await writeFile(out, html);
  return Buffer.byteLength(html);
}
