#!/usr/bin/env python3
"""Writes fragments.pcap: IP fragments in the orders and shapes a defragmenter must
handle, built byte by byte (no traffic is sent). Every datagram is a real ICMP echo,
ICMPv6 echo or DNS-over-UDP answer with correct checksums unless said otherwise.

Frames, in order (see README.md):
  A  IPv4 echo in 3 fragments, the last first, then the middle, then the first
  B  IPv4 echo, the middle fragment sent twice (an exact duplicate)
  C  IPv4 echo, a 16-octet fragment of other octets at 1472 overlapping both
     neighbours, sent after them (tshark's order, by offset, lets it win at 1480..1488)
  E  IPv4 echo, an 8-octet fragment of other octets at 8, inside the first, sent after it
  F  IPv6 echo in 3 fragments, middle, last, first
  G  IPv6 echo, an overlapping fragment of other octets (RFC 5722: abandoned)
  H  IPv6 echo, the first fragment sent twice (an exact duplicate)
  I  IPv4 DNS answer over UDP of 2,000+ octets in 2 fragments
  J  IPv6 DNS answer over UDP in 2 fragments
  K  two IPv4 echoes with their fragments interleaved
  L  IPv4 fragment whose end passes 65,535 octets of total length, after a first
  M  IPv4 UDP datagram in 2 fragments with a wrong UDP checksum

and tcp-fragments.pcap: a DNS answer over TCP in two segments, the first of which
is sent in 2 IPv4 fragments (stream reassembly must see the datagram whole).
"""
import struct
import sys

SRC4, DST4 = bytes([10, 1, 0, 1]), bytes([10, 1, 0, 2])
SRC6 = bytes.fromhex("fd010000000000000000000000000001")
DST6 = bytes.fromhex("fd010000000000000000000000000002")
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(ethertype, payload):
    return MAC_B + MAC_A + struct.pack("!H", ethertype) + payload


def ipv4_frag(ident, proto, offset, more, data):
    flags = (0x2000 if more else 0) | (offset // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), ident, flags, 64, proto, 0, SRC4, DST4)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth(0x0800, h + data)


def ipv6_frag(ident, nxt, offset, more, data):
    frag = struct.pack("!BBHI", nxt, 0, offset | (1 if more else 0), ident)
    h = struct.pack("!IHBB16s16s", 0x60000000, len(frag) + len(data), 44, 64, SRC6, DST6)
    return eth(0x86DD, h + frag + data)


def echo4(ident, size):
    data = bytes(i % 256 for i in range(size))
    m = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def pseudo6(nxt, length):
    return SRC6 + DST6 + struct.pack("!IxxxB", length, nxt)


def echo6(ident, size):
    data = bytes((i * 7) % 256 for i in range(size))
    m = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + data
    c = csum(pseudo6(58, len(m)) + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def dns_answer(ident, count):
    """A response to `big.example. A` with `count` A records (EDNS, 4096)."""
    q = b"\x03big\x07example\x00" + struct.pack("!HH", 1, 1)
    msg = struct.pack("!HHHHHH", ident, 0x8180, 1, count, 0, 1) + q
    for i in range(count):
        msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, i % 256])
    msg += b"\x00" + struct.pack("!HHIH", 41, 4096, 0, 0)
    return msg


def udp(sport, dport, payload, pseudo, bad=False):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(pseudo(len(u)) + u) or 0xFFFF
    if bad:
        c ^= 0x5A5A
    return u[:6] + struct.pack("!H", c) + u[8:]


def pseudo4(length):
    return SRC4 + DST4 + struct.pack("!BBH", 0, 17, length)


def tcp(sport, dport, seq, payload, flags=0x18):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 65535, 0, 0) + payload
    c = csum(SRC4 + DST4 + struct.pack("!BBH", 0, 6, len(t)) + t)
    return t[:16] + struct.pack("!H", c) + t[18:]


def split(data, size):
    return [(o, data[o:o + size]) for o in range(0, len(data), size)]


def v4(ident, proto, datagram, size=1480, order=None):
    parts = split(datagram, size)
    last = len(parts) - 1
    frames = [ipv4_frag(ident, proto, o, i != last, d) for i, (o, d) in enumerate(parts)]
    return [frames[i] for i in (order or range(len(frames)))]


def v6(ident, nxt, datagram, size=1448, order=None):
    parts = split(datagram, size)
    last = len(parts) - 1
    frames = [ipv6_frag(ident, nxt, o, i != last, d) for i, (o, d) in enumerate(parts)]
    return [frames[i] for i in (order or range(len(frames)))]


def main(out):
    frames = []
    # A: last first.
    frames += v4(0x0A01, 1, echo4(0xA, 3000), order=[2, 1, 0])
    # B: an exact duplicate of the middle fragment.
    frames += v4(0x0B01, 1, echo4(0xB, 3000), order=[0, 1, 1, 2])
    # C: other octets at 1472..1488 after both neighbours.
    c = v4(0x0C01, 1, echo4(0xC, 3000))
    frames += c[:2] + [ipv4_frag(0x0C01, 1, 1472, True, b"\xee" * 16)] + c[2:]
    # E: other octets at 8..16, inside the first fragment, after it.
    e = v4(0x0E01, 1, echo4(0xE, 3000))
    frames += e[:1] + [ipv4_frag(0x0E01, 1, 8, True, b"\xdd" * 8)] + e[1:]
    # F: IPv6, middle, last, first.
    frames += v6(0x0F000001, 58, echo6(0xF, 3000), order=[1, 2, 0])
    # G: IPv6, an overlap of other octets: RFC 5722 abandons the datagram.
    g = v6(0x01000001, 58, echo6(0x10, 3000))
    frames += g[:1] + [ipv6_frag(0x01000001, 58, 8, True, b"\xcc" * 16)] + g[1:]
    # H: IPv6, the first fragment twice.
    frames += v6(0x02000001, 58, echo6(0x11, 3000), order=[0, 0, 1, 2])
    # I: DNS over UDP, IPv4.
    frames += v4(0x1101, 17, udp(53, 40000, dns_answer(0x1111, 120), pseudo4))
    # J: DNS over UDP, IPv6.
    frames += v6(0x03000001, 17, udp(53, 40001, dns_answer(0x2222, 120), lambda n: pseudo6(17, n)))
    # K: two echoes interleaved.
    k1, k2 = v4(0x1201, 1, echo4(0x12, 2000)), v4(0x1202, 1, echo4(0x13, 2000))
    frames += [k1[0], k2[0], k2[1], k1[1]]
    # L: a first fragment, then one whose end passes 65,535 octets of total length.
    frames += [v4(0x1301, 1, echo4(0x14, 3000))[0], ipv4_frag(0x1301, 1, 65512, False, b"\0" * 8)]
    # M: a wrong UDP checksum over the whole datagram.
    frames += v4(0x1401, 17, udp(40002, 9999, b"x" * 2000, pseudo4, bad=True))

    write(out, frames)
    # A DNS answer over TCP from port 53: a segment of its first 1,700 octets in
    # two IPv4 fragments, then a segment of the rest.
    msg = dns_answer(0x3333, 120)
    msg = struct.pack("!H", len(msg)) + msg
    first, rest = msg[:1700], msg[1700:]
    tcp_frames = v4(0x1501, 6, tcp(53, 40003, 1000, first))
    tcp_frames += v4(0x1502, 6, tcp(53, 40003, 1000 + len(first), rest))
    write(out.replace("fragments.pcap", "tcp-fragments.pcap"), tcp_frames)


def write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1_800_000_000 + i, 0, len(fr), len(fr)) + fr)
    print(f"{path}: {len(frames)} frames")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fragments.pcap")
