#!/bin/sh
# Makes the captures in this folder: real dnsmasq and nginx servers in one network
# namespace, clients in another, joined by a veth pair whose MTU is 576 (MSS 536)
# with segmentation offloads off, so answers and pages span many segments.
# Needs root, iproute2, ethtool, tcpdump, dnsmasq, nginx, curl, python3.
# Every process started here is ended by its pid.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as nobody
srv=ws-reasm-srv
cli=ws-reasm-cli
cleanup() {
    for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    sleep 0.5
    ip netns del $srv 2>/dev/null || true
    ip netns del $cli 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add $srv
ip netns add $cli
ip link add ws-c type veth peer name ws-s
ip link set ws-c netns $cli
ip link set ws-s netns $srv
for side in "$cli ws-c 10.77.0.1" "$srv ws-s 10.77.0.2"; do
    set -- $side
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set dev "$2" mtu 576 up
    ip -n "$1" link set dev lo up
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
done

# dnsmasq: a TXT answer of ~3 KB (12 strings of 250 octets) and a short one.
long=$(printf 'x%.0s' $(seq 1 250))
txt=""
for i in $(seq 1 12); do txt="$txt --txt-record=big.test,$i$long"; done
ip netns exec $srv dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null \
    --listen-address=10.77.0.2 --bind-interfaces --user=root --pid-file= \
    --txt-record=small.test,"hello" $txt &
echo $! > "$work/dnsmasq.pid"

# nginx: a 20,000-octet page, a HEAD, and gzip (chunked) for curl --compressed.
mkdir -p "$work/www"
python3 -c "import sys; sys.stdout.write(''.join('line %05d of the page\n' % i for i in range(909))[:20000])" > "$work/www/page.txt"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx-master.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
    access_log off;
    default_type text/plain;
    gzip on; gzip_types text/plain; gzip_min_length 100;
    server { listen 10.77.0.2:80; root $work/www; }
}
CONF
ip netns exec $srv nginx -c "$work/nginx.conf" &
echo $! > "$work/nginx.pid"
sleep 1

capture() { # name, then the client command
    name=$1; shift
    ip netns exec $cli tcpdump -i ws-c -U -s 0 -w "$here/$name.pcap" tcp >/dev/null 2>&1 &
    echo $! > "$work/tcpdump.pid"
    sleep 1
    ip netns exec $cli "$@"
    sleep 1
    kill "$(cat "$work/tcpdump.pid")"; rm "$work/tcpdump.pid"
    sleep 0.5
}

capture dns-tcp python3 "$here/dns_tcp_query.py" 10.77.0.2 big.test small.test big.test
capture http sh -c 'curl -s -o /dev/null -o /dev/null http://10.77.0.2/page.txt http://10.77.0.2/page.txt &&
    curl -s -o /dev/null -I http://10.77.0.2/page.txt &&
    curl -s -o /dev/null --compressed http://10.77.0.2/page.txt'
