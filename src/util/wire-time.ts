/**
 * google.protobuf.Timestamp and Duration on the wire, milliseconds everywhere else: the API speaks
 * the well-known types (every language's protobuf library turns them into its own time types),
 * while sessions, runs and the diagnosis keep plain epoch milliseconds.
 */
export interface WireTime {
  seconds: number;
  nanos: number;
}

/** What the loader hands over for an absent or present Timestamp/Duration (longs as Number). */
type WireTimeIn = { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null;

/** Milliseconds (since the epoch, or a length) as seconds and nanoseconds; nanos always ≥ 0. */
export function wireTime(ms: number): WireTime {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** Back to milliseconds; an absent value is 0 (proto3's "not set"). */
export function wireMs(t: WireTimeIn | undefined): number {
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** A time that may be unset (0 = not yet), as an optional message field. */
export function optionalWireTime(ms: number): WireTime | null {
  return ms > 0 ? wireTime(ms) : null;
}
