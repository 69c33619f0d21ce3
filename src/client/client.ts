import { credentials, Metadata, type CallCredentials, type ChannelCredentials } from "@grpc/grpc-js";
import type { ProfilerServiceClient } from "../generated/overlayscope/v1/ProfilerService.js";
import { loadProfilerPackage } from "../server/proto.js";

export interface ClientOptions {
  /** "unix:///run/overlayscope/overlayscope.sock" or "host:port". */
  address: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  token?: string;
}

/** A typed ProfilerService client over a unix socket or TCP (TLS when certificates are given). */
export function connect(opts: ClientOptions): ProfilerServiceClient {
  const { grpcType } = loadProfilerPackage();
  let creds: ChannelCredentials = opts.tls
    ? credentials.createSsl(opts.tls.ca ?? null, opts.tls.key ?? null, opts.tls.cert ?? null)
    : credentials.createInsecure();
  if (opts.token) {
    const token = opts.token;
    const call: CallCredentials = credentials.createFromMetadataGenerator((_p, cb) => {
      const m = new Metadata();
      m.set("authorization", `Bearer ${token}`);
      cb(null, m);
    });
    // Insecure channels cannot carry call credentials; send the header as plain metadata there.
    creds = opts.tls ? credentials.combineChannelCredentials(creds, call) : creds;
  }
  return new grpcType.overlayscope.v1.ProfilerService(opts.address, creds, {
    "grpc.enable_channelz": 0,
    // A run of a long session is tens of MB of JSON (GetRun); the default 4 MB would refuse it.
    "grpc.max_receive_message_length": 512 * 1024 * 1024,
  });
}

/** Metadata carrying the token for channels without TLS (unix sockets). */
export function tokenMetadata(token: string | undefined): Metadata {
  const m = new Metadata();
  if (token) m.set("authorization", `Bearer ${token}`);
  return m;
}
