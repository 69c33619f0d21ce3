import type { ServiceDefinition } from "@grpc/grpc-js";

const encoded = new WeakMap<object, Buffer>();

/**
 * Every watcher of a session receives the same snapshot object; grpc-js would serialise it once
 * per stream. The StreamSession serializer passes already-encoded bytes through, and
 * `encodeOnce` encodes each snapshot a single time however many clients watch it.
 */
export function withSharedSnapshotEncoding(service: ServiceDefinition): {
  service: ServiceDefinition;
  encodeOnce: (snapshot: object) => Buffer;
} {
  const method = service.StreamSession!;
  const serialize = method.responseSerialize;
  return {
    service: {
      ...service,
      StreamSession: {
        ...method,
        responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : serialize(v)),
      },
    },
    encodeOnce(snapshot) {
      let bytes = encoded.get(snapshot);
      if (!bytes) encoded.set(snapshot, (bytes = serialize(snapshot)));
      return bytes;
    },
  };
}
