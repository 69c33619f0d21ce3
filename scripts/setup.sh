#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 / Ubuntu host, as root: packages, tracefs, npm deps, build.
# Safe to run again: each step checks before acting.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(bpftrace bpftool iperf3 sockperf sysstat linux-perf iproute2 iputils-ping ethtool nftables iptables
  python3-grpcio python3-protobuf protobuf-compiler libprotobuf-dev protobuf-compiler-grpc golang-go tmux util-linux procps chromium
  gcc libc6-dev binutils openssl python3-prometheus-client docker.io debootstrap podman)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: not root: skipping apt packages and tracefs (kernel tests will skip)" >&2
else
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # linux-perf is named linux-tools-common on Ubuntu; install what exists.
    avail=()
    for p in "${missing[@]}"; do apt-cache show "$p" >/dev/null 2>&1 && avail+=("$p") || echo "setup: package $p not available here" >&2; done
    [ "${#avail[@]}" -gt 0 ] && apt-get install -y -q --no-install-recommends "${avail[@]}" >/dev/null
  fi
  # bpftrace needs tracefs for tracepoint formats.
  if [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || mount -t debugfs nodev /sys/kernel/debug || true
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
