#!/usr/bin/env bash
# Records dns-fragments.pcap: DNS answers over UDP too large for one Ethernet frame,
# fragmented by the Linux kernel, in two network namespaces joined by a veth pair.
# Run as root; needs iproute2, tcpdump, dnsutils (dig), python3.
#
# - dig +bufsize=4096 over IPv4 and IPv6 against big_dns_server.py, whose answer
#   (120 A records, about 2,000 octets) goes out in two fragments.
#
# (Out-of-order fragments are in make.py's fragments.pcap: netem, which could
# reorder them here, is not in every kernel.)
#
# Nothing leaves the namespaces; the processes started here are stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/dns-fragments.pcap}
A=ws-frag-a B=ws-frag-b
cleanup() {
  [ -n "${TD:-}" ] && kill "$TD" 2>/dev/null || true
  [ -n "${PY:-}" ] && kill "$PY" 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add $A; ip netns add $B
ip link add vA netns $A type veth peer name vB netns $B
ip -n $A addr add 10.78.0.1/24 dev vA; ip -n $B addr add 10.78.0.2/24 dev vB
ip -n $A addr add fd78::1/64 dev vA nodad; ip -n $B addr add fd78::2/64 dev vB nodad
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set vA up; ip -n $B link set vB up
sleep 1
ip netns exec $A tcpdump -i vA -w "$out" -U 'udp or (ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)' >/dev/null 2>&1 & TD=$!
sleep 1
ip netns exec $B python3 "$here/big_dns_server.py" 2 & PY=$!
sleep 0.5
ip netns exec $A dig +notcp +ignore +bufsize=4096 +tries=1 +time=2 @10.78.0.2 big.example.test A >/dev/null || true
ip netns exec $A dig +notcp +ignore +bufsize=4096 +tries=1 +time=2 @fd78::2 big.example.test A >/dev/null || true
wait "$PY" || true; PY=
sleep 0.5
kill "$TD"; wait "$TD" || true; TD=
