#!/usr/bin/env python3
"""Sends one multicast DNS query from port 5353 asking for a unicast response
(the QU bit, RFC 6762 section 5.4) for NAME's A and AAAA records, and waits a
moment for the answers. avahi-daemon answers it; the capture records both.
Usage: qu_query.py NAME [GROUP]  (GROUP 224.0.0.251 by default, or ff02::fb%IFACE)."""
import socket
import struct
import sys
import time

name = sys.argv[1]
group = sys.argv[2] if len(sys.argv) > 2 else "224.0.0.251"
qname = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
header = struct.pack("!HHHHHH", 0, 0, 2, 0, 0, 0)
# A with the unicast-response bit, AAAA without it (a QM question).
question = qname + struct.pack("!HH", 1, 0x8001) + qname + struct.pack("!HH", 28, 0x0001)
family = socket.AF_INET6 if ":" in group else socket.AF_INET
sock = socket.socket(family, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", 5353))
if family == socket.AF_INET6:
    addr, _, iface = group.partition("%")
    sock.sendto(header + question, (addr, 5353, 0, socket.if_nametoindex(iface)))
else:
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    sock.sendto(header + question, (group, 5353))
sock.settimeout(1.0)
deadline = time.time() + 1.5
while time.time() < deadline:
    try:
        sock.recvfrom(9000)
    except socket.timeout:
        break
