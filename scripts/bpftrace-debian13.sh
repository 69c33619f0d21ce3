#!/usr/bin/env bash
# Makes a Debian 13 (trixie) root with its bpftrace (0.23) and a wrapper that runs it on this
# kernel: `scripts/bpftrace-debian13.sh` prints the wrapper's path. Idempotent (the root is kept in
# /var/cache/overlayscope). The wrapper runs bpftrace chrooted in a private mount namespace with
# /proc, /sys and /dev bound, so the mounts vanish with the process and nothing is left behind;
# the chain of execs keeps one pid, so signals reach bpftrace itself.
set -euo pipefail
CACHE=${OVERLAYSCOPE_CACHE:-/var/cache/overlayscope}
ROOT="$CACHE/debian13-root"
WRAPPER="$CACHE/bpftrace-debian13"
if [ ! -x "$ROOT/usr/bin/bpftrace" ]; then
  command -v debootstrap >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends debootstrap >/dev/null
  }
  rm -rf "$ROOT.partial"
  mkdir -p "$CACHE"
  echo "bpftrace-debian13: building a Debian 13 root in $ROOT (about a minute)" >&2
  debootstrap --variant=minbase --include=bpftrace trixie "$ROOT.partial" >"$CACHE/debootstrap.log" 2>&1 || {
    tail -20 "$CACHE/debootstrap.log" >&2
    exit 1
  }
  mv "$ROOT.partial" "$ROOT"
fi
cat >"$WRAPPER.tmp" <<WRAP
#!/bin/sh
exec unshare --mount --propagation private sh -c 'r=\$1; shift; for d in proc sys dev; do mount --rbind /\$d "\$r/\$d"; done; exec chroot "\$r" bpftrace "\$@"' sh "$ROOT" "\$@"
WRAP
chmod 755 "$WRAPPER.tmp"
mv "$WRAPPER.tmp" "$WRAPPER"
echo "$WRAPPER"
