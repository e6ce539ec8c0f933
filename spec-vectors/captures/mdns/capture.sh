#!/usr/bin/env bash
# Records mdns.pcap: multicast DNS (RFC 6762) from avahi-daemon, a real responder,
# in two network namespaces joined by a veth pair. Run as root; needs iproute2,
# tcpdump, avahi-daemon, dnsutils (dig), python3.
#
# - avahi-daemon starting up in namespace A: its probes (questions with the
#   unicast-response bit, the records it will claim in the authority section) and
#   its announcements (answers with the cache-flush bit), over IPv4 and IPv6;
# - qu_query.py from port 5353 in namespace B: an A question with the
#   unicast-response bit and an AAAA question without, answered by avahi;
# - dig to 224.0.0.251 port 5353 from another port: a legacy unicast query
#   (RFC 6762 section 6.7), answered without the cache-flush bit.
#
# Nothing leaves the namespaces; the processes started here are stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/mdns.pcap}
A=ws-mdns-a B=ws-mdns-b
cleanup() {
  [ -n "${AV:-}" ] && kill "$AV" 2>/dev/null || true
  [ -n "${TD:-}" ] && kill "$TD" 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
  [ -n "${work:-}" ] && rm -rf "$work"
  return 0
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
ip netns add $A; ip netns add $B
ip link add vA netns $A type veth peer name vB netns $B
ip -n $A addr add 10.78.0.1/24 dev vA; ip -n $B addr add 10.78.0.2/24 dev vB
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set vA up; ip -n $B link set vB up
# Multicast out of the veth (the namespaces have no default route).
ip -n $A route add 224.0.0.0/4 dev vA; ip -n $B route add 224.0.0.0/4 dev vB
# Link-local IPv6 addresses need a moment for duplicate address detection.
sleep 3
cat > "$work/avahi.conf" <<CONF
[server]
host-name=wsmdns
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=vA
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
CONF
ip netns exec $B tcpdump -i vB -w "$out" -U udp port 5353 >/dev/null 2>&1 & TD=$!
sleep 1
ip netns exec $A avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title \
  -f "$work/avahi.conf" >/dev/null 2>&1 & AV=$!
# Probing takes three 250 ms rounds, then two announcements a second apart.
sleep 4
ip netns exec $B python3 "$here/qu_query.py" wsmdns.local
ip netns exec $B python3 "$here/qu_query.py" wsmdns.local ff02::fb%vB
ip netns exec $B dig -p 5353 +tries=1 +time=2 @224.0.0.251 wsmdns.local A >/dev/null || true
sleep 0.5
kill "$AV"; wait "$AV" || true; AV=
sleep 0.5
kill "$TD"; wait "$TD" || true; TD=
