#!/usr/bin/env bash
# Records real traffic between real tools in two network namespaces joined by a veth
# pair, into real-traffic.pcap beside this script. Run as root; needs iproute2,
# ethtool, tcpdump, dnsmasq, isc-dhcp-client, dnsutils (dig), nginx, curl, iputils-ping.
# Nothing leaves the namespaces; every process started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/real-traffic.pcap}
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run unprivileged and must read www/
SRV=ws-cap-srv CLI=ws-cap-cli
cleanup() {
  for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.3
  ip netns del $SRV 2>/dev/null || true
  ip netns del $CLI 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del $SRV 2>/dev/null || true; ip netns del $CLI 2>/dev/null || true
ip netns add $SRV; ip netns add $CLI
ip link add ws-srv0 netns $SRV type veth peer name ws-cli0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV link set ws-srv0 address 02:00:00:00:00:01
ip -n $CLI link set ws-cli0 address 02:00:00:00:00:02
ip -n $SRV addr add 10.99.0.1/24 dev ws-srv0
ip -n $SRV addr add fd99::1/64 dev ws-srv0 nodad
ip -n $SRV link set ws-srv0 up
ip netns exec $CLI sysctl -qw net.ipv6.conf.ws-cli0.accept_dad=0
# veth leaves checksums to "hardware" that does not exist, so a capture would show
# them unfilled; turn the offload off so the capture holds what a wire would.
ip netns exec $SRV ethtool -K ws-srv0 tx off >/dev/null
ip netns exec $CLI ethtool -K ws-cli0 tx off >/dev/null
ip -n $CLI link set ws-cli0 up
# Server side: dnsmasq (DHCP + DNS + router advertisements) and nginx.
cat > "$work/hosts" <<HOSTS
10.99.0.1 www.example.test
fd99::1 www.example.test
HOSTS
ip netns exec $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
  --addn-hosts="$work/hosts" --interface=ws-srv0 --bind-interfaces --listen-address=10.99.0.1 \
  --dhcp-range=10.99.0.100,10.99.0.150,255.255.255.0,1h --dhcp-option=option:router,10.99.0.1 \
  --dhcp-option=option:dns-server,10.99.0.1 --domain=example.test --enable-ra \
  --dhcp-range=fd99::,ra-only --dhcp-leasefile="$work/leases" --pid-file= \
  --mx-host=example.test,mail.example.test,10 --txt-record=example.test,"v=spf1 -all" \
  --srv-host=_http._tcp.example.test,www.example.test,80 --log-facility="$work/dnsmasq.log" &
echo $! > "$work/dnsmasq.pid"
mkdir -p "$work/www"; printf 'hello from nginx\n' > "$work/www/index.html"
head -c 3000 /dev/zero | tr '\0' 'x' > "$work/www/big.txt"
cat > "$work/nginx.conf" <<NGINX
daemon off; worker_processes 1; pid $work/nginx.pidfile; error_log $work/nginx-error.log;
events { worker_connections 64; }
http { access_log off; server { listen 10.99.0.1:80; listen [fd99::1]:80; root $work/www; } }
NGINX
ip netns exec $SRV nginx -c "$work/nginx.conf" &
echo $! > "$work/nginx.pid"
sleep 1

# Client side: capture everything on the client's veth.
ip netns exec $CLI tcpdump -i ws-cli0 -s 0 -U -w "$out" 2>/dev/null &
echo $! > "$work/tcpdump.pid"
sleep 1
# Bounce the client link so it sends a router solicitation that dnsmasq answers.
ip -n $CLI link set ws-cli0 down; ip -n $CLI link set ws-cli0 up; sleep 2
cat > "$work/dhclient.conf" <<DHC
send host-name "wirestate-client";
request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name, interface-mtu;
DHC
timeout 20 ip netns exec $CLI dhclient -1 -v -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
  -pf "$work/dhclient.pidfile" ws-cli0 2>/dev/null || true
ip netns exec $CLI ping -c 2 -i 0.2 10.99.0.1 >/dev/null || true
ip netns exec $CLI dig +time=2 +tries=1 @10.99.0.1 www.example.test A >/dev/null || true
ip netns exec $CLI dig +time=2 +tries=1 @10.99.0.1 www.example.test AAAA >/dev/null || true
ip netns exec $CLI dig +time=2 +tries=1 @10.99.0.1 example.test MX >/dev/null || true
ip netns exec $CLI dig +time=2 +tries=1 +tcp @10.99.0.1 example.test TXT >/dev/null || true
ip netns exec $CLI dig +time=2 +tries=1 @10.99.0.1 _http._tcp.example.test SRV >/dev/null || true
ip netns exec $CLI curl -s -o /dev/null http://10.99.0.1/ || true
ip netns exec $CLI curl -s -o /dev/null http://10.99.0.1/big.txt || true
ip netns exec $CLI curl -s -o /dev/null -g 'http://[fd99::1]/' || true
ip netns exec $CLI ping -c 1 -W 1 fd99::1 >/dev/null || true
# A datagram to a closed port draws an ICMP port unreachable from the kernel.
ip netns exec $CLI bash -c 'echo probe > /dev/udp/10.99.0.1/9' || true
ip netns exec $CLI bash -c 'echo probe > /dev/udp6/fd99::1/9' || true
sleep 0.5
ip netns exec $CLI dhclient -r -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
  -pf "$work/dhclient.pidfile" ws-cli0 2>/dev/null || true
sleep 1
kill "$(cat "$work/tcpdump.pid")"; rm "$work/tcpdump.pid"
sleep 0.5
echo "captured: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets into $out"
