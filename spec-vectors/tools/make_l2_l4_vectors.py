#!/usr/bin/env python3
"""Writes the link-, network- and transport-layer spec vectors.

Real traffic comes from ../captures/real-traffic.pcap (recorded by capture.sh);
the rest is constructed here, each with the RFC it follows or the rule it breaks.
Only bytes and descriptions are written: `cargo xtask vectors --bless` fills in
each vector's "expect" from `wirestate parse`, and those are reviewed before commit.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CAPTURE = os.path.join(ROOT, "captures", "real-traffic.pcap")
SOURCE = "spec-vectors/captures/real-traffic.pcap (capture.sh: dnsmasq, dhclient, dig, nginx, curl, ping in network namespaces), packet %d"


def frames():
    data = open(CAPTURE, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
    off, out = 24, []
    while off < len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        out.append(data[off:off + caplen])
        off += caplen
    return out


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def write(fmt, name, description, source, data):
    d = os.path.join(ROOT, fmt if fmt not in ("frame", "raw-ip") else "frames")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name + ".json")
    old = {}
    if os.path.exists(path):
        old = json.load(open(path))
    v = {"description": description, "source": source, "format": fmt, "hex": data.hex()}
    if old.get("hex") == v["hex"] and "expect" in old:
        v["expect"] = old["expect"]
    with open(path, "w") as f:
        json.dump(v, f, indent=2)
        f.write("\n")


def tagged(frame, tags):
    out = frame[:12]
    for tpid, tci in tags:
        out += struct.pack("!HH", tpid, tci)
    return out + frame[12:]


def ipv4(payload, proto, src=b"\x0a\x00\x00\x01", dst=b"\x0a\x00\x00\x02", options=b"", flags_frag=0x4000, ident=0x1234):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload), ident, flags_frag, 64, proto, 0, src, dst) + options
    h = h[:10] + struct.pack("!H", checksum(h)) + h[12:]
    return h + payload


def main():
    f = frames()
    real = {
        # name: (packet number, description)
        "mldv2-report-behind-hop-by-hop": (1, "MLDv2 report from the kernel: IPv6 hop-by-hop header with a router alert, then ICMPv6 type 143"),
        "router-solicitation": (4, "ICMPv6 router solicitation with a source link-layer address option"),
        "ndp-neighbor-solicitation": (10, "ICMPv6 neighbour solicitation to a solicited-node multicast address"),
        "ndp-neighbor-advertisement": (11, "ICMPv6 solicited neighbour advertisement with a target link-layer option"),
        "ndp-router-advertisement": (12, "dnsmasq's router advertisement: prefix information, MTU and source link-layer options"),
        "dhcp-discover": (16, "dhclient's DHCPDISCOVER, broadcast UDP 68 -> 67 (the DHCP body is the payload here)"),
        "arp-request": (17, "ARP request from dnsmasq, broadcast"),
        "arp-reply": (26, "ARP reply from the kernel"),
        "icmp-echo-request": (27, "ping: ICMP echo request with 56 data bytes"),
        "icmp-echo-reply": (28, "ICMP echo reply"),
        "dns-query-udp": (31, "dig: A query for www.example.test over UDP with an EDNS OPT record"),
        "dns-response-udp": (32, "dnsmasq: the A answer"),
        "tcp-syn-linux": (37, "dig +tcp: Linux SYN with MSS, SACK-permitted, timestamps, NOP, window scale"),
        "tcp-syn-ack-linux": (38, "Linux SYN-ACK"),
        "dns-over-tcp-query": (40, "dig +tcp: the query segment (two-byte length prefix, then the DNS message)"),
        "http-get": (52, "curl: GET / over IPv4"),
        "http-response": (54, "nginx: 200 OK with a 17-byte body"),
        "tcp-full-size-segment": (64, "nginx: a full-size segment of a 3000-byte body"),
        "tcp-fin-ack": (56, "curl: FIN+ACK"),
        "ipv6-tcp-syn": (75, "curl over IPv6: SYN"),
        "ipv6-http-get": (78, "curl: GET / over IPv6"),
        "icmpv6-echo-request": (85, "ping -6: ICMPv6 echo request"),
        "udp-to-closed-port": (87, "bash /dev/udp: a datagram to port 9"),
        "icmp-port-unreachable": (88, "the kernel's port unreachable, quoting the IPv4 and UDP headers"),
    }
    for name, (n, desc) in real.items():
        write("frame", name, desc, SOURCE % n, f[n - 1])

    def real_layer(fmt, name, n, start, end, desc):
        frame = f[n - 1]
        write(fmt, name, desc, SOURCE % n + " (bytes %d..%d)" % (start, end if end else len(frame)), frame[start:end] if end else frame[start:])

    real_layer("ethernet", "arp-request-frame", 17, 0, None, "the Ethernet header of a broadcast ARP request")
    real_layer("ethernet", "ipv6-multicast-frame", 1, 0, None, "Ethernet to an IPv6 multicast MAC (33:33:...)")
    real_layer("arp", "request", 17, 14, None, "ARP request: who has 10.99.0.146, tell 10.99.0.1")
    real_layer("arp", "reply", 26, 14, None, "ARP reply: 10.99.0.1 is at 02:00:00:00:00:01")
    real_layer("ipv4", "udp-dns-query", 31, 14, None, "IPv4 header (DF, TTL 64) over a UDP DNS query")
    real_layer("ipv4", "icmp-port-unreachable", 88, 14, None, "IPv4 from the kernel carrying an ICMP error (TOS 0xc0)")
    real_layer("ipv6", "mldv2-hop-by-hop", 1, 14, None, "IPv6 with a hop-by-hop header (router alert, PadN) before ICMPv6")
    real_layer("ipv6", "tcp-syn", 75, 14, None, "IPv6 carrying a TCP SYN")
    real_layer("icmpv4", "echo-request", 27, 34, None, "ICMP echo request, id and sequence, 56 data bytes")
    real_layer("icmpv4", "port-unreachable", 88, 34, None, "ICMP destination unreachable (port) quoting IPv4 + UDP")
    real_layer("icmpv6", "router-advertisement", 12, 54, None, "RA with prefix, MTU and link-layer options (no IPv6 header: checksum_ok is null)")
    real_layer("icmpv6", "neighbor-solicitation", 10, 54, None, "NS with a source link-layer option")
    real_layer("udp", "dns-query", 31, 34, None, "UDP header of a DNS query (no IP header: checksum_ok is null)")
    real_layer("tcp", "syn-with-options", 37, 34, None, "Linux SYN: MSS 1220, SACK-permitted, timestamps, NOP, window scale 10")
    real_layer("tcp", "http-get-segment", 52, 34, None, "PSH+ACK with NOP, NOP, timestamps and 73 bytes of HTTP")

    echo = f[27 - 1]
    write("frame", "vlan-802.1q-tag", "the ping request with an 802.1Q tag (PCP 1, VID 100) inserted; constructed (this sandbox's kernel has no 8021q module)",
          "constructed from " + SOURCE % 27, tagged(echo, [(0x8100, 0x2064)]))
    write("frame", "vlan-qinq", "IEEE 802.1ad QinQ: S-tag 0x88a8 VID 200 around C-tag 0x8100 VID 100; constructed",
          "constructed from " + SOURCE % 27, tagged(echo, [(0x88A8, 200), (0x8100, 100)]))
    write("frame", "vlan-five-tags-malformed", "five stacked VLAN tags: more than wirestate slices (4), malformed at the fifth",
          "constructed", tagged(echo, [(0x88A8, 1), (0x8100, 2), (0x8100, 3), (0x8100, 4), (0x8100, 5)]))
    write("frame", "ethernet-8023-length", "an IEEE 802.3 frame: the type field is a length (<= 1500), left as payload",
          "constructed", bytes.fromhex("0180c200000002000000000100264242030000000000") + bytes(30))
    write("frame", "ipv4-truncated-by-total-length", "IPv4 whose total length runs 10 bytes past the frame",
          "constructed from " + SOURCE % 27, echo[:-10])
    # IPv4 options: record route (RFC 791 §3.1) and router alert (RFC 2113).
    rr = bytes([7, 11, 4]) + b"\0" * 8
    ra = bytes([0x94, 4, 0, 0])
    opts = rr + bytes([1]) + ra  # 11 + 1 + 4 = 16
    icmp = bytes([8, 0, 0, 0, 0x12, 0x34, 0, 1]) + b"ping"
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    write("ipv4", "options-record-route-router-alert", "IPv4 with record route (RFC 791 §3.1: two empty slots, pointer 4), NOP and router alert (RFC 2113)",
          "constructed", ipv4(icmp, 1, options=opts))
    write("ipv4", "fragment-more-fragments", "the first fragment of a datagram (MF set, offset 0): no transport is sliced",
          "constructed", ipv4(b"\0" * 16, 17, flags_frag=0x2000))
    write("ipv4", "fragment-offset-1480", "a later fragment: offset 1480 bytes (field 185)", "constructed", ipv4(b"\0" * 16, 17, flags_frag=185))
    good = ipv4(icmp, 1)
    write("ipv4", "ihl-below-5", "IHL 4: RFC 791 requires at least 5", "constructed", bytes([0x44]) + good[1:])
    write("ipv4", "version-6-in-ipv4", "version nibble 6 in an IPv4 parse", "constructed", bytes([0x65]) + good[1:])
    write("ipv4", "total-length-past-end", "total length 100 over a 32-byte buffer", "constructed", good[:2] + struct.pack("!H", 100) + good[4:])
    write("ipv4", "total-length-below-header", "total length 16, less than the 20-byte header", "constructed", good[:2] + struct.pack("!H", 16) + good[4:])
    write("ipv4", "bad-header-checksum", "a header checksum off by one: decoded, checksum_ok false", "constructed", good[:10] + struct.pack("!H", (struct.unpack("!H", good[10:12])[0] + 1) & 0xFFFF) + good[12:])
    write("ipv4", "option-length-zero", "an option with length 0 (RFC 791: the length counts the type and length octets)",
          "constructed", ipv4(icmp, 1, options=bytes([0x82, 0, 0, 0])))
    # IPv6: hop-by-hop must come first (RFC 8200 §4.1).
    mld = f[1 - 1][14:]
    nh_hbh_late = bytearray(mld)
    nh_hbh_late[6] = 60  # destination options first, then the HBH header's bytes again claim to be HBH
    hdr = bytes([0, 0, 1, 2, 0, 0, 0, 0])  # dest opts whose next header is 0 (hop-by-hop): not allowed
    late = bytearray(mld[:40] + hdr + mld[40:])
    late[6] = 60
    late[4:6] = struct.pack("!H", len(late) - 40)
    write("ipv6", "hop-by-hop-not-first", "a hop-by-hop header after a destination options header: RFC 8200 §4.1 forbids it",
          "constructed from " + SOURCE % 1, bytes(late))
    frag = bytes([17, 0, 0, 1, 0, 0, 0, 7])  # fragment: next UDP, offset 0, M=1, id 7
    dst = bytes([44, 0, 1, 4, 0, 0, 0, 0])  # destination options: next fragment, PadN(4)
    udp = struct.pack("!HHHH", 5353, 53, 8, 0)
    payload = dst + frag + udp
    ip6 = struct.pack("!IHBB", 0x60000000, len(payload), 60, 64) + bytes.fromhex("fd990000000000000000000000000002") + bytes.fromhex("fd990000000000000000000000000001") + payload
    write("ipv6", "destination-options-then-fragment", "IPv6 with destination options (PadN) then a first fragment (M=1): extension headers walked, no transport",
          "constructed", ip6)
    write("ipv6", "payload-length-past-end", "payload length 64 over 16 bytes of payload", "constructed", ip6[:4] + struct.pack("!H", 64) + ip6[6:])
    # TCP.
    syn = f[37 - 1][34:]
    write("tcp", "data-offset-below-5", "data offset 4 words: RFC 9293 §3.1 requires at least 5", "constructed from " + SOURCE % 37, syn[:12] + bytes([0x40 | (syn[12] & 0x0F)]) + syn[13:])
    write("tcp", "option-length-zero", "an option of kind 8 with length 0 in a SYN", "constructed from " + SOURCE % 37, syn[:20] + bytes([8, 0]) + syn[22:])
    write("tcp", "options-past-data-offset", "data offset 15 words over a 40-byte header", "constructed from " + SOURCE % 37, syn[:12] + bytes([0xF0 | (syn[12] & 0x0F)]) + syn[13:])
    sack = struct.pack("!HHIIBBH", 80, 42214, 1000, 2000, 0x80, 0x10, 512) + struct.pack("!HH", 0, 0)
    sack += bytes([1, 1, 5, 18]) + struct.pack("!IIII", 3000, 4000, 5000, 6000) + bytes([1, 1, 0, 0])
    sack = sack[:12] + bytes([(len(sack) // 4) << 4]) + sack[13:]
    write("tcp", "ack-with-two-sack-blocks", "an ACK with two SACK blocks (RFC 2018 §3), NOP-padded", "constructed", sack)
    # UDP.
    q = f[31 - 1][34:]
    write("udp", "length-below-header", "UDP length 7: RFC 768 counts the 8-byte header", "constructed from " + SOURCE % 31, q[:4] + struct.pack("!H", 7) + q[6:])
    write("udp", "length-past-end", "UDP length 200 over a 65-byte datagram", "constructed from " + SOURCE % 31, q[:4] + struct.pack("!H", 200) + q[6:])
    write("udp", "truncated-header", "six bytes: less than a UDP header", "constructed", q[:6])
    # ARP and Ethernet errors.
    write("arp", "truncated-addresses", "an ARP packet cut inside its addresses", "constructed from " + SOURCE % 17, f[17 - 1][14:14 + 20])
    write("arp", "non-ethernet-hardware", "ARP over hardware type 6 (IEEE 802) with 6-byte addresses: decoded generically",
          "constructed from " + SOURCE % 17, f[17 - 1][14:15] + bytes([6]) + f[17 - 1][16:])
    write("ethernet", "truncated-header", "ten bytes: less than an Ethernet header", "constructed", f[17 - 1][:10])
    # ICMPv6 with a zero-length NDP option (RFC 4861 §4.6: such packets must be discarded).
    ns = bytearray(f[10 - 1][54:])
    ns[25] = 0
    write("icmpv6", "ndp-option-length-zero", "a neighbour solicitation whose link-layer option has length 0 (RFC 4861 §4.6)",
          "constructed from " + SOURCE % 10, bytes(ns))


if __name__ == "__main__":
    main()
