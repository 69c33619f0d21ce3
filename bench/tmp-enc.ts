import { readRunFile } from "../src/run/read-run.js";
import { wireSnapshot } from "../src/server/service.js";
import { loadProfilerPackage } from "../src/server/proto.js";
const run = await readRunFile(process.argv[2]!);
const { grpcType } = loadProfilerPackage();
const method = (grpcType as any).overlayscope.v1.ProfilerService.service.StreamSession;
let bytes = 0;
const t0 = process.cpuUsage();
const N = 20;
for (let k = 0; k < N; k++)
  for (const s of run.snapshots) {
    const buf = method.responseSerialize({ snapshot: wireSnapshot("x", s as any) });
    bytes += buf.length;
    method.responseDeserialize(buf);
  }
const t = process.cpuUsage(t0);
console.log("snapshots", run.snapshots.length, "bytes/snapshot", Math.round(bytes / N / run.snapshots.length), "cpu ms per snapshot enc+dec", ((t.user + t.system) / 1000 / N / run.snapshots.length).toFixed(2));
