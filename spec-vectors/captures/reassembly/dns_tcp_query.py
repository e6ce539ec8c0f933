#!/usr/bin/env python3
"""Sends DNS queries over one TCP connection (RFC 1035 §4.2.2 length prefix) and
reads the answers. Usage: dns_tcp_query.py SERVER NAME [NAME...]; all queries are
written at once (pipelined), then every answer is read."""
import socket
import struct
import sys


def query(qid, name, qtype=16):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\x00" + struct.pack(">HH", qtype, 1)
    return struct.pack(">H", len(q)) + q


def read_exact(s, n):
    out = b""
    while len(out) < n:
        got = s.recv(n - len(out))
        if not got:
            raise EOFError
        out += got
    return out


server, names = sys.argv[1], sys.argv[2:]
s = socket.create_connection((server, 53))
s.sendall(b"".join(query(0x1000 + i, n) for i, n in enumerate(names)))
for _ in names:
    (n,) = struct.unpack(">H", read_exact(s, 2))
    msg = read_exact(s, n)
    print(f"answer id={msg[0]:02x}{msg[1]:02x} len={n}")
s.close()
