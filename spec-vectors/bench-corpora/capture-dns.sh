#!/usr/bin/env bash
# Captures the DNS bench corpus: responses of real servers to dig 9.18 queries, on the
# loopback of a network namespace made here (nothing leaves it; every process started
# here is stopped by pid). Authoritative: BIND 9.18, NSD 4.6, Knot DNS 3.2, PowerDNS 4.7
# (bind backend), all serving the same zone files (a root zone with a com. referral,
# example.test, a reverse zone, and signed.test / nsec3.test signed here with
# dnssec-signzone); recursive: Unbound 1.17 (stubbed to BIND) and dnsmasq 2.90
# (forwarding to BIND, with local records). dig talks to `record.py dns-proxy` in front
# of each server, which writes every response it relays. Writes dns/*.bin beside this
# script. Run as root; needs the Debian 12 packages named in dns/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); chmod 755 "$work"
NS=ws-corp-dns
cleanup() {
  [ -n "${DEBUG:-}" ] && for l in "$work"/*.log; do [ -s "$l" ] && { echo "== $l"; tail -"$DEBUG" "$l"; }; done
  for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.5
  ip netns del $NS 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link set lo up
# named listens only on addresses configured on an interface.
for n in 2 3 4 5 6 7; do ip -n $NS addr add 127.0.0.$n/32 dev lo; ip -n $NS addr add 127.0.1.$n/32 dev lo; done
run() { ip netns exec $NS "$@"; }
bg() { local name=$1; shift; ip netns exec $NS "$@" >"$work/$name.log" 2>&1 & echo $! > "$work/$name.pid"; }
py=/usr/bin/python3
out="$here/dns"; mkdir -p "$out"; rm -f "$out"/*.bin

# ---- zones ----
z="$work/zones"; mkdir -p "$z"; cd "$z"
cat > root.zone <<'ZONE'
$TTL 518400
.             IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024030100 1800 900 604800 86400
.             IN NS a.root-servers.net.
.             IN NS b.root-servers.net.
a.root-servers.net. IN A 198.41.0.4
a.root-servers.net. IN AAAA 2001:503:ba3e::2:30
b.root-servers.net. IN A 170.247.170.2
b.root-servers.net. IN AAAA 2801:1b8:10::b
ZONE
for c in a b c d e f g h i j k l m; do
  printf 'com. 172800 IN NS %s.gtld-servers.net.\n' $c >> root.zone
done
i=0
for c in a b c d e f g h i j k l m; do
  i=$((i + 1))
  printf '%s.gtld-servers.net. 172800 IN A 192.%d.%d.30\n%s.gtld-servers.net. 172800 IN AAAA 2001:503:%x::2:30\n' $c $((i + 4)) $((i * 3)) $c $i >> root.zone
done
cat > example.test.zone <<'ZONE'
$TTL 3600
@             IN SOA ns1.example.test. hostmaster.example.test. 2024030101 7200 3600 1209600 300
@             IN NS ns1.example.test.
@             IN NS ns2.example.test.
ns1           IN A 192.0.2.53
ns1           IN AAAA 2001:db8::53
ns2           IN A 198.51.100.53
ns2           IN AAAA 2001:db8:1::53
@             IN A 192.0.2.10
@             IN AAAA 2001:db8::10
@             IN MX 10 mail1.example.test.
@             IN MX 20 mail2.example.test.
@             IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"
@             IN TXT "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"
@             IN CAA 0 issue "letsencrypt.org"
@             IN CAA 0 iodef "mailto:security@example.test"
@             IN HTTPS 1 . alpn="h2,h3" ipv4hint=192.0.2.10 ipv6hint=2001:db8::10
mail1         IN A 192.0.2.25
mail1         IN AAAA 2001:db8::25
mail2         IN A 198.51.100.25
www           IN CNAME www.cdn.example.test.
www.cdn       IN CNAME edge.cdn.example.test.
edge.cdn      IN A 192.0.2.80
edge.cdn      IN A 192.0.2.81
edge.cdn      IN AAAA 2001:db8::80
api           IN A 192.0.2.100
api           IN A 192.0.2.101
api           IN A 192.0.2.102
api           IN A 192.0.2.103
api           IN AAAA 2001:db8::100
api           IN AAAA 2001:db8::101
v4only        IN A 192.0.2.44
_dmarc        IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.test; ruf=mailto:dmarc-forensic@example.test; fo=1"
selector1._domainkey IN TXT ( "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu5Z3k0Jc1Wq8YH6mVn9Jx2p4rT7sLq0dK1fG2hJ3kL4mN5oP6qR7sT8uV9wX0yZ1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4aB5cD6eF7gH8iJ9kL0mN1oP2qR3sT4uV5wX6yZ7aB8cD9eF0gH1iJ2kL3mN4oP5qR6sT7uV8wX9yZ0aB1cD2e"
                              "F3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4wX5yZ6aB7cD8eF9gH0iJ1kL2mN3oP4qR5sT6uV7wX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8sT9uV0wX1yZ2aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6cD7eF8gH9iJ0kL1mN2oP3QIDAQAB" )
_sip._tcp     IN SRV 10 60 5060 sip1.example.test.
_sip._tcp     IN SRV 10 20 5060 sip2.example.test.
_sip._tcp     IN SRV 20 0 5060 sip3.example.test.
_xmpp-server._tcp IN SRV 5 0 5269 xmpp.example.test.
sip1          IN A 192.0.2.61
sip2          IN A 192.0.2.62
sip3          IN A 192.0.2.63
xmpp          IN A 192.0.2.70
sub           IN NS ns1.sub.example.test.
sub           IN NS ns2.sub.example.test.
sub           IN NS ns3.sub.example.test.
sub           IN NS ns4.sub.example.test.
ns1.sub       IN A 192.0.2.201
ns1.sub       IN AAAA 2001:db8::201
ns2.sub       IN A 192.0.2.202
ns2.sub       IN AAAA 2001:db8::202
ns3.sub       IN A 198.51.100.203
ns3.sub       IN AAAA 2001:db8:1::203
ns4.sub       IN A 203.0.113.204
ns4.sub       IN AAAA 2001:db8:2::204
ZONE
for i in $(seq 1 60); do printf 'big IN A 10.0.%d.%d\n' $((i / 250)) $((i % 250 + 1)) >> example.test.zone; done
for i in $(seq 1 30); do printf 'pool IN AAAA 2001:db8:10::%x\n' "$i" >> example.test.zone; done
cat > 2.0.192.in-addr.arpa.zone <<'ZONE'
$TTL 3600
@   IN SOA ns1.example.test. hostmaster.example.test. 2024030101 7200 3600 1209600 300
@   IN NS ns1.example.test.
10  IN PTR example.test.
25  IN PTR mail1.example.test.
80  IN PTR edge.cdn.example.test.
ZONE
cat > signed.test.zone <<'ZONE'
$TTL 300
@        IN SOA ns1.signed.test. hostmaster.signed.test. 2024010101 7200 3600 1209600 300
@        IN NS ns1.signed.test.
@        IN MX 10 mail.signed.test.
@        IN TXT "v=spf1 -all"
ns1      IN A 192.0.2.53
www      IN A 192.0.2.1
www      IN AAAA 2001:db8::1
mail     IN A 192.0.2.25
many     IN A 192.0.2.11
many     IN A 192.0.2.12
many     IN A 192.0.2.13
many     IN A 192.0.2.14
alias    IN CNAME www.signed.test.
sub      IN NS ns1.sub.signed.test.
ns1.sub  IN A 192.0.2.101
ZONE
cat > nsec3.test.zone <<'ZONE'
$TTL 300
@    IN SOA ns1.nsec3.test. hostmaster.nsec3.test. 1 7200 3600 1209600 300
@    IN NS ns1.nsec3.test.
ns1  IN A 192.0.2.53
www  IN A 192.0.2.1
ZONE
for zn in signed.test nsec3.test; do
  dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -K . $zn >/dev/null
  dnssec-keygen -q -a ECDSAP256SHA256 -K . $zn >/dev/null
  for k in K$zn.*.key; do echo "\$INCLUDE $z/$k" >> $zn.zone; done
done
dnssec-signzone -q -K . -o signed.test -s 20240101000000 -e 20340101000000 signed.test.zone >/dev/null
dnssec-signzone -q -K . -3 AABBCCDD -H 0 -o nsec3.test -s 20240101000000 -e 20340101000000 nsec3.test.zone >/dev/null
# Every server loads these files; the signed zones as signed.
zones=". root.zone
example.test example.test.zone
2.0.192.in-addr.arpa 2.0.192.in-addr.arpa.zone
signed.test signed.test.zone.signed
nsec3.test nsec3.test.zone.signed"
chmod -R a+rX "$z"

# ---- servers: 127.0.0.N:53, each behind a recording proxy on 127.0.1.N:53 ----
# BIND 9.18 on .2
mkdir -p "$work/named"
{
  echo "options { directory \"$work/named\"; listen-on port 53 { 127.0.0.2; }; listen-on-v6 { none; };"
  echo "  recursion no; pid-file \"$work/named/named.pidfile\"; dnssec-validation no; server-id \"ns1.bind\"; };"
  while read -r name file; do echo "zone \"$name\" { type primary; file \"$z/$file\"; };"; done <<< "$zones"
} > "$work/named/named.conf"
chown -R bind "$work/named" 2>/dev/null || true
bg named named -g -c "$work/named/named.conf" -u bind
# NSD 4.6 on .3
{
  printf 'server:\n  ip-address: 127.0.0.3\n  port: 53\n  username: ""\n  chroot: ""\n  database: ""\n'
  printf '  pidfile: "%s/nsd.pidfile"\n  zonelistfile: "%s/nsd.zonelist"\n  xfrdfile: "%s/nsd.xfrd"\n' "$work" "$work" "$work"
  printf '  nsid: "ascii_ns1.nsd"\n  verbosity: 1\nremote-control:\n  control-enable: no\n'
  while read -r name file; do printf 'zone:\n  name: "%s"\n  zonefile: "%s/%s"\n' "$name" "$z" "$file"; done <<< "$zones"
} > "$work/nsd.conf"
bg nsd nsd -d -c "$work/nsd.conf"
# Knot DNS 3.2 on .4
mkdir -p "$work/knot"
{
  printf 'server:\n  listen: 127.0.0.4@53\n  rundir: "%s/knot"\n  identity: ns1.knot\n  nsid: ns1.knot\n' "$work"
  printf 'database:\n  storage: "%s/knot"\ntemplate:\n  - id: default\n    storage: "%s"\n    zonefile-sync: -1\n    semantic-checks: off\nzone:\n' "$work/knot" "$z"
  while read -r name file; do printf '  - domain: "%s"\n    file: "%s"\n' "$name" "$file"; done <<< "$zones"
} > "$work/knot.conf"
bg knot knotd -c "$work/knot.conf"
# PowerDNS 4.7 (bind backend) on .5, unsigned zones only (no DNSSEC database)
{
  while read -r name file; do
    case $name in signed.test|nsec3.test) continue ;; esac
    echo "zone \"$name\" { type master; file \"$z/$file\"; };"
  done <<< "$zones"
} > "$work/pdns-named.conf"
mkdir -p "$work/pdns"
bg pdns pdns_server --no-config --daemon=no --guardian=no --launch=bind --bind-config="$work/pdns-named.conf" \
  --local-address=127.0.0.5 --local-port=53 --socket-dir="$work/pdns" --disable-syslog --setuid= --setgid=
# Unbound 1.17 on .6: a recursive resolver whose root is BIND
cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.6
  port: 53
  do-ip6: no
  chroot: ""
  username: ""
  directory: "$work"
  pidfile: "$work/unbound.pidfile"
  module-config: "iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  use-syslog: no
  qname-minimisation: no
  harden-referral-path: no
  # test. and 2.0.192.in-addr.arpa. are default local zones (RFC 6761, RFC 5737).
  local-zone: "test." nodefault
  local-zone: "2.0.192.in-addr.arpa." nodefault
remote-control:
  control-enable: no
stub-zone:
  name: "."
  stub-addr: 127.0.0.2
CONF
bg unbound unbound -d -c "$work/unbound.conf"
# dnsmasq 2.90 on .7: local records, the rest forwarded to BIND
printf '192.0.2.150 printer.lan\nfd00::150 printer.lan\n' > "$work/hosts"
bg dnsmasq dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --addn-hosts="$work/hosts" \
  --listen-address=127.0.0.7 --bind-interfaces --pid-file= --server=127.0.0.2 \
  --mx-host=lan,printer.lan,10 --txt-record=lan,"v=spf1 -all" --cname=scanner.lan,printer.lan \
  --srv-host=_ipp._tcp.lan,printer.lan,631 --local=/lan/
for n in 2 3 4 5 6 7; do
  mkdir -p "$work/rec$n"
  bg proxy$n $py "$here/record.py" dns-proxy 127.0.1.$n 53 127.0.0.$n 53 "$work/rec$n"
done
sleep 3

# ---- queries ----
q() { # name server-number dig-arguments...: the responses relayed for one dig
  local name=$1 n=$2; shift 2
  run timeout 10 dig +time=3 +tries=1 @127.0.1.$n "$@" >/dev/null 2>&1 || true
  sleep 0.1
  local files=("$work/rec$n"/*.bin) f t
  [ -e "${files[0]}" ] || { echo "no response for $name" >&2; return; }
  for f in "${files[@]}"; do
    t=${f##*-}; t=${t%.bin}
    if [ ${#files[@]} -eq 1 ]; then mv "$f" "$out/$name.bin"; else mv "$f" "$out/$name-$t.bin"; fi
  done
}
auth_set() { # prefix server-number: the shapes every authoritative server answers
  local p=$1 n=$2
  q $p-a $n +norec example.test A
  q $p-aaaa-api $n +norec api.example.test AAAA
  q $p-cname-chain $n +norec www.example.test A
  q $p-mx $n +norec example.test MX
  q $p-txt $n +norec example.test TXT
  q $p-nxdomain $n +norec nothere.example.test A
  q $p-nodata $n +norec v4only.example.test AAAA
  q $p-referral-glue $n +norec www.sub.example.test A
  q $p-root-referral $n +norec www.example.com A
  q $p-big-tc $n +norec +bufsize=512 big.example.test A
}
auth_set bind 2
auth_set nsd 3
auth_set knot 4
auth_set pdns 5
q bind-ns 2 +norec example.test NS
q bind-soa 2 +norec example.test SOA
q bind-dkim-txt 2 +norec selector1._domainkey.example.test TXT
q bind-dmarc-txt 2 +norec _dmarc.example.test TXT
q bind-srv 2 +norec _sip._tcp.example.test SRV
q bind-caa 2 +norec example.test CAA
q bind-https 2 +norec example.test HTTPS
q bind-ptr 2 +norec 10.2.0.192.in-addr.arpa PTR
q bind-aaaa-pool 2 +norec pool.example.test AAAA
q bind-nsid 2 +norec +nsid example.test A
q bind-noedns 2 +norec +noedns example.test A
q bind-dnssec-a 2 +norec +dnssec www.signed.test A
q bind-dnssec-dnskey 2 +norec +dnssec signed.test DNSKEY
q bind-dnssec-nxdomain-nsec 2 +norec +dnssec nothere.signed.test A
q bind-dnssec-nxdomain-nsec3 2 +norec +dnssec nothere.nsec3.test A
q bind-dnssec-referral-ds 2 +norec +dnssec www.sub.signed.test A
q bind-dnssec-cname 2 +norec +dnssec alias.signed.test A
q bind-dnssec-mx 2 +norec +dnssec signed.test MX
q nsd-nsid 3 +norec +nsid example.test A
q nsd-dnssec-a 3 +norec +dnssec www.signed.test A
q nsd-dnssec-nxdomain-nsec3 3 +norec +dnssec nothere.nsec3.test A
q knot-dnssec-a 4 +norec +dnssec www.signed.test A
q knot-dnssec-nxdomain-nsec 4 +norec +dnssec nothere.signed.test A
q knot-srv 4 +norec _sip._tcp.example.test SRV
q unbound-a 6 example.test A
q unbound-cname-chain 6 www.example.test A
q unbound-mx 6 example.test MX
q unbound-nxdomain 6 nothere.example.test A
q unbound-aaaa-api 6 api.example.test AAAA
q unbound-ptr 6 10.2.0.192.in-addr.arpa PTR
q unbound-ecs 6 +subnet=192.0.2.0/24 example.test A
q dnsmasq-local-a 7 printer.lan A
q dnsmasq-local-aaaa 7 printer.lan AAAA
q dnsmasq-local-mx 7 lan MX
q dnsmasq-cname 7 scanner.lan A
q dnsmasq-srv 7 _ipp._tcp.lan SRV
q dnsmasq-nxdomain 7 nothere.lan A
q dnsmasq-forwarded-cname 7 www.example.test A
q dnsmasq-forwarded-txt 7 example.test TXT
echo "responses: $(ls "$out"/*.bin | wc -l)"
