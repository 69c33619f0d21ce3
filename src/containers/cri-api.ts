import { credentials, Client, Metadata, type ServiceError } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { existsSync } from "node:fs";

/**
 * The Container Runtime Interface (Kubernetes' runtime.v1.RuntimeService) over a runtime's gRPC
 * socket: how a kubelet node's pods are found by name. Only the messages used here are declared
 * (field numbers as in k8s.io/cri-api's api.proto); unknown fields in replies are skipped.
 */
const str = (id: number) => ({ type: "string", id });
const map = (id: number) => ({ keyType: "string", type: "string", id });
/** The fields PodSandbox and PodSandboxStatus share, with the same numbers. */
const SANDBOX_IDENTITY = {
  id: str(1),
  metadata: { type: "PodSandboxMetadata", id: 2 },
  state: { type: "int32", id: 3 },
  createdAt: { type: "int64", id: 4 },
};
const CRI = protobuf.Root.fromJSON({
  nested: {
    runtime: {
      nested: {
        v1: {
          nested: {
            VersionRequest: { fields: { version: str(1) } },
            VersionResponse: {
              fields: {
                version: str(1),
                runtimeName: str(2),
                runtimeVersion: str(3),
                runtimeApiVersion: str(4),
              },
            },
            PodSandboxMetadata: {
              fields: { name: str(1), uid: str(2), namespace: str(3), attempt: { type: "uint32", id: 4 } },
            },
            PodSandboxConfig: {
              fields: {
                metadata: { type: "PodSandboxMetadata", id: 1 },
                hostname: str(2),
                logDirectory: str(3),
                labels: map(6),
                annotations: map(7),
              },
            },
            RunPodSandboxRequest: {
              fields: { config: { type: "PodSandboxConfig", id: 1 }, runtimeHandler: str(2) },
            },
            RunPodSandboxResponse: { fields: { podSandboxId: str(1) } },
            PodSandboxIdRequest: { fields: { podSandboxId: str(1) } },
            Empty: { fields: {} },
            PodSandboxStatusRequest: { fields: { podSandboxId: str(1), verbose: { type: "bool", id: 2 } } },
            PodSandboxNetworkStatus: { fields: { ip: str(1) } },
            PodSandboxStatus: {
              fields: {
                ...SANDBOX_IDENTITY,
                network: { type: "PodSandboxNetworkStatus", id: 5 },
                labels: map(7),
                runtimeHandler: str(9),
              },
            },
            PodSandboxStatusResponse: {
              fields: { status: { type: "PodSandboxStatus", id: 1 }, info: map(2) },
            },
            PodSandboxStateValue: { fields: { state: { type: "int32", id: 1 } } },
            PodSandboxFilter: {
              fields: { id: str(1), state: { type: "PodSandboxStateValue", id: 2 }, labelSelector: map(3) },
            },
            ListPodSandboxRequest: { fields: { filter: { type: "PodSandboxFilter", id: 1 } } },
            PodSandbox: {
              fields: {
                ...SANDBOX_IDENTITY,
                labels: map(5),
                runtimeHandler: str(7),
              },
            },
            ListPodSandboxResponse: { fields: { items: { rule: "repeated", type: "PodSandbox", id: 1 } } },
          },
        },
      },
    },
  },
});

/** SANDBOX_READY in the CRI's PodSandboxState. */
export const SANDBOX_READY = 0;

export interface PodMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}
export interface PodSandbox {
  id: string;
  metadata?: PodMetadata;
  state: number;
  labels: Record<string, string>;
  runtimeHandler: string;
}
export interface PodSandboxStatus {
  status?: PodSandbox & { network?: { ip: string } };
  /** Verbose runtime details; containerd and CRI-O put a JSON document under "info". */
  info: Record<string, string>;
}

/**
 * Where kubelet nodes' runtimes serve the CRI: containerd (also k3s's) and CRI-O, and cri-dockerd
 * for Docker. OVERLAYSCOPE_CRI_ENDPOINTS (colon-separated socket paths) replaces the list for a node
 * whose kubelet points elsewhere (its --container-runtime-endpoint).
 */
export function criSockets(): string[] {
  const env = process.env.OVERLAYSCOPE_CRI_ENDPOINTS;
  const list = env
    ? env.split(":").filter((p) => p.startsWith("/"))
    : [
        "/run/containerd/containerd.sock",
        "/run/k3s/containerd/containerd.sock",
        "/var/run/crio/crio.sock",
        "/run/cri-dockerd.sock",
      ];
  return list.filter((s) => existsSync(s));
}

const CALL_DEADLINE_MS = 5_000;

/** One connection to a runtime's CRI socket; close() when done. */
export class CriClient {
  private readonly client: Client;

  constructor(readonly socket: string) {
    this.client = new Client(`unix://${socket}`, credentials.createInsecure());
  }

  private call<T>(method: string, requestType: string, responseType: string, request: object): Promise<T> {
    const req = CRI.lookupType(`runtime.v1.${requestType}`);
    const res = CRI.lookupType(`runtime.v1.${responseType}`);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/runtime.v1.RuntimeService/${method}`,
        (x: object) => Buffer.from(req.encode(req.fromObject(x)).finish()),
        (b: Buffer) =>
          res.toObject(res.decode(b), { defaults: true, longs: Number, enums: Number, objects: true }) as T,
        request,
        new Metadata(),
        { deadline: Date.now() + CALL_DEADLINE_MS },
        (err: ServiceError | null, value?: T) => (err ? reject(err) : resolve(value!)),
      );
    });
  }

  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return this.call("Version", "VersionRequest", "VersionResponse", { version: "v1" });
  }

  async listPods(): Promise<PodSandbox[]> {
    const r = await this.call<{ items: PodSandbox[] }>(
      "ListPodSandbox",
      "ListPodSandboxRequest",
      "ListPodSandboxResponse",
      {
        filter: { state: { state: SANDBOX_READY } },
      },
    );
    return r.items;
  }

  podStatus(id: string): Promise<PodSandboxStatus> {
    return this.call("PodSandboxStatus", "PodSandboxStatusRequest", "PodSandboxStatusResponse", {
      podSandboxId: id,
      verbose: true,
    });
  }

  async runPod(config: {
    metadata: PodMetadata;
    hostname: string;
    logDirectory: string;
    labels?: Record<string, string>;
  }): Promise<string> {
    const r = await this.call<{ podSandboxId: string }>(
      "RunPodSandbox",
      "RunPodSandboxRequest",
      "RunPodSandboxResponse",
      { config },
    );
    return r.podSandboxId;
  }

  async stopAndRemovePod(id: string): Promise<void> {
    await this.call("StopPodSandbox", "PodSandboxIdRequest", "Empty", { podSandboxId: id });
    await this.call("RemovePodSandbox", "PodSandboxIdRequest", "Empty", { podSandboxId: id });
  }

  close(): void {
    this.client.close();
  }
}
