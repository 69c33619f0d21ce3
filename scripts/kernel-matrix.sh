#!/usr/bin/env bash
# The kernel matrix: every probe variant attached for real and checked against an independent
# source (test/matrix/probe-variants.ts, the checks of test/kernel/probes-traffic) on
#   - this machine's kernel with bpftrace 0.17 (Debian 12) and 0.23 (Debian 13 root, chrooted);
#   - Debian's 6.1 (bookworm) and 6.12 (trixie) kernels booted under QEMU (TCG: this VM has no KVM),
#     where kprobes work, so the preferred kprobe variants are the ones that run.
#
#   scripts/kernel-matrix.sh [--json] [--only host-0.17,host-0.23,6.1,6.12]
#
# The guest boots an initramfs (busybox + the 9p modules) that mounts this machine's root read-only
# over virtio-9p, its own kernel's modules, and the repository, then chroots into that root with
# tmpfs on /tmp, /run and /root: the guest runs this machine's node, iperf3 and bpftrace (0.17 for
# 6.1, the Debian 13 root's 0.23 for 6.12) with the guest's kernel. Downloads and built images are
# cached in $OVERLAYSCOPE_CACHE/matrix (default /var/cache/overlayscope/matrix): a second run is
# offline. KERNEL_MATRIX_GUEST_CMD='…' runs that shell command in the guests instead of the cell
# (to look into a failure; its output is in the cell's console file). Prints a table (or with --json a JSON array of rows) and exits 1 when an expected variant
# did not run or did not pass its check.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${OVERLAYSCOPE_CACHE:-/var/cache/overlayscope}
MATRIX="$CACHE/matrix"
JSON=0
ONLY="host-0.17,host-0.23,6.1,6.12"
while [ $# -gt 0 ]; do
  case "$1" in
    --json) JSON=1 ;;
    --only) ONLY=$2; shift ;;
    *) echo "kernel-matrix: unknown argument $1 (use --json, --only CELLS)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "kernel-matrix: run as root (bpftrace, namespaces, chroot)" >&2; exit 2; }
log() { echo "kernel-matrix: $*" >&2; }
wants() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

mkdir -p "$MATRIX/results"
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio /sbin/depmod:kmod iperf3:iperf3; do
  command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -d "$REPO/node_modules" ] || { echo "kernel-matrix: run scripts/setup.sh first (node_modules missing)" >&2; exit 2; }
WRAPPER23=$(bash "$REPO/scripts/bpftrace-debian13.sh")
ROOT13="$CACHE/debian13-root"

# Newest package matching a pattern, in bookworm (this machine's apt) or trixie (the Debian 13 root).
in_root13() {
  cp /etc/resolv.conf "$ROOT13/etc/resolv.conf" 2>/dev/null || true
  unshare --mount --propagation private sh -c 'r=$1; shift; for d in proc sys dev; do mount --rbind /$d "$r/$d"; done; exec chroot "$r" "$@"' sh "$ROOT13" "$@"
}

# Where a kernel package keeps its modules: lib/modules, or usr/lib/modules (trixie's merged /usr).
moddir() {
  local d
  for d in "$1/lib/modules" "$1/usr/lib/modules"; do [ -d "$d" ] && { echo "$d"; return 0; }; done
  echo "kernel-matrix: no modules directory in $1" >&2
  return 1
}

# Extracts a kernel image package into $MATRIX/kernels/<package> and runs depmod there.
fetch_kernel() { # release: bookworm|trixie, pattern
  local release=$1 pattern=$2 pkg dir
  pkg=$(cat "$MATRIX/kernels/$release.package" 2>/dev/null || true)
  if [ -z "$pkg" ] || [ ! -d "$MATRIX/kernels/$pkg/boot" ]; then
    mkdir -p "$MATRIX/kernels" "$MATRIX/downloads"
    if [ "$release" = bookworm ]; then
      pkg=$(apt-cache search --names-only "$pattern" | awk '{print $1}' | sort -V | tail -1)
      [ -n "$pkg" ] || { apt-get update -q >/dev/null; pkg=$(apt-cache search --names-only "$pattern" | awk '{print $1}' | sort -V | tail -1); }
      (cd "$MATRIX/downloads" && apt-get download -q "$pkg" >/dev/null)
    else
      in_root13 sh -c 'apt-get update -q >/dev/null' >&2
      pkg=$(in_root13 apt-cache search --names-only "$pattern" | awk '{print $1}' | sort -V | tail -1)
      in_root13 sh -c "cd /tmp && apt-get download -q $pkg >/dev/null"
      mv "$ROOT13"/tmp/"$pkg"_*.deb "$MATRIX/downloads/"
    fi
    [ -n "$pkg" ] || { echo "kernel-matrix: no package matches $pattern in $release" >&2; exit 1; }
    log "extracting $pkg"
    dir="$MATRIX/kernels/$pkg"
    rm -rf "$dir" && mkdir -p "$dir"
    dpkg-deb -x "$(ls "$MATRIX/downloads/${pkg}"_*.deb | tail -1)" "$dir"
    /sbin/depmod -b "$(dirname "$(dirname "$(moddir "$dir")")")" "$(ls "$(moddir "$dir")")"
    echo "$pkg" >"$MATRIX/kernels/$release.package"
  fi
  echo "$pkg"
}

# An initramfs: static busybox, the modules 9p over virtio needs (with their dependencies, in
# load order, decompressed for busybox's insmod) and guest-init.sh.
build_initramfs() { # kernel package dir, output
  local dir=$1 out=$2 ver work m mods
  mods=$(moddir "$dir")
  ver=$(ls "$mods")
  work=$(mktemp -d /tmp/overlayscope-initramfs-XXXXXX)
  mkdir -p "$work/bin" "$work/modules"
  cp "$(command -v busybox)" "$work/bin/busybox"
  cp "$REPO/test/matrix/guest-init.sh" "$work/init"
  chmod 755 "$work/init"
  # Dependency order: modules.dep lists each module's dependencies; a module loads after them.
  local order=()
  add() {
    local mod=$1 line dep
    line=$(grep -E "(^|/)$mod\.ko(\.[a-z]+)?:" "$mods/$ver/modules.dep" || true)
    [ -n "$line" ] || return 0 # built in
    for dep in ${line#*:}; do add "$(basename "${dep%%.ko*}")"; done
    for m in "${order[@]}"; do [ "$m" = "${line%%:*}" ] && return 0; done
    order+=("${line%%:*}")
  }
  for m in virtio_pci 9pnet_virtio 9p; do add "$m"; done
  : >"$work/modules.order"
  for m in "${order[@]}"; do
    local base
    base=$(basename "${m%%.ko*}").ko
    case "$m" in
      *.xz) xz -dc "$mods/$ver/$m" >"$work/modules/$base" ;;
      *.zst) zstd -qdc "$mods/$ver/$m" >"$work/modules/$base" ;;
      *) cp "$mods/$ver/$m" "$work/modules/$base" ;;
    esac
    echo "$base" >>"$work/modules.order"
  done
  (cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

# Boots a kernel with the guest init; the guest prints its OVERLAYSCOPE-MATRIX line on the console.
run_guest() { # cell name, kernel package, bpftrace inside the guest
  local cell=$1 pkg=$2 bt=$3 dir="$MATRIX/kernels/$2" initrd="$MATRIX/kernels/$2.initramfs.gz" console guest
  [ -s "$initrd" ] && [ "$initrd" -nt "$REPO/test/matrix/guest-init.sh" ] || build_initramfs "$dir" "$initrd"
  console="$MATRIX/results/$cell.console"
  rm -f "$MATRIX/results/$cell.json"
  # Another boot only when one produced no result at all (the emulator, not a check, failed: with
  # -cpu max, 2 of ~10 boots had node die at start, a WebAssembly "memory access out of bounds" and
  # a segfault — QEMU 7.2's young AVX emulation under V8's JIT; the guest CPU is now a model without
  # AVX); a failed check is a result and is never retried. One fresh-clone CI run here (2026-12-05)
  # still needed 3 boots for 6.12 and 2 for 6.1: a segfault at start (6.1), an "Oops: int3" kernel
  # panic while bpftrace attached (6.12), and tsx failing to parse a file it had read (6.12) — each
  # within 3 minutes, so two more boots cost little and keep three glitches from failing a run.
  for attempt in 1 2 3 4 5; do
    log "booting $pkg under QEMU (TCG) for cell $cell, attempt $attempt; console in $console"
    # TCG is slow: the cell's whole run (boot, node, bpftrace compiles, two traffic passes) gets 20 min.
    # --foreground keeps timeout and QEMU in this script's process group, so stopping the group
    # stops them; the trap stops them when only the script is signalled. Without both, a stopped
    # matrix left QEMU running for up to 20 minutes beside whatever ran next.
    timeout --foreground 1200 qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu Nehalem -smp 2 -m 4096 \
      -kernel "$(ls "$dir"/boot/vmlinuz-*)" -initrd "$initrd" \
      -append "console=ttyS0 panic=-1 quiet overlayscope.bpftrace=$bt overlayscope.repo=/tmp/overlayscope${KERNEL_MATRIX_GUEST_CMD:+ overlayscope.cmd=$(printf %s "$KERNEL_MATRIX_GUEST_CMD" | base64 -w0)}" \
      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
      -virtfs "local,path=$(moddir "$dir"),mount_tag=kmods,security_model=none,readonly=on" \
      -virtfs "local,path=$REPO,mount_tag=repo,security_model=none,readonly=on" \
      -display none -serial "file:$console" -monitor none -no-reboot -nic none </dev/null &
    guest=$!
    trap 'kill -TERM "$guest" 2>/dev/null; wait "$guest" 2>/dev/null; exit 143' TERM INT HUP
    wait "$guest" || true
    trap - TERM INT HUP
    # A guest command's output is the console itself: one boot, no cell result to wait for.
    [ -n "${KERNEL_MATRIX_GUEST_CMD:-}" ] && { log "cell $cell: the guest command's output is in $console"; return 0; }
    grep -a '^OVERLAYSCOPE-MATRIX ' "$console" | tail -1 | sed 's/^OVERLAYSCOPE-MATRIX //' | tr -d '\r' >"$MATRIX/results/$cell.json" || true
    [ -s "$MATRIX/results/$cell.json" ] && return 0
    log "cell $cell: no result; the console's end:"
    tail -30 "$console" >&2
  done
}

run_host() { # cell name, bpftrace binary
  local cell=$1 bt=$2
  log "cell $cell: this machine's kernel with $bt"
  # 8 s, not the 3 s default: the tick sampler's pass caught 2-7 VXLAN samples of ~420 in 3 s
  # here, and once none (CI, host-0.23).
  (cd "$REPO" && node --import tsx test/matrix/probe-variants.ts --bpftrace "$bt" --seconds 8) |
    grep -a '^OVERLAYSCOPE-MATRIX ' | tail -1 | sed 's/^OVERLAYSCOPE-MATRIX //' >"$MATRIX/results/$cell.json" || true
}

cells=()
if wants host-0.17; then run_host host-0.17 "$(command -v bpftrace)"; cells+=(host-0.17); fi
if wants host-0.23; then run_host host-0.23 "$WRAPPER23"; cells+=(host-0.23); fi
if wants 6.1; then
  run_guest 6.1 "$(fetch_kernel bookworm '^linux-image-6\.1\.0-[0-9]+-amd64$')" bpftrace
  cells+=(6.1)
fi
if wants 6.12; then
  run_guest 6.12 "$(fetch_kernel trixie '^linux-image-6\.12\.[0-9]+\+deb13-amd64$')" "$WRAPPER23"
  cells+=(6.12)
fi

[ -n "${KERNEL_MATRIX_GUEST_CMD:-}" ] && exit 0
node --import tsx "$REPO/test/matrix/matrix-table.ts" $([ $JSON = 1 ] && echo --json) --dir "$MATRIX/results" "${cells[@]}"
