import type { ErrorCode } from "../util/errors.js";

/** Documented in the README; scripts rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  precondition: 3,
  interrupted: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "INVALID_ARGUMENT":
    case "NOT_FOUND":
      return EXIT.usage;
    case "FAILED_PRECONDITION":
    case "UNSUPPORTED":
    case "PERMISSION_DENIED":
    case "PROBE_ATTACH_FAILED":
      return EXIT.precondition;
    default:
      return EXIT.failure;
  }
}
