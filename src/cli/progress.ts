/** Progress lines for people go to stderr, so stdout carries only data (also under --json). */
export function progress(enabled: boolean, text: string): void {
  if (enabled) process.stderr.write(`overlayscope: ${text}\n`);
}
