#!/usr/bin/env bash
# Records lax.pcap: the cases `wirestate decode` decodes past a strict walk, made by
# real tools in two network namespaces joined by a veth pair. Run as root; needs
# iproute2, tcpdump, iputils-ping, netcat-openbsd, curl, dnsutils (dig), python3.
#
# - ping -s 3000 over IPv4 and IPv6: fragmented echo requests and replies;
# - UDP to a closed port, IPv4 and IPv6: ICMP port unreachable quoting the datagram;
# - curl against split_server.py: an HTTP response head split over two segments;
# - dig +tcp against split_server.py: a DNS answer split over two segments.
#
# Nothing leaves the namespaces; the processes started here are stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/lax.pcap}
A=ws-lax-a B=ws-lax-b
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
ip -n $A addr add 10.77.0.1/24 dev vA; ip -n $B addr add 10.77.0.2/24 dev vB
ip -n $A addr add fd77::1/64 dev vA nodad; ip -n $B addr add fd77::2/64 dev vB nodad
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set vA up; ip -n $B link set vB up
sleep 1
ip netns exec $A tcpdump -i vA -w "$out" -U >/dev/null 2>&1 & TD=$!
sleep 1
ip netns exec $B python3 "$here/split_server.py" & PY=$!
sleep 0.5
ip netns exec $A ping -c1 -s 3000 10.77.0.2 >/dev/null
ip netns exec $A ping -6 -c1 -s 3000 fd77::2 >/dev/null
ip netns exec $A sh -c 'echo hello | timeout 1 nc -u -w1 10.77.0.2 9999' || true
ip netns exec $A sh -c 'echo hello | timeout 1 nc -u -w1 fd77::2 9999' || true
ip netns exec $A curl -s -o /dev/null --max-time 3 http://10.77.0.2/index.html
ip netns exec $A dig +tcp +tries=1 +time=2 @10.77.0.2 www.example.test A >/dev/null || true
wait "$PY" || true; PY=
sleep 0.5
kill "$TD"; wait "$TD" || true; TD=
