import { OverlayscopeError } from "../util/errors.js";

export function requireRootUser(): void {
  if (process.getuid?.() !== 0) {
    throw new OverlayscopeError(
      "PERMISSION_DENIED",
      "this command loads BPF programs and builds network namespaces: run it as root (sudo)",
    );
  }
}
