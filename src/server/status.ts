import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { describeError, isOverlayscopeError, type ErrorCode } from "../util/errors.js";

const STATUS_BY_CODE: Record<ErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  PROBE_ATTACH_FAILED: status.FAILED_PRECONDITION,
  PROBE_EXITED: status.ABORTED,
  UNSUPPORTED: status.FAILED_PRECONDITION,
  TIMEOUT: status.DEADLINE_EXCEEDED,
  INTERNAL: status.INTERNAL,
};

/** Metadata values must be printable ASCII, and peers refuse headers past 8 KB. */
const MAX_FIELD = 120;
const MAX_DETAILS = 2000;

function asciiField(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > MAX_FIELD ? `${printable.slice(0, MAX_FIELD)}...` : printable;
}

function capped(s: string): string {
  return s.length > MAX_DETAILS ? `${s.slice(0, MAX_DETAILS)}…` : s;
}

/**
 * The one place internal errors become gRPC status; the field at fault travels as metadata.
 * It cannot throw: whatever text a client sent, the field is made printable ASCII and capped
 * (Metadata.set throws on anything else, and an unhandled throw here once killed the daemon).
 */
export function toServiceError(e: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  try {
    if (isOverlayscopeError(e)) {
      metadata.set("overlayscope-error-code", e.code);
      if (e.field) metadata.set("overlayscope-field", asciiField(e.field));
      return { code: STATUS_BY_CODE[e.code], details: capped(e.message), metadata };
    }
    return { code: status.INTERNAL, details: capped(`internal error: ${describeError(e)}`), metadata };
  } catch {
    return {
      code: status.INTERNAL,
      details: "internal error (while reporting an error)",
      metadata: new Metadata(),
    };
  }
}
