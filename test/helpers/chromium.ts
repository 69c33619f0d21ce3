import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The DOM headless Chromium builds from a local HTML file once its scripts ran. */
export function renderedDom(
  file: string,
  profileDir: string,
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    "chromium",
    [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${join(profileDir, "profile")}`,
      "--virtual-time-budget=5000",
      "--dump-dom",
      `file://${file}`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
}
