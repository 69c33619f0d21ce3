import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  loadPackageDefinition,
  type Server,
  type ServerDuplexStream,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import protobuf from "protobufjs";

/**
 * gRPC server reflection (v1 and v1alpha, what grpcurl and other generic clients use), answering
 * with the descriptors protoc itself made of our protos (proto/descriptors.binpb, from
 * scripts/gen-descriptors.sh), byte for byte. Descriptors rebuilt from protobufjs were not valid
 * in a real descriptor pool (a map entry named "Params" instead of "ParamsEntry", relative type
 * names, camelCase field names), so a generic client could not build the API from them.
 */

const require = createRequire(import.meta.url);
const ROOT = join(dirname(new URL(import.meta.url).pathname), "..", "..");
const DESCRIPTORS = join(ROOT, "proto", "descriptors.binpb");

interface FileInfo {
  name: string;
  bytes: Uint8Array;
  dependencies: string[];
}

interface DescriptorIndex {
  files: Map<string, FileInfo>;
  /** Fully qualified symbol (message, enum, service, method) → the file that defines it. */
  symbols: Map<string, string>;
  services: string[];
}

interface DecodedMessage {
  name?: string;
  nestedType?: DecodedMessage[];
  enumType?: Array<{ name?: string }>;
}
interface DecodedFile {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: DecodedMessage[];
  enumType?: Array<{ name?: string }>;
  service?: Array<{ name?: string; method?: Array<{ name?: string }> }>;
}

/** Splits a FileDescriptorSet into each file's own bytes (field 1, length-delimited) and indexes its symbols. */
export function indexDescriptorSet(set: Uint8Array): DescriptorIndex {
  const descriptorRoot = protobuf.Root.fromJSON(
    require("protobufjs/google/protobuf/descriptor.json") as protobuf.INamespace,
  );
  const FileDescriptorProto = descriptorRoot.lookupType("google.protobuf.FileDescriptorProto");
  const files = new Map<string, FileInfo>();
  const symbols = new Map<string, string>();
  const services: string[] = [];
  const r = protobuf.Reader.create(set);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      r.skipType(tag & 7);
      continue;
    }
    const bytes = r.bytes();
    const f = FileDescriptorProto.toObject(FileDescriptorProto.decode(bytes)) as DecodedFile;
    const name = f.name ?? "";
    files.set(name, { name, bytes, dependencies: f.dependency ?? [] });
    const prefix = f.package ? `${f.package}.` : "";
    const addMessage = (m: DecodedMessage, scope: string): void => {
      const full = `${scope}${m.name ?? ""}`;
      symbols.set(full, name);
      for (const e of m.enumType ?? []) symbols.set(`${full}.${e.name ?? ""}`, name);
      for (const n of m.nestedType ?? []) addMessage(n, `${full}.`);
    };
    for (const m of f.messageType ?? []) addMessage(m, prefix);
    for (const e of f.enumType ?? []) symbols.set(`${prefix}${e.name ?? ""}`, name);
    for (const s of f.service ?? []) {
      const full = `${prefix}${s.name ?? ""}`;
      services.push(full);
      symbols.set(full, name);
      for (const m of s.method ?? []) symbols.set(`${full}.${m.name ?? ""}`, name);
    }
  }
  return { files, symbols, services };
}

interface ReflectionRequest {
  host?: string;
  fileByFilename?: string;
  fileContainingSymbol?: string;
  fileContainingExtension?: { containingType?: string; extensionNumber?: number };
  allExtensionNumbersOfType?: string;
  listServices?: string;
  messageRequest?: string;
}

/** The file and everything it imports, the file first: a client builds its pool from these. */
function withDependencies(index: DescriptorIndex, file: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const f = index.files.get(name);
    if (!f || seen.has(name)) return;
    seen.add(name);
    out.push(f.bytes);
    for (const d of f.dependencies) visit(d);
  };
  visit(file);
  return out;
}

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;
const INVALID_ARGUMENT = 3;

function answer(index: DescriptorIndex, req: ReflectionRequest): object {
  const notFound = (what: string): object => ({
    errorResponse: { errorCode: NOT_FOUND, errorMessage: what },
  });
  switch (req.messageRequest) {
    case "listServices":
      return { listServicesResponse: { service: index.services.map((name) => ({ name })) } };
    case "fileByFilename": {
      const name = req.fileByFilename ?? "";
      return index.files.has(name)
        ? { fileDescriptorResponse: { fileDescriptorProto: withDependencies(index, name) } }
        : notFound(`no file ${name.slice(0, 200)}`);
    }
    case "fileContainingSymbol": {
      const sym = (req.fileContainingSymbol ?? "").replace(/^\./, "");
      const file = index.symbols.get(sym);
      return file
        ? { fileDescriptorResponse: { fileDescriptorProto: withDependencies(index, file) } }
        : notFound(`no symbol ${sym.slice(0, 200)}`);
    }
    case "fileContainingExtension":
      return notFound("no extensions are defined");
    case "allExtensionNumbersOfType": {
      const type = req.allExtensionNumbersOfType ?? "";
      return index.symbols.has(type)
        ? { allExtensionNumbersResponse: { baseTypeName: type, extensionNumber: [] } }
        : notFound(`no type ${type.slice(0, 200)}`);
    }
    case undefined:
      return { errorResponse: { errorCode: INVALID_ARGUMENT, errorMessage: "empty request" } };
    default:
      return { errorResponse: { errorCode: UNIMPLEMENTED, errorMessage: "unknown request" } };
  }
}

/** Adds grpc.reflection.v1 and v1alpha ServerReflection to a server, from protoc's descriptors. */
export function addReflection(server: Server, descriptorFile = DESCRIPTORS): void {
  const index = indexDescriptorSet(readFileSync(descriptorFile));
  const protoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  for (const version of ["v1", "v1alpha"] as const) {
    const def = loadSync(join(protoDir, "grpc", "reflection", version, "reflection.proto"), {
      oneofs: true,
      defaults: false,
      longs: Number,
    });
    const pkg = loadPackageDefinition(def) as unknown as {
      grpc: { reflection: Record<string, { ServerReflection: { service: ServiceDefinition } }> };
    };
    server.addService(pkg.grpc.reflection[version]!.ServerReflection.service, {
      ServerReflectionInfo: (call: ServerDuplexStream<ReflectionRequest, object>) => {
        call.on("data", (req: ReflectionRequest) => {
          call.write({ validHost: req.host ?? "", originalRequest: req, ...answer(index, req) });
        });
        call.on("end", () => call.end());
        call.on("error", () => undefined);
      },
    });
  }
}
