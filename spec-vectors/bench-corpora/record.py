#!/usr/bin/env python3
"""Recorders for the bench corpora: each writes the raw bytes of one message per file.

  record.py http-server ADDR PORT OUTDIR
      Accepts HTTP/1.x connections; writes each request head (through the empty
      line) as OUTDIR/NNNN.http and answers 200 with a short body, then closes.
  record.py http-fetch HOST PORT OUT REQUEST-FILE
      Sends REQUEST-FILE (a raw request head, LF or CRLF line ends; LF becomes CRLF)
      and REQUEST-FILE.body when it exists to HOST:PORT and writes the response head (through the empty line) to OUT.
      `{etag}` / `{lastmod}` in the request are replaced from the ETag and
      Last-Modified of the response head in OUT.prev, when that file exists.
  record.py dns-proxy ADDR PORT UPSTREAM UPSTREAM-PORT OUTDIR
      A UDP and TCP DNS forwarder; writes each upstream response as
      OUTDIR/NNNN-udp.bin or NNNN-tcp.bin (TCP: without the 2-byte length).
  record.py dhcp-pcap PCAP OUTDIR PREFIX
      Writes the UDP payload of each port 67/68 datagram of an Ethernet pcap as
      OUTDIR/PREFIX-NN-<message type>.bin.
"""
import itertools
import os
import re
import socket
import socketserver
import struct
import sys
import threading

counter = itertools.count(1)
lock = threading.Lock()


def next_name(outdir, suffix):
    with lock:
        return os.path.join(outdir, f"{next(counter):04d}{suffix}")


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    end = data.find(b"\r\n\r\n")
    return data[: end + 4] if end >= 0 else data


def http_server(addr, port, outdir):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            head = read_head(self.request)
            if not head:
                return
            with open(next_name(outdir, ".http"), "wb") as f:
                f.write(head)
            body = b"recorded\n"
            self.request.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer((addr, int(port)), Handler) as srv:
        srv.serve_forever()


def http_fetch(host, port, out, request_file):
    req = open(request_file, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    prev = out + ".prev"
    if os.path.exists(prev):
        text = open(prev, "rb").read().decode("latin-1")
        for key, header in ((b"{etag}", "etag"), (b"{lastmod}", "last-modified")):
            m = re.search(rf"^{header}:\s*(.*?)\r$", text, re.I | re.M)
            if m:
                req = req.replace(key, m.group(1).encode("latin-1"))
    # A validator the 200 did not carry: leave that header out.
    req = b"".join(l for l in req.splitlines(keepends=True) if b"{etag}" not in l and b"{lastmod}" not in l)
    body_file = request_file + ".body"
    if os.path.exists(body_file):
        req += open(body_file, "rb").read()
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(req)
        head = read_head(s)
    if not head.endswith(b"\r\n\r\n"):
        sys.exit(f"{out}: no complete response head: {head[:80]!r}")
    with open(out, "wb") as f:
        f.write(head)


def dns_proxy(addr, port, upstream, uport, outdir):
    up = (upstream, int(uport))

    def udp_loop():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, int(port)))
        while True:
            query, client = s.recvfrom(65535)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.settimeout(3)
            try:
                u.sendto(query, up)
                answer, _ = u.recvfrom(65535)
            except OSError as e:
                print(f"dns-proxy udp: {e}", file=sys.stderr, flush=True)
                continue
            finally:
                u.close()
            with open(next_name(outdir, "-udp.bin"), "wb") as f:
                f.write(answer)
            s.sendto(answer, client)

    def recv_exact(sock, n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    class Tcp(socketserver.BaseRequestHandler):
        def handle(self):
            try:
                while True:
                    n = struct.unpack(">H", recv_exact(self.request, 2))[0]
                    query = recv_exact(self.request, n)
                    with socket.create_connection(up, timeout=3) as u:
                        u.sendall(struct.pack(">H", n) + query)
                        m = struct.unpack(">H", recv_exact(u, 2))[0]
                        answer = recv_exact(u, m)
                    with open(next_name(outdir, "-tcp.bin"), "wb") as f:
                        f.write(answer)
                    self.request.sendall(struct.pack(">H", m) + answer)
            except (EOFError, OSError):
                return

    threading.Thread(target=udp_loop, daemon=True).start()
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer((addr, int(port)), Tcp) as srv:
        srv.serve_forever()


DHCP_TYPES = {1: "discover", 2: "offer", 3: "request", 4: "decline", 5: "ack", 6: "nak",
              7: "release", 8: "inform"}


def dhcp_type(payload):
    pos = 240
    while pos + 1 < len(payload):
        code = payload[pos]
        if code == 0:
            pos += 1
            continue
        if code == 255:
            break
        length = payload[pos + 1]
        if code == 53 and length == 1:
            return DHCP_TYPES.get(payload[pos + 2], "type%d" % payload[pos + 2])
        pos += 2 + length
    return "bootp"


def dhcp_pcap(pcap, outdir, prefix):
    data = open(pcap, "rb").read()
    endian = "<" if struct.unpack("<I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    pos, n = 24, 0
    while pos + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[pos + 8 : pos + 12])[0]
        frame = data[pos + 16 : pos + 16 + caplen]
        pos += 16 + caplen
        if frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ip = frame[14:]
        l4 = ip[(ip[0] & 0xF) * 4 : struct.unpack(">H", ip[2:4])[0]]
        if struct.unpack(">H", l4[2:4])[0] not in (67, 68):
            continue
        payload = l4[8:]
        n += 1
        with open(os.path.join(outdir, f"{prefix}-{n:02d}-{dhcp_type(payload)}.bin"), "wb") as f:
            f.write(payload)


if __name__ == "__main__":
    commands = {"http-server": http_server, "http-fetch": http_fetch, "dns-proxy": dns_proxy,
                "dhcp-pcap": dhcp_pcap}
    commands[sys.argv[1]](*sys.argv[2:])
