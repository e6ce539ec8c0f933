#!/usr/bin/env bash
# Captures the HTTP/1.1 bench corpora from real software, on the loopback of a network
# namespace made here (nothing leaves it; every process started here is stopped by pid):
#  - response heads: real servers (nginx, Apache, lighttpd, Caddy, H2O, Python
#    http.server, Node http and Express, Go net/http, aiohttp, HAProxy and Varnish in
#    front of nginx, mini_httpd, webfs) answering requests sent by record.py http-fetch;
#  - request heads: real clients (curl, wget, HTTPie, Python urllib/requests/httpx/
#    aiohttp, Node http and fetch, Go net/http, lynx, w3m, links, elinks, aria2, and
#    nginx/HAProxy/Varnish forwarding a request) recorded by record.py http-server.
# Writes http1-responses/*.http and http1-requests/*.http beside this script.
# Run as root; needs the Debian 12 packages named in http1-*/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); chmod 755 "$work"
NS=ws-corp-http
cleanup() {
  [ -n "${DEBUG:-}" ] && for l in "$work"/*.log "$work"/*/error.log; do [ -s "$l" ] && { echo "== $l"; tail -${DEBUG} "$l"; }; done
  for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.5
  ip netns del $NS 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link set lo up
run() { ip netns exec $NS "$@"; }
bg() { local name=$1; shift; ip netns exec $NS "$@" >"$work/$name.log" 2>&1 & echo $! > "$work/$name.pid"; }
py=/usr/bin/python3
rec="$py $here/record.py"
resp="$here/http1-responses"; reqs="$here/http1-requests"
# Captured files are made anew; reconstructed-*.http (written by hand, see the READMEs) stay.
mkdir -p "$resp" "$reqs"
find "$resp" "$reqs" -name '*.http' ! -name 'reconstructed-*' -delete

# ---- a site to serve ----
site="$work/site"; mkdir -p "$site/files" "$site/app"
$py - "$site" <<'PY'
import sys, os, random
root = sys.argv[1]
random.seed(7)
words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
text = lambda n: " ".join(random.choice(words) for _ in range(n))
open(f"{root}/index.html", "w").write(
    "<!doctype html><html><head><title>corpus</title><link rel=stylesheet href=/style.css>"
    f"</head><body><p>{text(400)}</p></body></html>\n")
open(f"{root}/style.css", "w").write("body { font-family: sans-serif; }\n" * 80)
open(f"{root}/app.js", "w").write("console.log('corpus');\n" * 120)
open(f"{root}/data.json", "w").write('{"items": [' + ",".join(f'{{"id": {i}}}' for i in range(300)) + "]}\n")
open(f"{root}/logo.png", "wb").write(b"\x89PNG\r\n\x1a\n" + bytes(random.randrange(256) for _ in range(3000)))
open(f"{root}/big.txt", "w").write(text(20000) + "\n")
for i in range(5):
    open(f"{root}/files/report-{i}.txt", "w").write(text(50) + "\n")
PY
touch -d '2024-03-01 12:00:00 UTC' "$site"/* "$site"/files/*

# ---- servers ----
# nginx 1.22 on 8001 (static, gzip, redirect, security headers) and 8002 (reverse proxy to 8009)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx/nginx.pidfile; error_log $work/nginx/error.log; daemon off;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types; default_type application/octet-stream;
  access_log off; sendfile on; etag on;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:8001; root $site;
    gzip on; gzip_types text/css application/javascript application/json text/plain; gzip_vary on;
    location /files/ { autoindex on; }
    location = /old { return 301 /index.html; }
    location = /login { return 302 http://127.0.0.1:8001/index.html?next=%2Faccount; }
    location /secure/ {
      alias $site/;
      add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;
      add_header X-Frame-Options DENY always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy strict-origin-when-cross-origin always;
      add_header Content-Security-Policy "default-src 'self'; img-src 'self' data:; script-src 'self'" always;
      add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
  }
  server {
    listen 127.0.0.1:8002;
    location / {
      proxy_pass http://127.0.0.1:8060;
      proxy_set_header Host \$host; proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      add_header X-Cache-Status MISS always;
    }
  }
  server {
    listen 127.0.0.1:8003;
    location / {
      proxy_pass http://127.0.0.1:8100; proxy_http_version 1.1;
      proxy_set_header Host \$host; proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme; proxy_set_header Connection "";
    }
  }
}
CONF
# Apache 2.4 on 8010
mkdir -p "$work/apache"
mods=/usr/lib/apache2/modules
cat > "$work/apache/httpd.conf" <<CONF
ServerRoot $work/apache
ServerName corpus.test
DefaultRuntimeDir $work/apache
Listen 127.0.0.1:8010
PidFile $work/apache/httpd.pid
ErrorLog $work/apache/error.log
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule mime_module $mods/mod_mime.so
LoadModule dir_module $mods/mod_dir.so
LoadModule autoindex_module $mods/mod_autoindex.so
LoadModule alias_module $mods/mod_alias.so
LoadModule deflate_module $mods/mod_deflate.so
LoadModule filter_module $mods/mod_filter.so
LoadModule headers_module $mods/mod_headers.so
LoadModule expires_module $mods/mod_expires.so
User www-data
Group www-data
TypesConfig /etc/mime.types
DocumentRoot $site
<Directory $site>
  Options Indexes
  Require all granted
</Directory>
DirectoryIndex index.html
Redirect permanent /old /index.html
AddOutputFilterByType DEFLATE text/html text/css application/javascript application/json text/plain
ExpiresActive On
ExpiresByType text/css "access plus 1 week"
ExpiresByType image/png "access plus 1 month"
CONF
# lighttpd 1.4 on 8020
cat > "$work/lighttpd.conf" <<CONF
server.document-root = "$site"
server.bind = "127.0.0.1"
server.port = 8020
server.modules = ( "mod_dirlisting" )
include "/usr/share/lighttpd/create-mime.conf.pl"
index-file.names = ( "index.html" )
dir-listing.activate = "enable"
CONF
sed -i 's|^include "/usr/share/lighttpd/create-mime.conf.pl"|include_shell "/usr/share/lighttpd/create-mime.conf.pl"|' "$work/lighttpd.conf"
# Caddy 2.6 on 8030
cat > "$work/Caddyfile" <<CONF
{
  admin off
  auto_https off
  storage file_system $work/caddy
}
http://127.0.0.1:8030 {
  root * $site
  encode gzip
  redir /old /index.html 301
  file_server browse
}
CONF
# H2O 2.2 on 8040
cat > "$work/h2o.conf" <<CONF
listen:
  host: 127.0.0.1
  port: 8040
hosts:
  default:
    paths:
      /:
        file.dir: $site
        file.dirlisting: ON
CONF
# Node http (8050) and Express (8051), one file each
cat > "$work/node-http.js" <<'JS'
const http = require('http');
http.createServer((req, res) => {
  if (req.url === '/api/users/42') {
    const body = JSON.stringify({ id: 42, name: 'Ada', roles: ['admin', 'dev'] });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
  } else if (req.url === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('data: hello\n\n'); res.end();
  } else {
    res.statusCode = 404; res.end('not found');
  }
}).listen(8050, '127.0.0.1');
JS
cat > "$work/express.js" <<JS
const express = require('express');
const app = express();
app.use('/static', express.static('$site'));
app.get('/api/items', (req, res) => res.json({ items: [1, 2, 3], next: null }));
app.post('/api/items', (req, res) => res.status(201).location('/api/items/4').json({ id: 4 }));
app.get('/old', (req, res) => res.redirect(301, '/static/index.html'));
app.get('/session', (req, res) => { res.cookie('sid', 'a3f9c2e1b7d04e5f', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 86400000 }); res.cookie('theme', 'dark'); res.send('ok'); });
app.listen(8051, '127.0.0.1');
JS
# Go net/http on 8060
mkdir -p "$work/gosrv" "$work/gocli"
cat > "$work/gosrv/main.go" <<GO
package main

import (
	"encoding/json"
	"net/http"
)

func main() {
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("$site"))))
	http.HandleFunc("/api/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "7f3c1a2b-9d4e-4f6a-8b1c-2e3d4f5a6b7c")
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "uptime": 12345})
	})
	http.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/index.html", http.StatusMovedPermanently)
	})
	http.ListenAndServe("127.0.0.1:8060", nil)
}
GO
# aiohttp on 8070
cat > "$work/aio.py" <<PY
from aiohttp import web
async def item(request):
    return web.json_response({"id": 7, "tags": ["a", "b"]})
app = web.Application()
app.router.add_get("/api/item", item)
app.router.add_static("/static/", "$site")
web.run_app(app, host="127.0.0.1", port=8070, print=None)
PY
# HAProxy 2.6 on 8080 in front of nginx 8001 (and a dead backend for its 503 page)
cat > "$work/haproxy.cfg" <<CONF
global
  pidfile $work/haproxy.pidfile
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:8080
  http-response set-header X-Served-By haproxy
  use_backend dead if { path_beg /down }
  default_backend nginx
backend nginx
  server n1 127.0.0.1:8001
backend dead
  server d1 127.0.0.1:8999
frontend fwd
  bind 127.0.0.1:8081
  option forwardfor
  default_backend recorder
backend recorder
  server r1 127.0.0.1:8100
CONF
# Varnish 7.1 on 8090 in front of nginx 8001, and on 8091 in front of the recorder
cat > "$work/default.vcl" <<'VCL'
vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "8001"; }
VCL
cat > "$work/fwd.vcl" <<'VCL'
vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "8100"; }
sub vcl_recv { return (pass); }
VCL

mkdir -p "$work/rec"
bg recorder $rec http-server 127.0.0.1 8100 "$work/rec"
bg nginx nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
bg apache apache2 -f "$work/apache/httpd.conf" -DFOREGROUND
bg lighttpd lighttpd -D -f "$work/lighttpd.conf"
bg caddy env HOME="$work" XDG_DATA_HOME="$work" XDG_CONFIG_HOME="$work" caddy run --config "$work/Caddyfile" --adapter caddyfile
bg h2o h2o -c "$work/h2o.conf"
bg pyhttp $py -m http.server --bind 127.0.0.1 --directory "$site" 8065
bg nodehttp node "$work/node-http.js"
bg express env NODE_PATH=/usr/share/nodejs node "$work/express.js"
(cd "$work/gosrv" && GOCACHE="$work/gocache" GO111MODULE=off go build -o server main.go)
bg gosrv "$work/gosrv/server"
bg aiohttp $py "$work/aio.py"
bg haproxy haproxy -db -f "$work/haproxy.cfg"
bg varnish varnishd -F -n "$work/varnish" -a 127.0.0.1:8090 -f "$work/default.vcl" -s malloc,16m
bg varnish2 varnishd -F -n "$work/varnish2" -a 127.0.0.1:8091 -f "$work/fwd.vcl" -s malloc,16m
bg minihttpd mini_httpd -D -h 127.0.0.1 -p 8095 -d "$site" -l /dev/null
bg webfs webfsd -F -i 127.0.0.1 -p 8096 -r "$site" -f index.html
sleep 3

# ---- response heads ----
req="$work/req"; mkdir -p "$req"
browser() { # a Firefox-shaped request head; $1 method, $2 target, then extra header lines
  local m=$1 t=$2; shift 2
  printf '%s %s HTTP/1.1\nHost: 127.0.0.1\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\nAccept-Language: en-US,en;q=0.5\nAccept-Encoding: gzip, deflate, br, zstd\nConnection: keep-alive\n' "$m" "$t"
  for h in "$@"; do printf '%s\n' "$h"; done
  printf '\n'
}
fetch() { # name port request-head-file
  run $rec http-fetch 127.0.0.1 "$2" "$resp/$1.http" "$3" || echo "FAILED: $1" >&2
}
get() { # name port target [extra headers...]
  local name=$1 port=$2 target=$3; shift 3
  browser GET "$target" "$@" > "$req/$name"; fetch "$name" "$port" "$req/$name"
}
head_() { local name=$1 port=$2 target=$3; browser HEAD "$target" > "$req/$name"; fetch "$name" "$port" "$req/$name"; }
cond() { # name port target: a 304 from If-None-Match / If-Modified-Since of the 200 just taken
  local name=$1 port=$2 target=$3
  cp "$resp/$4.http" "$resp/$name.http.prev"
  browser GET "$target" 'If-None-Match: {etag}' 'If-Modified-Since: {lastmod}' > "$req/$name"
  fetch "$name" "$port" "$req/$name"; rm -f "$resp/$name.http.prev"
}
post() { # name port target body content-type
  printf 'POST %s HTTP/1.1\nHost: 127.0.0.1\nUser-Agent: curl/7.88.1\nAccept: */*\nContent-Type: %s\nContent-Length: %s\n\n' "$3" "$5" "${#4}" > "$req/$1"
  printf '%s' "$4" > "$req/$1.body"
  fetch "$1" "$2" "$req/$1"
}

get nginx-static-html 8001 /index.html
cond nginx-304 8001 /index.html nginx-static-html
get nginx-gzip-css 8001 /style.css
get nginx-png 8001 /logo.png
# nginx does not answer a range of a response it compresses: the range is of the PNG.
get nginx-range-206 8001 /logo.png 'Range: bytes=0-1023'
get nginx-autoindex 8001 /files/
get nginx-301 8001 /old
get nginx-302-login 8001 /login
get nginx-404 8001 /missing.html
get nginx-security-headers 8001 /secure/index.html
head_ nginx-head 8001 /data.json
post nginx-405-post 8001 /index.html 'a=1' application/x-www-form-urlencoded
get nginx-proxy-go-json 8002 /api/status
get apache-static-html 8010 /index.html
get apache-deflate-js 8010 /app.js
get apache-expires-png 8010 /logo.png
# mod_deflate gives the gzip variant its own ETag ("…-gzip"), which it does not match
# on revalidation: the 304 is taken on the PNG, which is not compressed.
cond apache-304 8010 /logo.png apache-expires-png
get apache-range-206 8010 /big.txt 'Range: bytes=100-199'
get apache-autoindex 8010 /files/
get apache-301 8010 /old
get apache-404 8010 /missing.html
head_ apache-head 8010 /data.json
get lighttpd-static-html 8020 /index.html
cond lighttpd-304 8020 /index.html lighttpd-static-html
get lighttpd-dirlisting 8020 /files/
get lighttpd-404 8020 /missing.html
get lighttpd-range-206 8020 /big.txt 'Range: bytes=0-99'
get caddy-static-html 8030 /index.html
cond caddy-304 8030 /index.html caddy-static-html
get caddy-gzip-json 8030 /data.json
get caddy-browse 8030 /files/
get caddy-301 8030 /old
get caddy-404 8030 /missing.html
get h2o-static-html 8040 /index.html
cond h2o-304 8040 /index.html h2o-static-html
get h2o-404 8040 /missing.html
get h2o-dirlisting 8040 /files/
get python-static-html 8065 /index.html
cond python-304 8065 /index.html python-static-html
get python-404 8065 /missing.html
get python-dirlisting 8065 /files/
get node-http-json 8050 /api/users/42
get node-http-event-stream 8050 /stream
get node-http-404 8050 /nothing
get express-static 8051 /static/index.html
cond express-304 8051 /static/index.html express-static
get express-json 8051 /api/items
post express-201-created 8051 /api/items '{"name":"x"}' application/json
get express-301 8051 /old
get express-set-cookies 8051 /session
get express-404 8051 /nothing
# http.FileServer redirects /index.html to ./: the static file is the stylesheet.
get go-static-css 8060 /static/style.css
cond go-304 8060 /static/style.css go-static-css
get go-json 8060 /api/status
get go-301 8060 /old
get go-404 8060 /nothing
get aiohttp-json 8070 /api/item
get aiohttp-static 8070 /static/style.css
get aiohttp-404 8070 /nothing
get haproxy-nginx-html 8080 /index.html
get haproxy-503 8080 /down
get varnish-nginx-miss 8090 /style.css
get varnish-nginx-hit 8090 /style.css
get mini-httpd-static 8095 /index.html
get mini-httpd-404 8095 /missing.html
get webfs-static 8096 /index.html
rm -f "$resp"/*.prev

# ---- request heads ----
U=http://127.0.0.1:8100
take() { # name: the heads recorded since the last call, renamed
  sleep 0.3
  local files=("$work"/rec/*.http) i=0
  [ -e "${files[0]}" ] || { echo "no request recorded for $1" >&2; return; }
  for f in "${files[@]}"; do
    i=$((i + 1))
    if [ ${#files[@]} -eq 1 ]; then mv "$f" "$reqs/$1.http"; else mv "$f" "$reqs/$1-$i.http"; fi
  done
}
q() { run timeout 10 "$@" >/dev/null 2>&1 || true; }
cd "$work"
q curl -s $U/; take curl-get
q curl -s -I $U/index.html; take curl-head
q curl -s --compressed $U/data.json; take curl-compressed
q curl -s -d 'user=ada&pass=secret' $U/login; take curl-post-form
q curl -s -H 'Content-Type: application/json' -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl' -d '{"query":"status"}' $U/api/v1/query; take curl-post-json-bearer
q curl -s -b 'sid=a3f9c2e1b7d04e5f; theme=dark' -e https://example.com/page -A 'curl/7.88.1 (corpus)' "$U/search?q=wire+state&page=2"; take curl-cookie-referer
q curl -s -u ada:secret -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' $U/repos/o/r/issues; take curl-basic-auth-api
q curl -s -r 0-1023 $U/big.txt; take curl-range
q curl -s -X PUT -T "$site/data.json" $U/upload/data.json; take curl-put-expect
q curl -s -X DELETE $U/api/items/4; take curl-delete
q wget -q -O /dev/null $U/index.html; take wget-get
q wget -q -O /dev/null --post-data 'a=1&b=2' $U/form; take wget-post
q wget -q -O /dev/null --header 'Accept-Language: de-DE' -U 'Wget/1.21.3 (mirror)' $U/files/report-1.txt; take wget-header
q env HOME="$work" http --ignore-stdin GET $U/api/items; take httpie-get
q env HOME="$work" http --ignore-stdin POST $U/api/items name=ada role=admin; take httpie-post-json
q $py -c "import urllib.request as u; u.urlopen('$U/index.html').read()"; take python-urllib-get
q $py -c "import urllib.request as u; u.urlopen(u.Request('$U/api', data=b'{\"a\":1}', headers={'Content-Type':'application/json'})).read()"; take python-urllib-post
q $py -c "import requests; requests.get('$U/api/items', params={'page': 2, 'per_page': 50})"; take python-requests-get
q $py -c "import requests; requests.post('$U/api/items', json={'name': 'ada'}, headers={'Authorization': 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a'})"; take python-requests-post-json
q $py -c "import requests; s=requests.Session(); s.cookies.set('sid','a3f9c2e1'); s.get('$U/account')"; take python-requests-session-cookie
q $py -c "import httpx; httpx.get('$U/api/items')"; take python-httpx-get
q $py -c "import httpx; httpx.post('$U/api/items', data={'a': '1'})"; take python-httpx-post-form
q $py -c "
import aiohttp, asyncio
async def main():
    async with aiohttp.ClientSession() as s:
        async with s.get('$U/api/items') as r: await r.read()
asyncio.run(main())"; take python-aiohttp-get
q node -e "require('http').get('$U/api/items', r => r.resume())"; take node-http-get
q node -e "fetch('$U/api/items').then(r => r.text())"; take node-fetch-get
q node -e "fetch('$U/api/items', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({a: 1})}).then(r => r.text())"; take node-fetch-post-json
cat > "$work/gocli/main.go" <<GO
package main

import (
	"net/http"
	"strings"
)

func main() {
	http.Get("$U/api/items")
	http.Post("$U/api/items", "application/json", strings.NewReader("{\"a\":1}"))
}
GO
(cd "$work/gocli" && GOCACHE="$work/gocache" GO111MODULE=off go build -o client main.go)
q "$work/gocli/client"; take go-http-client
q env HOME="$work" lynx -dump $U/index.html; take lynx
q env HOME="$work" w3m -dump $U/index.html; take w3m
q env HOME="$work" links -dump $U/index.html; take links
q env HOME="$work" elinks -no-home -dump $U/index.html; take elinks
q aria2c -q -d "$work" -o aria.out $U/big.txt; take aria2
q curl -s http://127.0.0.1:8003/api/items; take nginx-proxy-forwarded
q curl -s http://127.0.0.1:8081/api/items; take haproxy-forwardfor
q curl -s http://127.0.0.1:8091/api/items; take varnish-pass
q ab -q -n 1 $U/index.html; take apachebench
q curl -s -H 'If-None-Match: "65e1c340-a59"' -H 'If-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT' $U/index.html; take curl-conditional
q curl -s -X POST -H 'Content-Type: application/json' -H 'Idempotency-Key: 5d9c1f0e-3b7a-4c2d-9e8f-1a2b3c4d5e6f' -H 'Authorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc' -d '{"amount":2000,"currency":"usd"}' $U/v1/payment_intents; take curl-post-api-idempotency
q curl -s -L --max-redirs 0 -H 'Accept: application/json' -H 'X-Requested-With: XMLHttpRequest' "$U/api/search?q=%E2%9C%93&sort=desc&fields=id,name,created_at"; take curl-xhr-query
q wget -q -O /dev/null --spider $U/files/report-2.txt; take wget-spider
echo partial > "$work/partial.txt"; q wget -q -O "$work/partial.txt" -c $U/big.txt; take wget-continue-range
q env HOME="$work" http --ignore-stdin --form POST $U/upload title=report file@"$site/files/report-0.txt"; take httpie-post-multipart
q env HOME="$work" http --ignore-stdin -a ada:secret GET $U/account 'X-Api-Key:abc123'; take httpie-basic-auth
q $py -c "import requests; requests.get('$U/private', auth=('ada', 'secret'), headers={'Accept': 'application/json'})"; take python-requests-basic-auth
q $py -c "import urllib.request as u; u.urlopen(u.Request('$U/feed.xml', headers={'User-Agent': 'FeedFetcher/1.0 (+https://example.org/bot)', 'Accept': 'application/rss+xml, application/atom+xml'})).read()"; take python-urllib-feed
q $py -c "import httpx; httpx.get('$U/api/items', headers={'Authorization': 'Bearer abc.def.ghi'}, params={'limit': 100, 'cursor': 'dXNlcjpXMDdRQ1JHN1A='})"; take python-httpx-bearer
q node -e "const r = require('http').request('$U/api/items', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-Request-Id': 'req-8f14e45f'}}, s => s.resume()); r.end(JSON.stringify({a: 1}))"; take node-http-post
q node -e "fetch('$U/graphql', {method: 'POST', headers: {'content-type': 'application/json', authorization: 'Bearer t0k3n'}, body: JSON.stringify({query: '{ viewer { login } }'})}).then(r => r.text())"; take node-fetch-graphql
q git ls-remote $U/corpus/repo.git; take git-ls-remote
q /root/.pyenv/shims/pip3 download --no-deps --no-cache-dir --retries 0 --timeout 3 --index-url $U/simple/ --dest "$work/pipdl" wirestate-example; take pip-download
q env HOME="$work" npm view wirestate-example --registry $U/ --fetch-retries 0; take npm-view
q /usr/lib/apt/apt-helper download-file $U/pool/main/w/wirestate/wirestate_1.0_amd64.deb "$work/x.deb"; take apt-helper
q env HOME="$work" GOPATH="$work/gopath" GOMODCACHE="$work/gomod" GOCACHE="$work/gocache" GOPROXY=$U GOSUMDB=off GOFLAGS=-mod=mod go mod download -json example.com/corpus@v1.0.0; take go-mod-download
proxied() { # name port: the reconstructed Chrome head sent through a real proxy
  sed 's|^Host: .*|Host: 127.0.0.1\r|' "$reqs/reconstructed-chrome-120-navigate.http" > "$req/$1"
  run $rec http-fetch 127.0.0.1 "$2" "$work/proxied.out" "$req/$1" >/dev/null 2>&1 || true
  take "$1"
}
proxied nginx-proxy-chrome 8003
proxied haproxy-forwardfor-chrome 8081
proxied varnish-pass-chrome 8091
echo "responses: $(ls "$resp" | wc -l), requests: $(ls "$reqs" | wc -l)"
