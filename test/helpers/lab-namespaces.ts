import { execFileSync } from "node:child_process";

/** Lab namespaces ("os<6 hex>-…", src/lab/topology.ts) present now. */
export const labNamespaces = (): string[] =>
  execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter((n) => /^os[0-9a-f]{6}-/.test(n))
    .sort();

/**
 * Lab namespaces present now that were not present at `before`: what the test's own labs left.
 * A test asks this rather than "no lab namespace at all", since the host may hold labs it did not
 * make (a kept `lab up`, or one whose process was SIGKILLed — a CI job on this machine once failed
 * on another run's leftovers).
 */
export const labNamespacesSince = (before: string[]): string[] =>
  labNamespaces().filter((n) => !before.includes(n));
