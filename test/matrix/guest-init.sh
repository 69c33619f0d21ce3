#!/bin/busybox sh
# /init of a kernel-matrix guest (scripts/kernel-matrix.sh): mounts this machine's root (9p,
# read-only), the guest kernel's modules and the repository, then runs one matrix cell inside that
# root with the guest's kernel, prints its OVERLAYSCOPE-MATRIX line and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /host
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod "/modules/$m" || echo "guest-init: insmod $m failed"; done
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
BPFTRACE=$(arg overlayscope.bpftrace)
REPO=$(arg overlayscope.repo)
opts=trans=virtio,version=9p2000.L,msize=262144,ro
mount -t 9p -o $opts hostroot /host || { echo "guest-init: cannot mount the host root"; poweroff -f; }
for d in tmp run root var/tmp; do mount -t tmpfs tmpfs "/host/$d"; done
# This machine's root may have no /lib/modules (and it is read-only here): modprobe -d finds the
# guest kernel's modules under /tmp/kmods/lib/modules instead.
mkdir -p /host/tmp/kmods/lib/modules
mount -t 9p -o $opts kmods /host/tmp/kmods/lib/modules
mkdir -p "/host$REPO"
mount -t 9p -o $opts repo "/host$REPO"
mount --rbind /proc /host/proc
mount --rbind /sys /host/sys
mount --rbind /dev /host/dev
mount -t tracefs nodev /host/sys/kernel/tracing 2>/dev/null
mount -t cgroup2 none /host/sys/fs/cgroup 2>/dev/null
mount -t bpf bpf /host/sys/fs/bpf 2>/dev/null
# The kernel loads modules on demand (vxlan, qdiscs, nftables) through this helper: run the root's
# modprobe, which finds the guest kernel's modules under its /lib/modules.
printf '#!/bin/sh\nexec chroot /host /sbin/modprobe -d /tmp/kmods "$@"\n' >/bin/modprobe-host
chmod 755 /bin/modprobe-host
echo /bin/modprobe-host >/proc/sys/kernel/modprobe
chroot /host /sbin/modprobe -d /tmp/kmods -a veth vxlan bridge 2>&1
ip link set lo up 2>/dev/null
echo "guest-init: kernel $(uname -r), starting the cell"
CMD=$(arg overlayscope.cmd)
if [ -n "$CMD" ]; then
  # KERNEL_MATRIX_GUEST_CMD (base64 on the command line): a command to look into the guest with.
  echo "$CMD" | base64 -d >/host/tmp/guest-cmd.sh
  chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    sh -c "cd '$REPO' && sh /tmp/guest-cmd.sh" 2>&1
  poweroff -f
fi
# Emulated, bpftrace compiles take far longer than on hardware.
chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  OVERLAYSCOPE_ATTACH_TIMEOUT_S=300 sh -c "cd '$REPO' && node --import tsx test/matrix/probe-variants.ts --bpftrace '$BPFTRACE' --bitrate 4000000 --seconds 8" 2>&1
echo "guest-init: cell finished"
poweroff -f
