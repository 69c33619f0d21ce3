import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import type { ProtoGrpcType } from "../generated/profiler.js";

export const PROTO_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "proto",
  "overlayscope",
  "v1",
  "profiler.proto",
);

/** Loader options must match the `gen:proto` flags, so the generated types describe what we get. */
export const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

export function loadProfilerPackage(): { definition: PackageDefinition; grpcType: ProtoGrpcType } {
  const definition = loadSync(PROTO_FILE, LOADER_OPTIONS);
  return { definition, grpcType: loadPackageDefinition(definition) as unknown as ProtoGrpcType };
}
