import { status, type ServiceError } from "@grpc/grpc-js";
import { OverlayscopeError, type ErrorCode } from "../util/errors.js";

const CODES = new Set<string>([
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "FAILED_PRECONDITION",
  "RESOURCE_EXHAUSTED",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "PROBE_ATTACH_FAILED",
  "PROBE_EXITED",
  "UNSUPPORTED",
  "TIMEOUT",
  "INTERNAL",
]);

const BY_STATUS: Partial<Record<status, ErrorCode>> = {
  [status.INVALID_ARGUMENT]: "INVALID_ARGUMENT",
  [status.NOT_FOUND]: "NOT_FOUND",
  [status.FAILED_PRECONDITION]: "FAILED_PRECONDITION",
  [status.RESOURCE_EXHAUSTED]: "RESOURCE_EXHAUSTED",
  [status.UNAUTHENTICATED]: "UNAUTHENTICATED",
  [status.PERMISSION_DENIED]: "PERMISSION_DENIED",
  [status.ABORTED]: "PROBE_EXITED",
  [status.DEADLINE_EXCEEDED]: "TIMEOUT",
};

function isServiceError(e: unknown): e is ServiceError {
  return typeof e === "object" && e !== null && "code" in e && "details" in e && "metadata" in e;
}

/**
 * A daemon's answer as the error the rest of the client handles: the daemon's own error code
 * (its `overlayscope-error-code` trailer, else one from the gRPC status) and the field at fault,
 * so the CLI exits with the documented code and says the daemon's message, not "unexpected
 * error: 3 INVALID_ARGUMENT: …". A daemon that is not there is said in one line.
 */
export function fromServiceError(e: unknown, address = "the daemon"): unknown {
  if (!isServiceError(e)) return e;
  const sent = String(e.metadata?.get("overlayscope-error-code")[0] ?? "");
  const field = e.metadata?.get("overlayscope-field")[0];
  const opts = field !== undefined ? { field: String(field), cause: e } : { cause: e };
  if (CODES.has(sent)) return new OverlayscopeError(sent as ErrorCode, e.details, opts);
  if (e.code === status.UNAVAILABLE)
    return new OverlayscopeError(
      "FAILED_PRECONDITION",
      `no daemon answers at ${address} (${e.details.split("\n")[0]}): start one with 'sudo overlayscope daemon', or give --socket`,
      opts,
    );
  const code = BY_STATUS[e.code];
  return code ? new OverlayscopeError(code, e.details, opts) : e;
}
