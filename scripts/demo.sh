#!/usr/bin/env bash
# The main job: set up, then build host and overlay lab topologies, benchmark them with probes
# attached, and print what the overlay costs. Needs root and a kernel with BPF (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec ./bin/overlayscope demo "$@"
