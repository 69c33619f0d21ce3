#!/bin/sh
# An encrypted overlay against the same overlay in clear, recorded as a user records it, on a
# kernel with ESP (this project's CI kernel has none: CONFIG_INET_ESP is not set). Runs inside a
# kernel-matrix guest, from the repository (built: bin/overlayscope needs dist/):
#
#   KERNEL_MATRIX_GUEST_CMD="sh scripts/ipsec-overlay-trial.sh" bash scripts/kernel-matrix.sh --only 6.1
#
# and prints into the cell's console file: the hand-built VXLAN overlay (two hosts, two
# containers, a bridge each), one `overlayscope run` around iperf3 (UDP 64 B) in clear, the same
# with ESP in transport mode on the VXLAN datagrams between the hosts (AES-GCM, as Docker's
# `--opt encrypted` overlay sets it up), the SAs each run recorded, and the diagnosis.
set -e
P=tr
for n in h1 h2 c1 c2; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
ip link add ${P}w1 netns $P-h1 type veth peer name ${P}w2 netns $P-h2
for i in 1 2; do
  h=$P-h$i c=$P-c$i o=$((3 - i))
  ip -n $h link set ${P}w$i name wire0
  ip -n $h addr add 192.168.91.$i/24 dev wire0
  ip -n $h link set wire0 up
  ip -n $h link add vx0 type vxlan id 42 dstport 4789 local 192.168.91.$i remote 192.168.91.$o dev wire0
  ip -n $h link add br0 type bridge
  ip -n $h link set vx0 master br0
  ip link add ${P}v$i netns $h type veth peer name ${P}e$i netns $c
  ip -n $h link set ${P}v$i master br0
  ip -n $c link set ${P}e$i name eth0
  ip -n $c addr add 10.91.0.$i/24 dev eth0
  ip -n $c link set eth0 mtu 1400 # room for VXLAN and ESP
  for d in vx0 br0 ${P}v$i; do ip -n $h link set $d up; done
  ip -n $c link set eth0 up
done
ip netns exec $P-c2 iperf3 -s -p 5301 -D
ip netns exec $P-c1 ping -c2 -W5 10.91.0.2 >/dev/null
BENCH="ip netns exec tr-c1 iperf3 -c 10.91.0.2 -p 5301 -u -b 0 -l 64 -t 8"
export OVERLAYSCOPE_ATTACH_TIMEOUT_S=300 # emulated bpftrace compiles are slow
# The first run against this machine pays one-off costs (symbol tables): set aside.
bin/overlayscope run -o /tmp/warm.json -- $BENCH >/dev/null 2>&1
bin/overlayscope run -o /tmp/clear.json -- $BENCH >/tmp/clear.log 2>&1
A=192.168.91.1 Z=192.168.91.2
for n in $P-h1 $P-h2; do
  ip -n $n xfrm state add src $A dst $Z proto esp spi 0x100 reqid 1 mode transport \
    aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
  ip -n $n xfrm state add src $Z dst $A proto esp spi 0x200 reqid 2 mode transport \
    aead 'rfc4106(gcm(aes))' 0x1112131415161718191a1b1c1d1e1f2021222324 128
done
policy() { # netns, src, dst, dir, reqid
  ip -n $1 xfrm policy add src $2 dst $3 proto udp dport 4789 dir $4 tmpl src $2 dst $3 proto esp reqid $5 mode transport
}
policy $P-h1 $A $Z out 1; policy $P-h1 $Z $A in 2
policy $P-h2 $Z $A out 2; policy $P-h2 $A $Z in 1
bin/overlayscope run -o /tmp/encrypted.json -- $BENCH >/tmp/encrypted.log 2>&1
echo "== ESP packets through the SAs (tr-h1):"
ip -n $P-h1 -s xfrm state | grep -A1 'current:' | grep packets
echo "== IPsec SAs each run recorded, per namespace:"
node -e 'for (const f of ["/tmp/clear.json", "/tmp/encrypted.json"]) {
  const r = JSON.parse(require("fs").readFileSync(f, "utf8"));
  console.log(f, JSON.stringify(r.environment.start.netns.map((n) => [n.names[0] ?? "root", n.ipsec])));
}'
echo "== overlayscope diagnose /tmp/clear.json /tmp/encrypted.json"
bin/overlayscope diagnose /tmp/clear.json /tmp/encrypted.json
