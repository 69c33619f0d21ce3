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

/** The one place internal errors become gRPC status; the field at fault travels as metadata. */
export function toServiceError(e: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (isOverlayscopeError(e)) {
    metadata.set("overlayscope-error-code", e.code);
    if (e.field) metadata.set("overlayscope-field", e.field);
    return { code: STATUS_BY_CODE[e.code], details: e.message, metadata };
  }
  return { code: status.INTERNAL, details: `internal error: ${describeError(e)}`, metadata };
}
