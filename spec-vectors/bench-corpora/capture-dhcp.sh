#!/usr/bin/env bash
# Captures the DHCP bench corpus: whole exchanges (DISCOVER, OFFER, REQUEST, ACK,
# RELEASE; a NAK where a client asks for an address from another network) between real
# servers (dnsmasq 2.90 with two configurations, ISC dhcpd 4.4.3, Kea 2.2.0, BusyBox
# udhcpd 1.35) and real clients (ISC dhclient 4.4.3, BusyBox udhcpc 1.35), in two network
# namespaces joined by a veth pair; tcpdump on the client's end, `record.py dhcp-pcap`
# writes each message as dhcp/<server>-<client>-NN-<type>.bin beside this script.
# Run as root; needs the Debian 12 packages named in dhcp/README.md. Nothing leaves the
# namespaces; every process started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); chmod 755 "$work"
SRV=ws-corp-dsrv CLI=ws-corp-dcli
stop() { local p="$work/$1.pid"; [ -f "$p" ] && { kill "$(cat "$p")" 2>/dev/null || true; rm -f "$p"; }; sleep 0.5; }
cleanup() {
  [ -n "${DEBUG:-}" ] && for l in "$work"/*.log "$work"/*.txt; do [ -s "$l" ] && { echo "== $l"; tail -"$DEBUG" "$l"; }; done
  for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.5
  ip netns del $SRV 2>/dev/null || true; ip netns del $CLI 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del $SRV 2>/dev/null || true; ip netns del $CLI 2>/dev/null || true
ip netns add $SRV; ip netns add $CLI
ip link add ws-csrv0 netns $SRV type veth peer name ws-ccli0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV link set ws-csrv0 address 02:00:00:00:02:01
ip -n $CLI link set ws-ccli0 address 02:00:00:00:02:02
ip -n $SRV addr add 10.97.0.1/24 dev ws-csrv0
ip -n $SRV link set ws-csrv0 up; ip -n $CLI link set ws-ccli0 up
ip netns exec $SRV ethtool -K ws-csrv0 tx off >/dev/null
ip netns exec $CLI ethtool -K ws-ccli0 tx off >/dev/null
bg() { local name=$1 ns=$2; shift 2; ip netns exec "$ns" "$@" >"$work/$name.log" 2>&1 & echo $! > "$work/$name.pid"; }
out="$here/dhcp"; mkdir -p "$out"; rm -f "$out"/*.bin

# Client side: a stub script for both clients (it only sets the address in the
# namespace, which the unicast RELEASE needs), and dhclient's configuration.
cat > "$work/client-script" <<'STUB'
#!/bin/sh
case "$reason$1" in
  BOUND*|RENEW*|REBIND*|REBOOT*) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  *bound|*renew) ip addr replace "$ip/${mask:-24}" dev "$interface" ;;
esac
STUB
chmod +x "$work/client-script"
cat > "$work/dhclient.conf" <<'DHC'
option classless-static-routes code 121 = array of unsigned integer 8;
send host-name "corpus-laptop";
send vendor-class-identifier "corpus-client";
request subnet-mask, broadcast-address, time-offset, routers, domain-name, domain-name-servers,
  domain-search, host-name, interface-mtu, ntp-servers, classless-static-routes;
DHC
dhclient_run() { # capture prefix
  rm -f "$work/dhclient.leases"
  timeout 25 ip netns exec $CLI dhclient -1 -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
    -sf "$work/client-script" -pf "$work/dhclient.pidfile" ws-ccli0 >/dev/null 2>&1 || true
  sleep 0.5
  ip netns exec $CLI dhclient -r -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
    -sf "$work/client-script" -pf "$work/dhclient.pidfile" ws-ccli0 >/dev/null 2>&1 || true
  ip -n $CLI addr flush dev ws-ccli0
}
dhclient_nak() { # INIT-REBOOT with a lease from another network: the server answers NAK
  cat > "$work/dhclient.leases" <<LEASE
lease {
  interface "ws-ccli0";
  fixed-address 10.96.0.50;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 7200;
  option dhcp-server-identifier 10.96.0.1;
  renew 4 2099/01/01 00:00:00;
  rebind 4 2099/01/01 00:00:00;
  expire 4 2099/01/01 00:00:00;
}
LEASE
  timeout 25 ip netns exec $CLI dhclient -1 -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
    -sf "$work/client-script" -pf "$work/dhclient.pidfile" ws-ccli0 >/dev/null 2>&1 || true
  sleep 0.5
  ip netns exec $CLI dhclient -r -cf "$work/dhclient.conf" -lf "$work/dhclient.leases" \
    -sf "$work/client-script" -pf "$work/dhclient.pidfile" ws-ccli0 >/dev/null 2>&1 || true
  ip -n $CLI addr flush dev ws-ccli0
}
udhcpc_run() {
  timeout 25 ip netns exec $CLI busybox udhcpc -i ws-ccli0 -f -q -n -R -t 3 -T 2 \
    -x hostname:corpus-phone -V corpus-udhcpc -O 121 -O 119 -O 42 -s "$work/client-script" >/dev/null 2>&1 || true
  ip -n $CLI addr flush dev ws-ccli0
}
capture() { # name client-function: one exchange under tcpdump
  bg tcpdump $CLI tcpdump -i ws-ccli0 -s 0 -U -w "$work/$1.pcap" udp port 67 or udp port 68
  sleep 1
  "$2"
  sleep 1
  stop tcpdump
  /usr/bin/python3 "$here/record.py" dhcp-pcap "$work/$1.pcap" "$out" "$1"
}

# dnsmasq 2.90, an office network: forced options, as spec-vectors/dhcp/capture.sh
bg server $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
  --interface=ws-csrv0 --bind-interfaces --dhcp-authoritative \
  --dhcp-range=10.97.0.100,10.97.0.150,255.255.255.0,12h --domain=corp.example.test \
  --dhcp-option-force=option:router,10.97.0.1 \
  --dhcp-option-force=option:dns-server,10.97.0.1,10.97.0.2 \
  --dhcp-option-force=option:ntp-server,10.97.0.1 \
  --dhcp-option-force=option:domain-search,corp.example.test,example.test \
  --dhcp-option-force=option:classless-static-route,192.168.10.0/24,10.97.0.1,0.0.0.0/0,10.97.0.1 \
  --dhcp-leasefile="$work/dnsmasq.leases" --pid-file= --log-facility="$work/dnsmasq-log.txt"
sleep 1
capture dnsmasq-office-dhclient dhclient_run
capture dnsmasq-office-udhcpc udhcpc_run
capture dnsmasq-office-nak dhclient_nak
stop server
# dnsmasq 2.90, a home router: its defaults only
bg server $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
  --interface=ws-csrv0 --bind-interfaces --dhcp-range=10.97.0.50,10.97.0.99,24h --domain=lan \
  --dhcp-leasefile="$work/dnsmasq2.leases" --pid-file=
sleep 1
capture dnsmasq-home-dhclient dhclient_run
capture dnsmasq-home-udhcpc udhcpc_run
stop server
# ISC dhcpd 4.4.3
touch "$work/dhcpd.leases"
cat > "$work/dhcpd.conf" <<'CONF'
option domain-search code 119 = domain-list;
option classless-routes code 121 = array of unsigned integer 8;
default-lease-time 3600;
max-lease-time 7200;
authoritative;
subnet 10.97.0.0 netmask 255.255.255.0 {
  range 10.97.0.160 10.97.0.190;
  option routers 10.97.0.1;
  option domain-name-servers 10.97.0.1, 10.97.0.2;
  option domain-name "campus.example.test";
  option domain-search "campus.example.test", "example.test";
  option ntp-servers 10.97.0.1;
  option broadcast-address 10.97.0.255;
  option time-offset 3600;
  option interface-mtu 1500;
  option classless-routes 24, 192, 168, 20, 10, 97, 0, 1, 0, 10, 97, 0, 1;
}
CONF
bg server $SRV dhcpd -4 -f -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" -pf "$work/dhcpd.pidfile" ws-csrv0
sleep 1
capture iscdhcpd-dhclient dhclient_run
capture iscdhcpd-udhcpc udhcpc_run
capture iscdhcpd-nak dhclient_nak
stop server
# Kea 2.2.0
cat > "$work/kea.json" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "ws-csrv0" ] },
  "lease-database": { "type": "memfile", "persist": true, "name": "$work/kea-leases.csv" },
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000, "authoritative": true,
  "subnet4": [ {
    "subnet": "10.97.0.0/24", "pools": [ { "pool": "10.97.0.200 - 10.97.0.240" } ],
    "option-data": [
      { "name": "routers", "data": "10.97.0.1" },
      { "name": "domain-name-servers", "data": "10.97.0.1, 10.97.0.2" },
      { "name": "domain-name", "data": "dc.example.test" },
      { "name": "domain-search", "data": "dc.example.test, example.test" },
      { "name": "ntp-servers", "data": "10.97.0.1" },
      { "code": 121, "csv-format": false, "data": "18C0A81E0A610001000A610001" }
    ] } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$work/kea-log.txt" } ], "severity": "INFO" } ]
} }
CONF
bg server $SRV env KEA_LOCKFILE_DIR="$work" KEA_PIDFILE_DIR="$work" kea-dhcp4 -c "$work/kea.json"
sleep 2
capture kea-dhclient dhclient_run
capture kea-udhcpc udhcpc_run
stop server
# BusyBox udhcpd 1.35
touch "$work/udhcpd.leases"
cat > "$work/udhcpd.conf" <<CONF
start 10.97.0.20
end 10.97.0.40
interface ws-csrv0
lease_file $work/udhcpd.leases
pidfile $work/udhcpd.pidfile
opt subnet 255.255.255.0
opt router 10.97.0.1
opt dns 10.97.0.1 10.97.0.2
opt domain iot.example.test
opt lease 86400
opt ntpsrv 10.97.0.1
CONF
bg server $SRV busybox udhcpd -f "$work/udhcpd.conf"
sleep 1
capture udhcpd-dhclient dhclient_run
capture udhcpd-udhcpc udhcpc_run
stop server
echo "messages: $(ls "$out"/*.bin | wc -l)"
