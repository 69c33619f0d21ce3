import { pino, type Logger } from "pino";

/**
 * The one root logger. JSON to stderr so that stdout stays clean for data; the CLI sets the level
 * from OVERLAYSCOPE_LOG_LEVEL (default "warn" for the CLI, "info" for the daemon).
 */
export const rootLogger: Logger = pino(
  { name: "overlayscope", level: process.env.OVERLAYSCOPE_LOG_LEVEL ?? "warn" },
  pino.destination({ fd: 2, sync: true }),
);

export function componentLogger(component: string): Logger {
  return rootLogger.child({ component });
}

export type { Logger };
