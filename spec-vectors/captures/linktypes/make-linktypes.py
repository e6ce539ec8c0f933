#!/usr/bin/env python3
"""Writes the text2pcap input (`*.txt`) for null.pcap, loop.pcap, ppp.pcap, ipv4.pcap,
ipv6.pcap and raw12.pcap: the IPv4 and IPv6 packets of sll.pcap, each behind the
link header of that link type, as text2pcap's hex dump. Then run ./make-linktypes.sh.

- null.txt  (LINKTYPE_NULL, 0): a 4-byte address family in the capturing host's byte
  order. The packets alternate little- and big-endian; IPv6 rotates through the three
  BSD values 24 (NetBSD/OpenBSD), 28 (FreeBSD) and 30 (Darwin).
- loop.txt  (LINKTYPE_LOOP, 108): the family in network byte order (OpenBSD: 2, 24).
- ppp.txt   (LINKTYPE_PPP, 9): address 0xff and control 0x03 on most packets; every
  third one without them (RFC 1661 address-and-control-field compression); protocol
  0x0021 (IPv4) or 0x0057 (IPv6), on every fourth packet as its single octet
  (RFC 1661 protocol-field compression).
- ipv4.txt / ipv6.txt (LINKTYPE_IPV4 228, LINKTYPE_IPV6 229): the bare packets.
- raw12.txt (link type 12, DLT_RAW on most BSDs): the bare packets.
"""
import struct
import sys
from datetime import datetime, timezone


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "expects a little-endian microsecond pcap"
    at = 24
    while at < len(data):
        sec, usec, incl, _orig = struct.unpack("<IIII", data[at : at + 16])
        yield sec, usec, data[at + 16 : at + 16 + incl]
        at += 16 + incl


def ip_packets(path):
    for sec, usec, frame in packets(path):
        protocol = struct.unpack(">H", frame[14:16])[0]
        if protocol in (0x0800, 0x86DD):
            yield sec, usec, protocol == 0x86DD, frame[16:]


def dump(out, sec, usec, data):
    when = datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    out.write(f"{when}.{usec:06d}\n")
    for off in range(0, len(data), 16):
        row = " ".join(f"{b:02x}" for b in data[off : off + 16])
        out.write(f"{off:06x}  {row}\n")
    out.write("\n")


def null_header(i, v6):
    family = [24, 28, 30][i % 3] if v6 else 2
    return struct.pack("<I" if i % 2 == 0 else ">I", family)


def loop_header(_i, v6):
    return struct.pack(">I", 24 if v6 else 2)


def ppp_header(i, v6):
    number = 0x0057 if v6 else 0x0021
    # Every fourth packet compresses the protocol field to its one odd octet.
    protocol = bytes([number]) if i % 4 == 3 else struct.pack(">H", number)
    return protocol if i % 3 == 2 else b"\xff\x03" + protocol


def bare(_i, _v6):
    return b""


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "sll.pcap"
    kinds = {
        "null": (null_header, None),
        "loop": (loop_header, None),
        "ppp": (ppp_header, None),
        "ipv4": (bare, False),
        "ipv6": (bare, True),
        "raw12": (bare, None),
    }
    for name, (header, only) in kinds.items():
        with open(f"{name}.txt", "w") as out:
            for i, (sec, usec, v6, ip) in enumerate(ip_packets(source)):
                if only is None or only == v6:
                    dump(out, sec, usec, header(i, v6) + ip)


main()
