import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requireKernel } from "../helpers/kernel.js";
import { startDaemon } from "../helpers/daemon.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "..", "..");

test("a Python client (Debian python3-grpcio, stubs generated from our .proto) drives a session", async (t) => {
  if (!requireKernel(t)) return;
  const out = tempDir("py");
  execFileSync("protoc", [
    `-I${join(ROOT, "proto")}`,
    `--python_out=${out}`,
    `--grpc_out=${out}`,
    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
    "overlayscope/v1/profiler.proto",
  ]);
  const d = await startDaemon();
  try {
    const r = spawnSync("/usr/bin/python3", [join(ROOT, "test", "python", "wire_client.py"), d.socket, out], {
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as {
      bpftrace: string;
      probes: string[];
      host_now_ms: number;
      session_started_ms: number;
      interval_ms: number;
      snapshots: Array<{ cpus: number; final: boolean; at_ms: number }>;
      pprof_bytes: number;
      pprof_has_cpu: boolean;
      error: { code: string; details: string };
    };
    assert.match(seen.bpftrace, /^\d+\.\d+/);
    assert.ok(seen.probes.includes("stacks"));
    assert.ok(seen.snapshots.length >= 3 && seen.snapshots[0]!.cpus > 0);
    assert.equal(seen.snapshots[seen.snapshots.length - 1]!.final, true);
    // Times are the well-known types, read by Python's own Timestamp/Duration: the session started
    // after the host answered, the stream's intervals close after the start, one second apart.
    assert.equal(seen.interval_ms, 1000);
    assert.ok(
      seen.session_started_ms >= seen.host_now_ms - 5,
      `${seen.session_started_ms} vs ${seen.host_now_ms}`,
    );
    const ats = seen.snapshots.map((s) => s.at_ms);
    assert.ok(
      ats.every((a, i) => a > seen.session_started_ms && (i === 0 || a >= ats[i - 1]!)),
      ats.join(","),
    );
    assert.ok(Math.abs(ats[0]! - Date.now()) < 600_000, "a Timestamp in milliseconds since the epoch");
    assert.ok(seen.pprof_bytes > 100 && seen.pprof_has_cpu);
    assert.equal(seen.error.code, "INVALID_ARGUMENT");
    assert.match(seen.error.details, /^id: not a session id/);
  } finally {
    await d.stop();
  }
});

test("a generic client builds our API from server reflection alone, in a real descriptor pool", async (t) => {
  if (!requireKernel(t)) return;
  const out = tempDir("py-reflection");
  // The reflection proto as a top-level module (its own path would shadow the grpc package).
  copyFileSync(
    join(
      ROOT,
      "node_modules",
      "@grpc",
      "reflection",
      "build",
      "proto",
      "grpc",
      "reflection",
      "v1",
      "reflection.proto",
    ),
    join(out, "reflection.proto"),
  );
  execFileSync("protoc", [
    `-I${out}`,
    `--python_out=${out}`,
    `--grpc_out=${out}`,
    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
    "reflection.proto",
  ]);
  const d = await startDaemon();
  try {
    const r = spawnSync(
      "/usr/bin/python3",
      [join(ROOT, "test", "python", "reflection_client.py"), d.socket, out],
      {
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as {
      services: string[];
      methods: Record<string, string[]>;
      params_entry: string;
      params_is_map: boolean;
      probes: string[];
    };
    for (const s of [
      "overlayscope.v1.ProfilerService",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
    ])
      assert.ok(seen.services.includes(s), `lists ${s}: ${seen.services.join(", ")}`);
    assert.ok(seen.methods["overlayscope.v1.ProfilerService"]!.includes("StartSession"));
    assert.equal(seen.params_entry, "ParamsEntry");
    assert.equal(seen.params_is_map, true);
    assert.ok(seen.probes.includes("stacks"), "a call made with message classes from the pool alone");
  } finally {
    await d.stop();
  }
});
