#!/usr/bin/env python3
"""Turns the DNS messages of a pcap (Ethernet, IPv4, UDP or TCP port 53) into spec
vectors: capture-NN-<query>.json with the raw message as hex (TCP: without the
two-byte length prefix, which is noted in the description)."""
import json, struct, sys, os

def messages(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    pos = 24
    while pos + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + 'IIII', data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        if struct.unpack('>H', frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xf) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        proto = ip[9]
        l4 = ip[ihl:total]
        if proto == 17:
            yield 'udp', l4[8:]
        elif proto == 6:
            off = (l4[12] >> 4) * 4
            payload = l4[off:]
            while len(payload) >= 2:
                n = struct.unpack('>H', payload[:2])[0]
                if len(payload) < 2 + n:
                    break
                yield 'tcp', payload[2:2 + n]
                payload = payload[2 + n:]

def qname(msg):
    pos, labels = 12, []
    while pos < len(msg) and msg[pos] != 0 and msg[pos] < 64:
        labels.append(msg[pos + 1:pos + 1 + msg[pos]].decode('ascii', 'replace'))
        pos += 1 + msg[pos]
    qtype = struct.unpack('>H', msg[pos + 1:pos + 3])[0] if pos + 3 <= len(msg) else 0
    return '.'.join(labels) + '.', qtype

def main(pcap, out):
    for i, (transport, msg) in enumerate(messages(pcap), 1):
        if len(msg) < 12:
            continue
        name, qtype = qname(msg)
        kind = 'response' if msg[2] & 0x80 else 'query'
        server = 'dnsmasq' if 'example.test' in name or 'arpa' in name else 'BIND 9.18 named'
        slug = f"capture-{i:02d}-{kind}-{name.strip('.').replace('.', '-') or 'root'}-{qtype}"
        vec = {
            "description": f"dig {kind} for {name} type {qtype} over {transport.upper()}" +
                           (" (the 2-byte TCP length prefix removed)" if transport == 'tcp' else "") +
                           f", {'sent by dig 9.18' if kind == 'query' else 'from ' + server}",
            "source": "captured with spec-vectors/dns/capture.sh (dig, dnsmasq, BIND 9 named in network namespaces)",
            "format": "dns",
            "hex": msg.hex(),
        }
        with open(os.path.join(out, slug + '.json'), 'w') as f:
            json.dump(vec, f, indent=2)
            f.write('\n')

main(sys.argv[1], sys.argv[2])
