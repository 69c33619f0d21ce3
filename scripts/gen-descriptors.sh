#!/usr/bin/env bash
# protoc's own descriptors of every service the daemon serves (ours, health, reflection), for the
# reflection service: protobufjs-derived descriptors were invalid for real descriptor pools
# (map entries misnamed, relative type names). Regenerate after editing proto/; the unit test
# test/server/reflection-descriptors.test.ts fails when this file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
protoc --include_imports --include_source_info \
  --descriptor_set_out=proto/descriptors.binpb \
  -I proto \
  -I node_modules/grpc-health-check/proto \
  -I node_modules/@grpc/reflection/build/proto \
  overlayscope/v1/profiler.proto \
  health/v1/health.proto \
  grpc/reflection/v1/reflection.proto \
  grpc/reflection/v1alpha/reflection.proto
