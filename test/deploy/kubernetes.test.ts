import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { DaemonSet } from "kubernetes-models/apps/v1";
import { Namespace, Service } from "kubernetes-models/v1";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1";

const ROOT = join(import.meta.dirname, "..", "..");
const MANIFEST = join(ROOT, "deploy", "kubernetes", "overlayscope.yaml");

type Doc = Record<string, unknown> & { kind: string };
const docs = (): Doc[] => parseAllDocuments(readFileSync(MANIFEST, "utf8")).map((d) => d.toJSON() as Doc);

/** kubernetes-models validates against the Kubernetes OpenAPI schema of each kind. */
function validate(doc: Doc): void {
  switch (doc.kind) {
    case "DaemonSet":
      new DaemonSet(doc as never).validate();
      return;
    case "Service":
      new Service(doc as never).validate();
      return;
    case "Namespace":
      new Namespace(doc as never).validate();
      return;
    case "PriorityClass":
      new PriorityClass(doc as never).validate();
      return;
    default:
      assert.fail(`unexpected kind ${doc.kind}`);
  }
}

test("the Kubernetes manifests validate against the Kubernetes schemas", () => {
  const all = docs();
  assert.deepEqual(
    all.map((d) => d.kind),
    ["Namespace", "PriorityClass", "DaemonSet", "Service"],
  );
  for (const d of all) validate(d);
});

test("the validator is not a rubber stamp: a broken DaemonSet is refused", () => {
  const ds = docs().find((d) => d.kind === "DaemonSet")!;
  const broken = structuredClone(ds) as unknown as {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  (broken.spec.template.spec.containers[0]!.ports as Array<Record<string, unknown>>)[0]!.containerPort =
    "grpc";
  assert.throws(() => validate(broken as unknown as Doc), /containerPort/);
  const noContainers = structuredClone(ds) as unknown as {
    spec: { template: { spec: { containers?: unknown } } };
  };
  delete noContainers.spec.template.spec.containers;
  assert.throws(() => validate(noContainers as unknown as Doc), /containers/);
});

test("the DaemonSet asks for exactly the privileges the daemon needs, and probes the health service", () => {
  const ds = new DaemonSet(docs().find((d) => d.kind === "DaemonSet") as never);
  const pod = ds.spec!.template.spec!;
  assert.equal(pod.hostPID, true);
  assert.equal(pod.hostNetwork, true);
  const c = pod.containers[0]!;
  assert.equal(c.securityContext?.privileged, false, "capabilities instead of privileged");
  assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"]);
  assert.deepEqual([...(c.securityContext?.capabilities?.add ?? [])].sort(), [
    "BPF",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "PERFMON",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_NICE",
    "SYS_PTRACE",
    "SYS_RESOURCE",
  ]);
  assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m]));
  for (const p of [
    "/sys/kernel/tracing",
    "/sys/kernel/debug",
    "/sys/fs/cgroup",
    "/var/run/netns",
    "/run/overlayscope",
    "/var/cache/overlayscope",
  ])
    assert.ok(mounts.has(p), `mounts ${p}`);
  assert.equal(mounts.get("/var/run/netns")?.mountPropagation, "HostToContainer");
  // httpGet /healthz on the metrics port, not a Node process per probe.
  for (const probe of [c.readinessProbe, c.livenessProbe]) {
    assert.equal(probe?.httpGet?.path, "/healthz");
    assert.equal(probe?.httpGet?.port, "metrics");
  }
  assert.equal(pod.nodeSelector?.["kubernetes.io/os"], "linux");
  const pc = new PriorityClass(docs().find((d) => d.kind === "PriorityClass") as never);
  assert.equal(pod.priorityClassName, pc.metadata?.name);
  assert.ok((pc.value ?? Infinity) < 2_000_000_000, "below the system-critical classes");
  const env = new Map((c.env ?? []).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
  assert.equal(env.get("OVERLAYSCOPE_NODE_NAME"), "spec.nodeName");
  assert.equal(env.get("OVERLAYSCOPE_POD_NAME"), "metadata.name");
  // the args are the daemon's real flags: TLS with client certificates, metrics
  const args = c.args ?? [];
  assert.equal(args[0], "daemon");
  for (const flag of [
    "--listen",
    "--tls-cert",
    "--tls-key",
    "--tls-ca",
    "--require-client-cert",
    "--metrics",
  ])
    assert.ok(
      args.some((a) => a === flag || a.startsWith(`${flag}=`)),
      flag,
    );
  const svc = new Service(docs().find((d) => d.kind === "Service") as never);
  assert.deepEqual(
    svc.spec?.ports?.map((p) => [p.name, p.port]),
    [
      ["grpc", 7420],
      ["metrics", 9464],
    ],
  );
  assert.deepEqual(svc.spec?.selector, ds.spec?.selector.matchLabels);
});

test("the image build file installs bpftrace and ships what the daemon reads at run time", () => {
  const df = readFileSync(join(ROOT, "deploy", "Dockerfile"), "utf8");
  assert.match(df, /^FROM node:22-bookworm-slim AS build$/m);
  assert.match(df, /apt-get install -y --no-install-recommends bpftrace /);
  for (const path of ["probes", "proto", "bin", "src/report/report-script.js", "dist", "scripts/bundle.mjs"])
    assert.match(df, new RegExp(`^COPY .*${path.replace(/\//g, "\\/")}`, "m"), path);
  // node's flags as the executable's #! line gives them (src/util/node-flags.ts).
  assert.match(
    df,
    /^ENTRYPOINT \["node", "--single-threaded-gc", "\/opt\/overlayscope\/bin\/overlayscope"\]$/m,
  );
});
