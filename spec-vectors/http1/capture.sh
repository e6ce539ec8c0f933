#!/usr/bin/env bash
# Captures real HTTP/1.1 exchanges between curl and nginx in two network namespaces
# joined by a veth pair, into http1-traffic.pcap beside this script, then turns each
# message into a spec vector with make_vectors.py. Run as root; needs iproute2,
# ethtool, tcpdump, nginx, curl, python3. Nothing leaves the namespaces; every process
# started here is stopped by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/http1-traffic.pcap}
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run unprivileged and must read www/
SRV=ws-h1-srv CLI=ws-h1-cli
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
ip link add ws-h1s0 netns $SRV type veth peer name ws-h1c0 netns $CLI
ip -n $SRV link set lo up; ip -n $CLI link set lo up
ip -n $SRV addr add 10.98.0.1/24 dev ws-h1s0
ip -n $CLI addr add 10.98.0.2/24 dev ws-h1c0
ip netns exec $SRV ethtool -K ws-h1s0 tx off >/dev/null
ip netns exec $CLI ethtool -K ws-h1c0 tx off >/dev/null
ip -n $SRV link set ws-h1s0 up; ip -n $CLI link set ws-h1c0 up

mkdir -p "$work/www"; printf 'hello from nginx\n' > "$work/www/index.html"
head -c 3000 /dev/zero | tr '\0' 'x' > "$work/www/big.txt"
touch -d '2024-01-02 03:04:05 UTC' "$work/www/index.html" "$work/www/big.txt"
cat > "$work/nginx.conf" <<NGINX
daemon off; worker_processes 1; pid $work/nginx.pidfile; error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off; keepalive_timeout 0;
  server {
    listen 10.98.0.1:80; root $work/www;
    # gzip makes the length unknown up front, so nginx sends the body chunked.
    gzip on; gzip_types text/plain; gzip_min_length 1;
    location = /echo { return 200 "echo\n"; }
  }
}
NGINX
ip netns exec $SRV nginx -c "$work/nginx.conf" &
echo $! > "$work/nginx.pid"
sleep 1

ip netns exec $CLI tcpdump -Z root --immediate-mode -i ws-h1c0 -s 0 -U -w "$work/cap.pcap" 2>"$work/tcpdump.log" &
echo $! > "$work/tcpdump.pid"
sleep 1
c() { ip netns exec $CLI curl -s -o /dev/null -w "%{http_code} " "$@" || true; }
c http://10.98.0.1/                                         # 200 with Content-Length
c -I http://10.98.0.1/                                      # HEAD
c -H 'Accept-Encoding: gzip' http://10.98.0.1/big.txt       # 200 chunked (gzip)
c -r 0-9 http://10.98.0.1/big.txt                           # 206 Content-Range
c -z 'Tue, 02 Jan 2024 03:04:05 GMT' http://10.98.0.1/      # 304 Not Modified
c http://10.98.0.1/missing                                  # 404
c -d 'a=1&b=2' http://10.98.0.1/echo                        # POST with Content-Length
c -H 'Transfer-Encoding: chunked' -d 'chunked body' http://10.98.0.1/echo  # chunked request
c -H 'Cookie: session=60; user_id=1' -H 'Origin: http://app.example.test' http://10.98.0.1/echo
c -X OPTIONS -H 'Origin: http://app.example.test' -H 'Access-Control-Request-Method: PUT' http://10.98.0.1/echo
sleep 0.5
kill "$(cat "$work/tcpdump.pid")"; rm "$work/tcpdump.pid"
sleep 0.5
cat "$work/tcpdump.log" >&2
cp "$work/cap.pcap" "$out"
echo "captured: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets into $out"
python3 "$here/make_vectors.py" "$out" "$here"
