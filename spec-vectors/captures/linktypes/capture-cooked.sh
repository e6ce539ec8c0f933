#!/usr/bin/env bash
# Records sll.pcap (LINKTYPE_LINUX_SLL, 113) and sll2.pcap (LINKTYPE_LINUX_SLL2, 276)
# with `tcpdump -i any` inside two network namespaces this script creates and removes:
# ARP, ICMP echo, an ICMP port unreachable for a UDP datagram, IPv6 neighbour
# discovery and echo, and one TCP connection that carries a line each way.
# Run as root from this folder: ./capture-cooked.sh
set -euo pipefail
cd "$(dirname "$0")"
A=wslt-a B=wslt-b
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
}
pids=()
trap cleanup EXIT
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add veth-a type veth peer name veth-b netns "$B"
ip -n "$A" link set veth-a address 02:00:00:00:00:0a
ip -n "$B" link set veth-b address 02:00:00:00:00:0b
ip -n "$A" addr add 10.99.0.1/24 dev veth-a
ip -n "$B" addr add 10.99.0.2/24 dev veth-b
ip -n "$A" addr add fd00:99::1/64 dev veth-a nodad
ip -n "$B" addr add fd00:99::2/64 dev veth-b nodad
for ns in "$A" "$B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
    ip -n "$ns" link set lo up
done
ip -n "$A" link set veth-a up
ip -n "$B" link set veth-b up
sleep 1
# Router solicitations and other chatter from bringing the links up stay out:
# only what the commands below send is recorded.
filter='host 127.0.0.1 or host 10.99.0.1 or host 10.99.0.2 or arp or (ip6 and not icmp6[0] = 133 and not ip6 dst ff02::16)'
ip netns exec "$A" tcpdump -q -i any -y LINUX_SLL -s 0 -U -w sll.pcap "$filter" 2>/dev/null &
pids+=($!)
ip netns exec "$A" tcpdump -q -i any -y LINUX_SLL2 -s 0 -U -w sll2.pcap "$filter" 2>/dev/null &
pids+=($!)
sleep 1
ip netns exec "$A" ping -q -c 1 127.0.0.1 >/dev/null
ip netns exec "$A" ping -q -c 1 10.99.0.2 >/dev/null
ip netns exec "$A" ping -q -6 -c 1 fd00:99::2 >/dev/null
echo probe | ip netns exec "$A" nc -u -w 1 -p 40000 10.99.0.2 5300 || true
ip netns exec "$B" sh -c 'echo pong | nc -l -N 10.99.0.2 8080 >/dev/null' &
server=$!
sleep 0.5
echo ping | ip netns exec "$A" nc -N -p 40001 10.99.0.2 8080 >/dev/null
wait "$server"
sleep 1
