import { componentLogger } from "../util/log.js";

const log = componentLogger("daemon");

/** At most one line per this many ms per kind: a client retrying in a loop must not flood the log. */
const REFUSAL_LOG_MS = 10_000;

const last = new Map<string, { at: number; since: number }>();

/**
 * A refused connection or call (wrong token, failed TLS handshake), logged with the peer so an
 * operator sees probing, rate-limited per kind with the count since the previous line.
 */
export function logRefusal(kind: string, fields: Record<string, string | undefined>): void {
  const now = Date.now();
  const s = last.get(kind) ?? { at: 0, since: 0 };
  s.since++;
  last.set(kind, s);
  if (now - s.at < REFUSAL_LOG_MS) return;
  log.warn({ ...fields, refused: s.since }, kind);
  s.at = now;
  s.since = 0;
}
