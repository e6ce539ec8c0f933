#!/usr/bin/env bash
# Records real dnsmasq replies (DHCPNAK, DHCPOFFER, DHCPACK, and a rapid-commit
# DHCPACK) to ISC dhclient in two network namespaces joined by a veth pair, into
# dnsmasq-replies.pcap beside this script (classic pcap, Ethernet); see
# dnsmasq-replies.md for the packet table.
#  Scenario 1: dhclient is handed a lease file with a still-valid lease for
#   10.97.0.50, outside dnsmasq's 10.98.0.0/24, so it starts in INIT-REBOOT and
#   sends a DHCPREQUEST with option 50 and no server identifier; dnsmasq
#   (--dhcp-authoritative) answers DHCPNAK, and dhclient goes on with
#   DISCOVER/OFFER/REQUEST/ACK. dhclient is then stopped without a RELEASE.
#  Scenario 2: dnsmasq is restarted with --dhcp-rapid-commit and dhclient, with
#   no lease, sends a DISCOVER carrying option 80 (rapid commit); dnsmasq answers
#   straight away with a DHCPACK carrying a zero-length option 80. dhclient 4.4
#   cannot send a zero-length option, so its option 80 is a 1-byte boolean (0x01),
#   not RFC 4039's empty one; dnsmasq only looks for the code. dhclient is
#   stopped once dnsmasq has logged the ACK.
# The client's chaddr is 02:00:00:00:01:02 throughout. dhclient runs with a stub
# script (-sf) that only logs, so nothing outside the namespaces (such as the
# host's /etc/resolv.conf) is touched and the client interface gets no address.
# Run as root; needs iproute2, ethtool, tcpdump, dnsmasq, isc-dhcp-client.
# Nothing leaves the namespaces; every process started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/dnsmasq-replies.pcap}
work=$(mktemp -d)
SRV=ws-dnak-srv CLI=ws-dnak-cli
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
ip link add ws-nsrv0 netns $SRV type veth peer name ws-ncli0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV link set ws-nsrv0 address 02:00:00:00:01:01
ip -n $CLI link set ws-ncli0 address 02:00:00:00:01:02
ip -n $SRV addr add 10.98.0.1/24 dev ws-nsrv0
ip -n $SRV link set ws-nsrv0 up
ip netns exec $SRV ethtool -K ws-nsrv0 tx off >/dev/null
ip netns exec $CLI ethtool -K ws-ncli0 tx off >/dev/null
ip -n $CLI link set ws-ncli0 up

# Same forced options as capture.sh, so dnsmasq sends them whatever the client asks for.
start_dnsmasq() {
  ip netns exec $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
    --interface=ws-nsrv0 --bind-interfaces --dhcp-authoritative \
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
    --dhcp-leasefile="$work/leases" --pid-file= --log-facility="$work/dnsmasq.log" "$@" 2>>"$work/dnsmasq.err" &
  echo $! > "$work/dnsmasq.pid"
  sleep 1
  kill -0 "$(cat "$work/dnsmasq.pid")" 2>/dev/null || { cat "$work/dnsmasq.err" >&2; exit 1; }
}
stop_by_pidfile() {  # $1: pid file written by this script or by a process it started
  if [ -f "$1" ]; then kill "$(cat "$1")" 2>/dev/null || true; rm -f "$1"; fi
  sleep 0.5
}
wait_for_log() {  # $1: pattern in $2, up to $3 seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$1' in $2" >&2; return 1
}

# Stub dhclient-script: logs the reason and does nothing else.
cat > "$work/dhclient-script" <<SCR
#!/bin/sh
echo "\$reason \${new_ip_address:-}" >> "$work/dhclient-script.log"
exit 0
SCR
chmod +x "$work/dhclient-script"

cat > "$work/dhclient.conf" <<DHC
option classless-static-routes code 121 = array of unsigned integer 8;
option rapid-commit-v4 code 80 = boolean;
send host-name "wirestate-client";
send dhcp-client-identifier 1:02:00:00:00:01:02;
send vendor-class-identifier "wirestate-capture";
send dhcp-max-message-size 1400;
request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name,
  domain-search, interface-mtu, ntp-servers, classless-static-routes, vendor-encapsulated-options;
DHC
# Scenario 2's client also sends option 80 (rapid commit); see the note above.
{ cat "$work/dhclient.conf"; echo 'send rapid-commit-v4 true;'; } > "$work/dhclient-rc.conf"

# A still-valid lease for an address outside 10.98.0.0/24: dhclient starts in INIT-REBOOT.
cat > "$work/dhclient.leases" <<LEASE
lease {
  interface "ws-ncli0";
  fixed-address 10.97.0.50;
  option subnet-mask 255.255.255.0;
  option routers 10.97.0.1;
  option dhcp-server-identifier 10.97.0.1;
  option dhcp-lease-time 7200;
  renew 4 2099/01/01 00:00:00;
  rebind 4 2099/01/01 00:00:00;
  expire 4 2099/01/01 00:00:00;
}
LEASE

start_dnsmasq
ip netns exec $CLI tcpdump -i ws-ncli0 -s 0 -U -w "$out" udp port 67 or udp port 68 2>/dev/null &
echo $! > "$work/tcpdump.pid"
sleep 1

# Scenario 1: INIT-REBOOT -> NAK -> DISCOVER/OFFER/REQUEST/ACK. dhclient -1 forks
# into the background once bound and writes its pid to dhclient.pid.
timeout 30 ip netns exec $CLI dhclient -1 -v -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
  -sf "$work/dhclient-script" -pf "$work/dhclient.pid" ws-ncli0 2>"$work/dhclient-1.log" || true
wait_for_log "BOUND" "$work/dhclient-script.log" 5
sleep 0.5
stop_by_pidfile "$work/dhclient.pid"   # no RELEASE: dnsmasq keeps the lease

# Scenario 2: rapid commit. DISCOVER with option 80 -> ACK with option 80.
stop_by_pidfile "$work/dnsmasq.pid"
start_dnsmasq --dhcp-rapid-commit
: > "$work/dhclient-rc.leases"
ip netns exec $CLI dhclient -d -1 -v -cf "$work/dhclient-rc.conf" -lf "$work/dhclient-rc.leases" \
  -sf "$work/dhclient-script" -pf "$work/dhclient-rc.pid" ws-ncli0 2>"$work/dhclient-2.log" &
echo $! > "$work/dhclient-rc.pid"
# The log file holds both runs: wait for the second DHCPACK line (up to 10 s).
for ((i = 0; i < 100; i++)); do
  [ "$(grep -c 'DHCPACK(ws-nsrv0)' "$work/dnsmasq.log")" -ge 2 ] && break; sleep 0.1
done
sleep 0.5
stop_by_pidfile "$work/dhclient-rc.pid"
stop_by_pidfile "$work/dnsmasq.pid"

sleep 0.5
stop_by_pidfile "$work/tcpdump.pid"
echo "dnsmasq log:"; sed 's/^/  /' "$work/dnsmasq.log"
echo "dhclient-script reasons:"; sed 's/^/  /' "$work/dhclient-script.log"
echo "captured: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets into $out"
