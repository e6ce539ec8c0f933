#!/usr/bin/env python3
"""Turns the HTTP exchanges of a pcap (Ethernet, IPv4, TCP port 80) into spec
vectors: one per request and per response, the bytes each side sent on its
connection, concatenated in sequence order. Also writes the constructed vectors
listed below (RFC examples and invalid messages). No "expect" key: the lead
blesses expectations with the CLI."""
import json, os, struct, sys

def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl

def streams(path):
    """(conn id, direction) -> {seq: payload}, in first-seen order."""
    out = {}
    for frame in packets(path):
        if len(frame) < 14 or frame[12:14] != b'\x08\x00':
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        if ip[9] != 6:
            continue
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack('>HHI', tcp[:8])
        doff = (tcp[12] >> 4) * 4
        payload = tcp[doff:]
        if not payload:
            continue
        client = sport if dport == 80 else dport
        key = (client, 'request' if dport == 80 else 'response')
        out.setdefault(key, {})[seq] = payload
    return out

def write(dirpath, name, description, source, fmt, raw):
    with open(os.path.join(dirpath, name + '.json'), 'w') as f:
        json.dump({"description": description, "source": source, "format": fmt,
                   "hex": raw.hex()}, f, indent=2)
        f.write('\n')

def first_line(raw):
    return raw.split(b'\r\n', 1)[0].decode('latin-1')

def captured(pcap, dirpath):
    n = 0
    s = streams(pcap)
    for client in sorted({k[0] for k in s}):
        req_line = ''
        for kind in ('request', 'response'):
            segs = s.get((client, kind))
            if not segs:
                continue
            raw = b''.join(segs[k] for k in sorted(segs))
            n += 1
            line = first_line(raw)
            who = 'curl 7.88.1' if kind == 'request' else 'nginx 1.22.1'
            desc = f'{who}: {line}'
            if kind == 'request':
                req_line = line
            else:
                desc += f' (to {req_line})'
            slug = ''.join(ch if ch.isalnum() else '-' for ch in line.lower()).strip('-')
            while '--' in slug:
                slug = slug.replace('--', '-')
            write(dirpath, f'capture-{n:02}-{kind}-{slug[:40]}', desc,
                  f'captured with spec-vectors/http1/capture.sh ({who} in a network namespace)',
                  f'http1-{kind}', raw)

CONSTRUCTED = [
    # (name, description, source, format, bytes)
    ('httparse-bench-request', "httparse's browser-like benchmark request (10 fields)", 'httparse 1.10 benches/parse.rs', 'http1-request',
     b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\nHost: www.kittyhell.com\r\nUser-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: ja,en-us;q=0.7,en;q=0.3\r\nAccept-Encoding: gzip,deflate\r\nAccept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\nKeep-Alive: 115\r\nConnection: keep-alive\r\nCookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral|padding=under256\r\n\r\n"),
    ('httparse-bench-response-short', "httparse's short benchmark response", 'httparse 1.10 benches/parse.rs', 'http1-response',
     b"HTTP/1.0 200 OK\r\nDate: Wed, 21 Oct 2015 07:28:00 GMT\r\nSet-Cookie: session=60; user_id=1\r\n\r\n"),
    ('rfc9112-chunked-with-trailer', 'a chunked request body with an extension and a trailer field (RFC 9112 §7.1)', 'constructed', 'http1-request',
     b"POST /upload HTTP/1.1\r\nHost: www.example.test\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n4;ext=\"v\"\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"),
    ('response-until-close', 'a response without framing fields: the body runs until close (RFC 9112 §6.3 rule 8)', 'constructed', 'http1-response',
     b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes"),
    ('asterisk-form', 'OPTIONS * (RFC 9112 §3.2.4)', 'RFC 9112 §3.2.4', 'http1-request', b"OPTIONS * HTTP/1.1\r\nHost: www.example.test:8080\r\n\r\n"),
    ('authority-form', 'CONNECT authority-form (RFC 9112 §3.2.3)', 'RFC 9112 §3.2.3', 'http1-request', b"CONNECT www.example.test:443 HTTP/1.1\r\nHost: www.example.test:443\r\n\r\n"),
    ('absolute-form', 'absolute-form request to a proxy (RFC 9112 §3.2.2)', 'RFC 9112 §3.2.2', 'http1-request', b"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n"),
    ('invalid-cl-and-te', 'smuggling: Content-Length and Transfer-Encoding together', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
    ('invalid-differing-content-length', 'smuggling: two differing Content-Length lines', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"),
    ('invalid-te-chunked-identity', 'smuggling: Transfer-Encoding: chunked, identity', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
    ('invalid-space-before-colon', 'smuggling: "Transfer-Encoding : chunked" (RFC 9112 §5.1)', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
    ('invalid-obs-fold', 'smuggling: an obs-folded Transfer-Encoding (RFC 9112 §5.2)', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
    ('invalid-bare-cr', 'smuggling: a bare CR inside the head (RFC 9112 §2.2)', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ('invalid-nul-in-value', 'a NUL in a field value (RFC 9110 §5.5)', 'constructed', 'http1-request',
     b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n"),
    ('invalid-chunk-size-sign', 'smuggling: a chunk size with a sign', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n"),
    ('invalid-chunk-size-space', 'smuggling: a chunk size followed by a space', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n"),
    ('invalid-chunk-size-17-digits', 'smuggling: a 17-digit chunk size that wraps to 1 in 64 bits', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000001\r\nA\r\n0\r\n\r\n"),
    ('invalid-chunk-lf-only', 'smuggling: LF-only chunk lines', 'constructed', 'http1-request',
     b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n"),
    ('invalid-bare-lf-head', 'a head with LF line ends (accepted only with --lenient bare_lf)', 'constructed', 'http1-request',
     b"GET / HTTP/1.1\nHost: a\n\n"),
    ('invalid-http2-version', 'HTTP/2.0 in a request-line (505)', 'constructed', 'http1-request', b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
    ('invalid-truncated-body', 'a Content-Length longer than the bytes that follow', 'constructed', 'http1-response',
     b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
    ('invalid-status-code', 'a two-digit status code', 'constructed', 'http1-response', b"HTTP/1.1 20 OK\r\n\r\n"),
]

URLS = [
    ('url-full', 'every part: userinfo, IPv6 literal, port, dot segments, query, fragment', 'RFC 3986 §3',
     'http://user:pw@[2001:db8::1]:8080/a/./b/../c?q=1&r=%20#frag'),
    ('url-default-port', 'https without a port (default 443)', 'RFC 3986 §3.2.3', 'https://www.example.test/index.html'),
    ('url-ipv4', 'an IPv4 host', 'RFC 3986 §3.2.2', 'http://192.0.2.1/'),
    ('url-rfc3986-example', 'the RFC 3986 §1.1.2 example', 'RFC 3986 §1.1.2', 'ftp://ftp.is.co.za/rfc/rfc1808.txt'),
    ('url-invalid-port', 'a port past 65535', 'constructed', 'http://www.example.test:65536/'),
    ('url-invalid-host', 'a space in the host', 'constructed', 'http://www example.test/'),
    ('url-invalid-percent', "a '%' without two hex digits", 'constructed', 'http://www.example.test/%zz'),
]

def constructed(dirpath):
    for name, desc, src, fmt, raw in CONSTRUCTED:
        write(dirpath, name, desc, src, fmt, raw)
    for name, desc, src, url in URLS:
        write(dirpath, name, desc, src, 'url', url.encode())

if __name__ == '__main__':
    pcap, dirpath = sys.argv[1], sys.argv[2]
    captured(pcap, dirpath)
    constructed(dirpath)
    print('vectors written to', dirpath)
