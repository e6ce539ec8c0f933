#!/usr/bin/env python3
"""Writes mixed.pcapng: two sections whose interfaces have different link types,
timestamp resolutions (pcapng if_tsresol) and offsets (if_tsoffset), with their
packets interleaved. Every packet keeps the time it has in the pcap it comes from,
so a reader that applies if_tsresol and if_tsoffset right prints the same times.

Section 1:
  interface 0: LINKTYPE_LINUX_SLL2 (276), if_tsresol 9 (ns), if_tsoffset +1700000000 s
               <- sll2.pcap
  interface 1: LINKTYPE_NULL (0), no options (microseconds, no offset) <- null.pcap
  interface 2: LINKTYPE_PPP (9), if_tsresol 0x94 (2^-20 s), if_tsoffset +86400 s
               <- ppp.pcap
Section 2 (numbers its interfaces from 0 again):
  interface 0: LINKTYPE_IPV4 (228), if_tsresol 3 (ms), if_tsoffset -1000 s (the
               draft makes it signed) <- ipv4.pcap

Run from this folder after the pcaps exist: python3 make-pcapng.py
"""
import struct


def pcap_packets(path):
    with open(path, "rb") as f:
        data = f.read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4
    at = 24
    while at < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[at : at + 16])
        yield sec * 1_000_000 + usec, orig, data[at + 16 : at + 16 + incl]
        at += 16 + incl


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def block(kind, body):
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def option(code, value):
    return struct.pack("<HH", code, len(value)) + pad(value)


def section_header():
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def interface(linktype, tsresol=None, tsoffset=None):
    opts = b""
    if tsresol is not None:
        opts += option(9, bytes([tsresol]))
    if tsoffset is not None:
        opts += option(14, struct.pack("<q", tsoffset))
    if opts:
        opts += option(0, b"")
    return block(1, struct.pack("<HHI", linktype, 0, 0) + opts)


def units_per_second(tsresol):
    return 2 ** (tsresol & 0x7F) if tsresol & 0x80 else 10**tsresol


def enhanced_packet(iface, micros, orig, data, tsresol, tsoffset):
    """The raw count for `micros` since the epoch, in the interface's unit, after
    taking its offset off (exact for decimal units; floor for binary ones)."""
    per = units_per_second(tsresol)
    count = (micros - tsoffset * 1_000_000) * per // 1_000_000
    body = struct.pack("<IIIII", iface, count >> 32, count & 0xFFFFFFFF, len(data), orig)
    return block(6, body + pad(data))


def main():
    # (interface, source, tsresol, tsoffset) of section 1; None = the option is absent.
    section1 = [
        (276, "sll2.pcap", 9, 1_700_000_000),
        (0, "null.pcap", None, None),
        (9, "ppp.pcap", 0x94, 86_400),
    ]
    out = section_header()
    streams = []
    for iface, (linktype, source, tsresol, tsoffset) in enumerate(section1):
        out += interface(linktype, tsresol, tsoffset)
        packets = list(pcap_packets(source))[:8]
        streams.append([(iface, p, tsresol or 6, tsoffset or 0) for p in packets])
    # Interleave: one packet of each interface in turn.
    for i in range(max(len(s) for s in streams)):
        for s in streams:
            if i < len(s):
                iface, (micros, orig, data), tsresol, tsoffset = s[i]
                out += enhanced_packet(iface, micros, orig, data, tsresol, tsoffset)
    out += section_header()
    out += interface(228, 3, -1000)
    for micros, orig, data in list(pcap_packets("ipv4.pcap"))[:4]:
        # Millisecond resolution: the time is the source's, cut to milliseconds.
        out += enhanced_packet(0, micros, orig, data, 3, -1000)
    with open("mixed.pcapng", "wb") as f:
        f.write(out)


main()
