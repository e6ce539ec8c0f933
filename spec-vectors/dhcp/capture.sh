#!/usr/bin/env bash
# Records a real DHCP exchange (DISCOVER, OFFER, REQUEST, ACK, RELEASE)
# between dnsmasq and ISC dhclient in two network namespaces joined by a veth pair,
# into dhcp-exchange.pcap beside this script; then `python3 make_vectors.py
# ../captures/real-traffic.pcap dhcp-exchange.pcap` turns both captures into vectors.
# The server offers 15+ options, 119 (RFC 3397) and 121 (RFC 3442) among them.
# Run as root; needs iproute2, ethtool, tcpdump, dnsmasq, isc-dhcp-client.
# Nothing leaves the namespaces; every process started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/dhcp-exchange.pcap}
work=$(mktemp -d)
SRV=ws-dhcp-srv CLI=ws-dhcp-cli
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
ip link add ws-dsrv0 netns $SRV type veth peer name ws-dcli0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV link set ws-dsrv0 address 02:00:00:00:01:01
ip -n $CLI link set ws-dcli0 address 02:00:00:00:01:02
ip -n $SRV addr add 10.98.0.1/24 dev ws-dsrv0
ip -n $SRV link set ws-dsrv0 up
ip netns exec $SRV ethtool -K ws-dsrv0 tx off >/dev/null
ip netns exec $CLI ethtool -K ws-dcli0 tx off >/dev/null
ip -n $CLI link set ws-dcli0 up
# Forced options, so dnsmasq sends them whatever the client asks for.
ip netns exec $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
  --interface=ws-dsrv0 --bind-interfaces --dhcp-authoritative \
  --dhcp-range=10.98.0.100,10.98.0.150,255.255.255.0,2h --domain=example.test \
  --dhcp-option-force=option:router,10.98.0.1 \
  --dhcp-option-force=option:dns-server,10.98.0.1,10.98.0.2 \
  --dhcp-option-force=option:ntp-server,10.98.0.1 \
  --dhcp-option-force=option:mtu,1400 \
  --dhcp-option-force=option:domain-search,example.test,lab.example.test \
  --dhcp-option-force=option:classless-static-route,192.168.10.0/24,10.98.0.1,0.0.0.0/0,10.98.0.1 \
  --dhcp-option-force=option:netbios-ns,10.98.0.1 \
  --dhcp-option-force=option:root-path,/srv/root \
  --dhcp-option-force=43,01:04:de:ad:be:ef \
  --dhcp-leasefile="$work/leases" --pid-file= --log-facility="$work/dnsmasq.log" &
echo $! > "$work/dnsmasq.pid"
sleep 1
ip netns exec $CLI tcpdump -i ws-dcli0 -s 0 -U -w "$out" udp port 67 or udp port 68 2>/dev/null &
echo $! > "$work/tcpdump.pid"
sleep 1
cat > "$work/dhclient.conf" <<DHC
option classless-static-routes code 121 = array of unsigned integer 8;
send host-name "wirestate-client";
send dhcp-client-identifier 1:02:00:00:00:01:02;
send vendor-class-identifier "wirestate-capture";
send dhcp-max-message-size 1400;
request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name,
  domain-search, interface-mtu, ntp-servers, classless-static-routes, vendor-encapsulated-options;
DHC
# A stub script (-sf): `ip netns exec` does not isolate /etc, so dhclient's own
# script would rewrite the host's /etc/resolv.conf and run its exit hooks there.
# The stub only puts the address on the interface (in the namespace), which the
# unicast RELEASE needs.
cat > "$work/dhclient-script" <<'STUB'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
esac
STUB
chmod +x "$work/dhclient-script"
timeout 20 ip netns exec $CLI dhclient -1 -v -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
  -sf "$work/dhclient-script" -pf "$work/dhclient.pidfile" ws-dcli0 2>/dev/null || true
sleep 0.5
ip netns exec $CLI dhclient -r -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
  -sf "$work/dhclient-script" -pf "$work/dhclient.pidfile" ws-dcli0 2>/dev/null || true
sleep 1
kill "$(cat "$work/tcpdump.pid")"; rm "$work/tcpdump.pid"
sleep 0.5
echo "captured: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets into $out"
