import type { ServiceDefinition } from "@grpc/grpc-js";

const encoded = new WeakMap<object, Buffer>();

/**
 * Every watcher of a session receives the same interval; grpc-js would serialise its message once
 * per stream. The StreamSession serializer passes already-encoded bytes through, and
 * `encodeOnce` encodes each interval's message a single time however many clients watch it.
 */
export function withSharedSnapshotEncoding(service: ServiceDefinition): {
  service: ServiceDefinition;
  /** The bytes of `message()`, built and encoded once per `source` object. */
  encodeOnce: (source: object, message: () => object) => Buffer;
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
    encodeOnce(source, message) {
      let bytes = encoded.get(source);
      if (!bytes) encoded.set(source, (bytes = serialize(message())));
      return bytes;
    },
  };
}
