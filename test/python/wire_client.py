"""A second-language client proving the wire contract: starts a session, reads the stream and
fetches a pprof profile over the daemon's unix socket. Stubs are generated from proto/ by the test
(protoc + grpc_python_plugin) into the directory given as argv[2]. Run with /usr/bin/python3
(Debian's python3-grpcio). Prints one JSON line with what it saw."""
import gzip
import json
import sys

sys.path.insert(0, sys.argv[2])
import grpc  # noqa: E402
from overlayscope.v1 import profiler_pb2, profiler_pb2_grpc  # noqa: E402


def main() -> None:
    channel = grpc.insecure_channel("unix://" + sys.argv[1])
    stub = profiler_pb2_grpc.ProfilerServiceStub(channel)
    info = stub.GetHostInfo(profiler_pb2.GetHostInfoRequest(), timeout=30).host
    session = stub.StartSession(
        profiler_pb2.StartSessionRequest(probes=[profiler_pb2.ProbeSpec(name="stacks", params={"hz": "199"})], default_probes=True),
        timeout=60,
    ).session
    snapshots = []
    for message in stub.StreamSession(profiler_pb2.StreamSessionRequest(id=session.id), timeout=60):
        snap = message.snapshot
        # Timestamp and Duration arrive as the protobuf library's well-known types.
        snapshots.append({"seq": snap.seq, "cpus": len(snap.cpus), "softirqs": len(snap.softirqs), "final": snap.final,
                          "at_ms": snap.at.ToMilliseconds()})
        if len(snapshots) == 2:
            stub.StopSession(profiler_pb2.StopSessionRequest(id=session.id), timeout=30)
    profile = stub.GetProfile(profiler_pb2.GetProfileRequest(id=session.id, format=profiler_pb2.PROFILE_FORMAT_PPROF), timeout=30).profile
    raw = gzip.decompress(profile.data)
    try:
        stub.GetSession(profiler_pb2.GetSessionRequest(id="not-a-uuid"), timeout=10)
        error = None
    except grpc.RpcError as e:
        error = {"code": e.code().name, "details": e.details()}
    print(json.dumps({
        "bpftrace": info.bpftrace_version,
        "probes": [p.name for p in session.probes],
        "host_now_ms": info.now.ToMilliseconds(),
        "session_started_ms": session.started_at.ToMilliseconds(),
        "interval_ms": session.interval.ToMilliseconds(),
        "snapshots": snapshots,
        "pprof_bytes": len(raw),
        "pprof_has_cpu": b"nanoseconds" in raw,
        "error": error,
    }))


main()
