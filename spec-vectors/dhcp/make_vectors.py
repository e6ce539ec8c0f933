#!/usr/bin/env python3
"""Writes the DHCP vectors: messages taken from real captures (pcap files given
on the command line or the shared one) and messages built from RFC examples.
Run: python3 make_vectors.py [../captures/real-traffic.pcap ...]"""
import json, struct, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = bytes([99, 130, 83, 99])

def dhcp_payloads(path):
    d = open(path, 'rb').read()
    le = d[:4] == b'\xd4\xc3\xb2\xa1'
    pos, n = 24, 0
    while pos + 16 <= len(d):
        _, _, cl, _ = struct.unpack('<IIII' if le else '>IIII', d[pos:pos + 16])
        pos += 16
        pkt = d[pos:pos + cl]
        pos += cl
        n += 1
        if len(pkt) > 42 and pkt[12:14] == b'\x08\x00' and pkt[23] == 17:
            u = 14 + (pkt[14] & 15) * 4
            sp, dp = struct.unpack('>HH', pkt[u:u + 4])
            if sp in (67, 68) and dp in (67, 68):
                yield n, pkt[u + 8:]

def header(op=1, xid=0x01020304, chaddr=b'\x02\x00\x00\x00\x00\x01', yiaddr=b'\0' * 4,
           sname=b'', file=b''):
    h = bytes([op, 1, len(chaddr), 0]) + struct.pack('>IHH', xid, 0, 0)
    h += b'\0' * 4 + yiaddr + b'\0' * 8
    h += chaddr.ljust(16, b'\0') + sname.ljust(64, b'\0') + file.ljust(128, b'\0')
    assert len(h) == 236
    return h + COOKIE

def pad(m):
    return m.ljust(300, b'\0')

def write(name, description, source, data):
    with open(os.path.join(HERE, name + '.json'), 'w') as f:
        json.dump({"description": description, "source": source, "format": "dhcp",
                   "hex": data.hex()}, f, indent=2)
        f.write('\n')

NAMES = {1: 'discover', 2: 'offer', 3: 'request', 5: 'ack', 7: 'release', 4: 'decline',
         6: 'nak', 8: 'inform'}

def from_captures(paths):
    for path in paths:
        tag = os.path.splitext(os.path.basename(path))[0]
        for n, p in dhcp_payloads(path):
            # option 53 is the first option in both dhclient's and dnsmasq's messages
            i = p.index(b'\x35\x01', 240)
            kind = NAMES.get(p[i + 2], 'type%d' % p[i + 2])
            write('%s-%s' % (tag, kind),
                  'DHCP%s from %s, packet %d of %s' % (kind.upper(), 'dhclient (isc-dhcp-client 4.4)' if p[0] == 1 else 'dnsmasq', n, os.path.basename(path)),
                  'captured with spec-vectors/captures/capture.sh' if tag == 'real-traffic' else 'captured with spec-vectors/dhcp/capture.sh (dnsmasq + dhclient in network namespaces)',
                  p)

def rfc_examples():
    # RFC 3442 §3 destination descriptors, each via router 10.0.0.1, plus a default route.
    routes = bytes([8, 10]) + bytes([24, 10, 0, 0]) + bytes([16, 10, 17]) \
        + bytes([24, 10, 27, 129]) + bytes([25, 10, 229, 0, 128]) + bytes([32, 10, 198, 122, 47])
    r = b''
    for i, d in enumerate([bytes([8, 10]), bytes([24, 10, 0, 0]), bytes([16, 10, 17]),
                           bytes([24, 10, 27, 129]), bytes([25, 10, 229, 0, 128]),
                           bytes([32, 10, 198, 122, 47]), bytes([0])]):
        r += d + bytes([10, 0, 0, 1])
    m = header(op=2, yiaddr=bytes([10, 0, 0, 10])) + bytes([53, 1, 5, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16, 121, len(r)]) + r + b'\xff'
    write('rfc3442-classless-routes', 'DHCPACK with option 121 holding the RFC 3442 §3 example destination descriptors (8.10, 24.10.0.0, 16.10.17, 24.10.27.129, 25.10.229.0.128, 32.10.198.122.47) and a default route (width 0), all via 10.0.0.1',
          'RFC 3442 §3, built by spec-vectors/dhcp/make_vectors.py', pad(m))
    # RFC 3397 §3: "eng.apple.com." and "marketing.apple.com." with a compression
    # pointer, split in three instances of 9 octets (RFC 3396).
    s = b'\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04'
    frags = b''.join(bytes([119, 9]) + s[i:i + 9] for i in range(0, 27, 9))
    m = header(op=2, yiaddr=bytes([10, 0, 0, 10])) + bytes([53, 1, 5]) + frags + b'\xff'
    write('rfc3397-domain-search', 'DHCPACK with option 119 from the RFC 3397 §3 example: eng.apple.com. and marketing.apple.com. (compression pointer to offset 4), split in three instances (RFC 3396)',
          'RFC 3397 §3, built by spec-vectors/dhcp/make_vectors.py', pad(m))
    # RFC 2131 §4.1 / RFC 2132 §9.3: overload = 3, options continue in file then sname.
    file = bytes([1, 4, 255, 255, 255, 0, 255])
    sname = bytes([3, 4, 10, 0, 0, 1, 255])
    m = header(op=2, yiaddr=bytes([10, 0, 0, 10]), sname=sname, file=file) + bytes([53, 1, 2, 52, 1, 3, 255])
    write('overload-file-sname', 'DHCPOFFER whose option 52 (value 3) continues the options in file (subnet mask) then sname (router)',
          'RFC 2131 §4.1, RFC 2132 §9.3, built by spec-vectors/dhcp/make_vectors.py', pad(m))
    # RFC 3046 relay agent information: circuit id and remote id, from a relay.
    m = header() + bytes([53, 1, 1, 82, 12, 1, 4, 0, 1, 0, 7, 2, 4, 0xc0, 0xa8, 0, 1, 255])
    write('relay-agent-information', 'DHCPDISCOVER relayed with option 82: circuit id 00010007, remote id c0a80001',
          'RFC 3046 §2.0, built by spec-vectors/dhcp/make_vectors.py', pad(m))

def bootp_header(op=2, xid=0x0badcafe, yiaddr=bytes([192, 0, 2, 10]), siaddr=bytes([192, 0, 2, 1]),
                 chaddr=b'\x02\x00\x00\x00\x00\x09', sname=b'bootserver', file=b'/tftpboot/vmunix'):
    """The 236-octet BOOTP header (RFC 951 §3), without a cookie."""
    h = bytes([op, 1, len(chaddr), 0]) + struct.pack('>IHH', xid, 3, 0)
    h += b'\0' * 4 + yiaddr + siaddr + b'\0' * 4
    h += chaddr.ljust(16, b'\0') + sname.ljust(64, b'\0') + file.ljust(128, b'\0')
    assert len(h) == 236
    return h

def lenient():
    # RFC 2131 §4.1 wants the end option; real senders leave it out and tshark
    # decodes such messages ("End option missing"). Accepted, and reported.
    ok = header() + bytes([53, 1, 1])
    write('lenient-missing-end', 'DHCPDISCOVER whose options stop after the message type without the end option (255): accepted, "end_option": false (RFC 2131 §4.1 asks for it; senders omit it, tshark accepts)',
          'hand-made', ok)
    # A DHCPOFFER of exactly 300 octets (RFC 1542 §2.1) whose last option, the
    # domain name, ends at the last octet of the UDP payload: no end, no pad.
    m = header(op=2, yiaddr=bytes([10, 0, 0, 10])) + bytes([53, 1, 2, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16,
                                                           1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1])
    domain = b'dhcp-vectors.lab01.example.test'
    m += bytes([15, len(domain)]) + domain
    assert len(m) == 300
    write('lenient-options-fill-payload', 'DHCPOFFER of 300 octets whose options run to the last octet of the UDP payload (the domain name ends there): no end option, no padding; accepted, "end_option": false',
          'hand-made', m)
    # RFC 2131 §4.1 / RFC 2132 §9.3: the overloaded file field holds a subnet mask
    # and a router, then pad to its end, without an end option.
    file = bytes([1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1])
    m = header(op=2, yiaddr=bytes([10, 0, 0, 10]), file=file) + bytes([53, 1, 2, 52, 1, 1, 255])
    write('lenient-overload-file-missing-end', 'DHCPOFFER whose option 52 (value 1) continues the options in file (subnet mask, router), which ends in pad without the end option: accepted, "end_option": false',
          'hand-made', pad(m))

def bootp():
    # RFC 951 §3: the 64-octet vendor area may hold anything; RFC 1497 vendor
    # extensions and DHCP options start it with 99.130.83.99, a BOOTP reply need not.
    vend = b'ACME' + bytes([1, 4, 255, 255, 255, 0]) + b'\0' * 54
    write('bootp-reply-vendor-area', 'BOOTREPLY (RFC 951) with server name, boot file, yiaddr and siaddr, whose 64-octet vendor area starts with a vendor magic number ("ACME") instead of the magic cookie: header decoded, "magic_cookie": false, the vendor area as hex, no options',
          'RFC 951 §3, built by spec-vectors/dhcp/make_vectors.py', bootp_header() + vend)
    ok = header() + bytes([53, 1, 1])
    bad = bytearray(pad(ok + b'\xff')); bad[236] = 0x63; bad[239] = 0x64
    write('bootp-bad-cookie', 'BOOTREQUEST whose vendor area starts 99.130.83.100, one off the magic cookie: a BOOTP message (RFC 951), so no options; "magic_cookie": false and the 64 octets as vendor hex',
          'hand-made', bytes(bad))
    write('bootp-header-only', 'BOOTREPLY of 236 octets: the header with no vendor area at all; "magic_cookie": false, "vendor": "" (tshark 4.0 reads a fixed 64-octet vendor area and calls this malformed)',
          'hand-made', bootp_header())

def invalid():
    ok = header() + bytes([53, 1, 1])
    write('invalid-short-header', 'invalid: 100 octets, shorter than the 236-octet BOOTP header', 'hand-made', ok[:100])
    write('invalid-option-past-end', 'invalid: host name option says 10 octets, 3 remain', 'hand-made', ok + bytes([12, 10, 97, 98, 99]))
    write('invalid-option-length-missing', 'invalid: the last octet is an option code without its length', 'hand-made', ok + bytes([12]))
    write('invalid-overload-reused', 'invalid: option 52 inside the overloaded file field points at a field already used',
          'hand-made', pad(header(file=bytes([52, 1, 1, 255])) + bytes([53, 1, 1, 52, 1, 1, 255])))
    write('invalid-subnet-mask-length', 'invalid: subnet mask with length 3', 'hand-made', pad(ok + bytes([1, 3, 255, 255, 255, 255])))
    write('invalid-route-width', 'invalid: option 121 with a subnet mask width of 33', 'hand-made', pad(ok + bytes([121, 9, 33, 1, 2, 3, 4, 10, 0, 0, 1, 255])))

if __name__ == '__main__':
    from_captures(sys.argv[1:] or [os.path.join(HERE, '../captures/real-traffic.pcap')])
    rfc_examples()
    lenient()
    bootp()
    invalid()
