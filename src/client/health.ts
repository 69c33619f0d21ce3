import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { credentials, loadPackageDefinition, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

interface HealthClient {
  check(
    req: { service: string },
    opts: { deadline: number },
    cb: (e: ServiceError | null, r: { status: string }) => void,
  ): void;
  close(): void;
}

type HealthClientConstructor = new (
  a: string,
  c: ReturnType<typeof credentials.createInsecure>,
) => HealthClient;

let healthClient: HealthClientConstructor | undefined;

/** The standard grpc.health.v1 client, from the proto shipped with grpc-health-check; loaded once. */
function healthClientType(): HealthClientConstructor {
  if (!healthClient) {
    const pkg = createRequire(import.meta.url).resolve("grpc-health-check/package.json");
    const proto = join(dirname(pkg), "proto", "health", "v1", "health.proto");
    const def = loadPackageDefinition(loadSync(proto, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: HealthClientConstructor } } };
    };
    healthClient = def.grpc.health.v1.Health;
  }
  return healthClient;
}

/**
 * Asks a daemon's gRPC health service for a service's status ("SERVING", "NOT_SERVING", …):
 * what Kubernetes liveness/readiness exec probes run, since kubelet's own gRPC probe cannot
 * present the client certificate the TCP port requires.
 */
export async function checkHealth(address: string, service: string, timeoutMs = 3000): Promise<string> {
  const Health = healthClientType();
  const client = new Health(address, credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (e, r) =>
        e ? reject(e) : resolve(r.status),
      ),
    );
  } finally {
    client.close();
  }
}
