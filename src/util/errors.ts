/**
 * Errors that cross a module boundary are values with a stable code, so the CLI can pick an exit
 * code and the gRPC server a status without parsing messages.
 */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "FAILED_PRECONDITION"
  | "RESOURCE_EXHAUSTED"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "PROBE_ATTACH_FAILED"
  | "PROBE_EXITED"
  | "UNSUPPORTED"
  | "TIMEOUT"
  | "INTERNAL";

export class OverlayscopeError extends Error {
  readonly code: ErrorCode;
  /** The request or config field at fault, e.g. `probes[2].params.hz`. */
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OverlayscopeError";
    this.code = code;
    if (options?.field !== undefined) this.field = options.field;
  }
}

export function invalidArgument(field: string, message: string): OverlayscopeError {
  return new OverlayscopeError("INVALID_ARGUMENT", `${field}: ${message}`, { field });
}

/**
 * A client's string as it may appear in an error: JSON-quoted (control characters escaped), at
 * most 80 characters, so a 20 KB name cannot push a status past the peer's metadata limit.
 */
export function clientText(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

export function isOverlayscopeError(e: unknown): e is OverlayscopeError {
  return e instanceof OverlayscopeError;
}

/** A message fit for a person from anything thrown. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
