#!/usr/bin/env bash
# Captures real DNS messages between dig and two real servers in network namespaces
# joined by a veth pair, and writes each message as a spec vector beside this script.
# Servers: dnsmasq (a forwarder with local records) and BIND 9 named serving a zone
# signed with dnssec-signzone (NSEC) and one signed with NSEC3, with a delegation
# carrying glue. Run as root; needs iproute2, tcpdump, dnsmasq, bind9, bind9-dnsutils,
# python3. Nothing leaves the namespaces; every process started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); chmod 755 "$work"
SRV=ws-dns-srv CLI=ws-dns-cli
cleanup() {
  for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.3
  ip netns del $SRV 2>/dev/null || true; ip netns del $CLI 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del $SRV 2>/dev/null || true; ip netns del $CLI 2>/dev/null || true
ip netns add $SRV; ip netns add $CLI
ip link add ws-dsrv0 netns $SRV type veth peer name ws-dcli0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV addr add 10.98.0.1/24 dev ws-dsrv0; ip -n $SRV addr add 10.98.0.2/24 dev ws-dsrv0
ip -n $CLI addr add 10.98.0.10/24 dev ws-dcli0
ip -n $SRV link set ws-dsrv0 up; ip -n $CLI link set ws-dcli0 up

# dnsmasq on 10.98.0.1: local names, MX, TXT, SRV, CNAME, PTR from hosts.
printf '10.98.0.1 www.example.test\nfd98::1 www.example.test\n' > "$work/hosts"
ip netns exec $SRV dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
  --addn-hosts="$work/hosts" --listen-address=10.98.0.1 --bind-interfaces --pid-file= \
  --mx-host=example.test,mail.example.test,10 --txt-record=example.test,"v=spf1 -all" \
  --srv-host=_http._tcp.example.test,www.example.test,80 --cname=alias.example.test,www.example.test \
  --log-facility="$work/dnsmasq.log" &
echo $! > "$work/dnsmasq.pid"

# named on 10.98.0.2: signed.test (NSEC) and nsec3.test (NSEC3), both signed here.
mkdir -p "$work/named"; cd "$work/named"
cat > signed.test.zone <<'ZONE'
$TTL 300
@        IN SOA ns1.signed.test. hostmaster.signed.test. 2024010101 7200 3600 1209600 300
@        IN NS ns1.signed.test.
@        IN MX 10 mail.signed.test.
@        IN TXT "v=spf1 -all" "second string"
@        IN CAA 0 issue "letsencrypt.org"
@        IN HTTPS 1 . alpn="h2,h3" ipv4hint=192.0.2.1 port=443
ns1      IN A 192.0.2.53
www      IN A 192.0.2.1
www      IN AAAA 2001:db8::1
mail     IN A 192.0.2.25
host     IN HINFO "INTEL-386" "Linux"
_sip._udp IN SRV 0 5 5060 www.signed.test.
@        IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.signed.test.
old      IN DNAME www.signed.test.
many     IN A 192.0.2.11
many     IN A 192.0.2.12
many     IN A 192.0.2.13
many     IN A 192.0.2.14
many     IN A 192.0.2.15
many     IN A 192.0.2.16
many     IN A 192.0.2.17
many     IN A 192.0.2.18
unk      IN TYPE65280 \# 4 0A000001
sub      IN NS ns1.sub.signed.test.
sub      IN NS ns2.sub.signed.test.
sub      IN NS ns3.sub.signed.test.
sub      IN NS ns4.sub.signed.test.
sub      IN NS ns5.sub.signed.test.
sub      IN NS ns6.sub.signed.test.
ns1.sub  IN A 192.0.2.101
ns1.sub  IN AAAA 2001:db8::101
ns2.sub  IN A 192.0.2.102
ns2.sub  IN AAAA 2001:db8::102
ns3.sub  IN A 192.0.2.103
ns3.sub  IN AAAA 2001:db8::103
ns4.sub  IN A 192.0.2.104
ns4.sub  IN AAAA 2001:db8::104
ns5.sub  IN A 192.0.2.105
ns5.sub  IN AAAA 2001:db8::105
ns6.sub  IN A 192.0.2.106
ns6.sub  IN AAAA 2001:db8::106
ZONE
cat > nsec3.test.zone <<'ZONE'
$TTL 300
@    IN SOA ns1.nsec3.test. hostmaster.nsec3.test. 1 7200 3600 1209600 300
@    IN NS ns1.nsec3.test.
ns1  IN A 192.0.2.53
www  IN A 192.0.2.1
ZONE
for z in signed.test nsec3.test; do
  dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -K . $z >/dev/null
  dnssec-keygen -q -a ECDSAP256SHA256 -K . $z >/dev/null
  for k in K$z.*.key; do echo "\$INCLUDE $k" >> $z.zone; done
done
dnssec-signzone -q -K . -o signed.test -s 20240101000000 -e 20340101000000 signed.test.zone >/dev/null
dnssec-signzone -q -K . -3 AABBCCDD -H 0 -o nsec3.test -s 20240101000000 -e 20340101000000 nsec3.test.zone >/dev/null
cat > named.conf <<CONF
options { directory "$work/named"; listen-on port 53 { 10.98.0.2; }; listen-on-v6 { none; };
  recursion no; pid-file "$work/named/named.pidfile"; dnssec-validation no; };
zone "signed.test" { type primary; file "signed.test.zone.signed"; };
zone "nsec3.test" { type primary; file "nsec3.test.zone.signed"; };
CONF
chown -R bind "$work/named" 2>/dev/null || true
ip netns exec $SRV named -g -c "$work/named/named.conf" -u bind >"$work/named.log" 2>&1 &
echo $! > "$work/named.pid"
cd "$here"
sleep 2

ip netns exec $CLI tcpdump -i ws-dcli0 -s 0 -U -w "$work/dns.pcap" 'port 53' 2>/dev/null &
echo $! > "$work/tcpdump.pid"
sleep 1
q() { ip netns exec $CLI dig +time=2 +tries=1 "$@" >/dev/null || true; }
q @10.98.0.1 www.example.test A
q @10.98.0.1 www.example.test AAAA
q @10.98.0.1 example.test MX
q +tcp @10.98.0.1 example.test TXT
q @10.98.0.1 _http._tcp.example.test SRV
q @10.98.0.1 alias.example.test A
q @10.98.0.1 1.0.98.10.in-addr.arpa PTR
q @10.98.0.1 +noedns nothere.example.test A
q @10.98.0.1 +subnet=192.0.2.0/24 www.example.test A
q @10.98.0.2 +dnssec +norec www.signed.test A
q @10.98.0.2 +dnssec +norec many.signed.test A
q @10.98.0.2 +dnssec +norec signed.test DNSKEY
q @10.98.0.2 +dnssec +norec signed.test SOA
q @10.98.0.2 +norec signed.test MX
q @10.98.0.2 +norec signed.test TXT
q @10.98.0.2 +norec signed.test CAA
q @10.98.0.2 +norec signed.test HTTPS
q @10.98.0.2 +norec signed.test NAPTR
q @10.98.0.2 +norec _sip._udp.signed.test SRV
q @10.98.0.2 +norec host.signed.test HINFO
q @10.98.0.2 +norec www.old.signed.test A
q @10.98.0.2 +norec unk.signed.test TYPE65280
q @10.98.0.2 +dnssec +norec www.sub.signed.test A
q @10.98.0.2 +norec www.sub.signed.test A
q @10.98.0.2 +dnssec +norec nothere.signed.test A
q @10.98.0.2 +dnssec +norec nothere.nsec3.test A
q @10.98.0.2 +dnssec +norec +padding=128 www.nsec3.test A
q @10.98.0.2 +norec +tcp www.signed.test AAAA
sleep 0.5
kill "$(cat "$work/tcpdump.pid")"; rm "$work/tcpdump.pid"; sleep 0.5
# Keep the signed zone's dig view for the record (dig's presentation of every RR).
ip netns exec $CLI dig +dnssec +norec @10.98.0.2 www.signed.test A > "$here/dig-www.signed.test.txt" || true
python3 "$here/pcap_to_vectors.py" "$work/dns.pcap" "$here"
