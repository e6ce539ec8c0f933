#!/usr/bin/env python3
"""Answers DNS queries over UDP (IPv4 and IPv6, port 53) with 120 A records and an
OPT record: about 2,000 octets, more than one Ethernet frame, so the kernel sends
the answer in fragments. Answers `count` queries (argv[1], default 2) and exits.
Written for capture.sh; the answer's shape is make.py's."""
import select
import socket
import struct
import sys

IP_MTU_DISCOVER, IP_PMTUDISC_DONT = 10, 0


def answer(query, count=120):
    ident = query[:2]
    # The question: from byte 12 to the end of its name, then type and class.
    end = query.index(b"\0", 12) + 5
    msg = ident + struct.pack("!HHHHH", 0x8180, 1, count, 0, 1) + query[12:end]
    for i in range(count):
        msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, i % 256])
    return msg + b"\x00" + struct.pack("!HHIH", 41, 4096, 0, 0)


def main():
    left = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v4.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
    v4.bind(("0.0.0.0", 53))
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    v6.bind(("::", 53))
    while left > 0:
        ready, _, _ = select.select([v4, v6], [], [], 10)
        if not ready:
            return
        for s in ready:
            query, peer = s.recvfrom(4096)
            s.sendto(answer(query), peer)
            left -= 1


if __name__ == "__main__":
    main()
