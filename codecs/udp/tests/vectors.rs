//! DNS queries in UDP over IPv4 and IPv6, whole IP packets included, with their
//! checksums checked three ways: the bytes as given, a word-by-word sum written here
//! from the RFC 768 / RFC 8200 §8.1 definition, and the crate's own computation.
//!
//! The packets were built carefully by hand (and their checksums cross-checked with
//! an independent script) in the shape `dig @192.168.1.1 example.com A` and
//! `dig @2001:db8::53 example.com AAAA` produce: DNS id 0x1a2b, flags 0x0100 (RD),
//! one question, no EDNS. Addresses are private / documentation ranges (RFC 1918,
//! RFC 3849).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use wirestate_udp::{Datagram, Repr};
use wirestate_wire::checksum;

/// IPv4 (20 bytes, checksum 0x7ab1) + UDP 54321 -> 53, length 37, checksum 0xbdee.
const V4_PACKET: [u8; 57] = [
    0x45, 0x00, 0x00, 0x39, 0x3c, 0x4d, 0x40, 0x00, 0x40, 0x11, 0x7a, 0xb1, // IPv4
    0xc0, 0xa8, 0x01, 0x64, 0xc0, 0xa8, 0x01, 0x01, // 192.168.1.100 -> 192.168.1.1
    0xd4, 0x31, 0x00, 0x35, 0x00, 0x25, 0xbd, 0xee, // UDP
    0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // DNS header
    0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x03, b'c', b'o', b'm', 0x00, // QNAME
    0x00, 0x01, 0x00, 0x01, // A, IN
];

/// IPv6 (40 bytes) + UDP 54321 -> 53, length 37, checksum 0xc9df.
const V6_PACKET: [u8; 77] = [
    0x60, 0x00, 0x00, 0x00, 0x00, 0x25, 0x11, 0x40, // IPv6: payload 37, UDP, hop limit 64
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, // 2001:db8::100
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x53, // 2001:db8::53
    0xd4, 0x31, 0x00, 0x35, 0x00, 0x25, 0xc9, 0xdf, // UDP
    0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // DNS header
    0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x03, b'c', b'o', b'm', 0x00, // QNAME
    0x00, 0x1c, 0x00, 0x01, // AAAA, IN
];

const V4_SRC: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 100));
const V4_DST: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));
const V6_SRC: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x100));
const V6_DST: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53));

/// The RFC 1071 definition, one big-endian word at a time, odd byte padded with 0.
fn definition_checksum(bytes: &[u8]) -> u16 {
    let mut acc: u32 = 0;
    for pair in bytes.chunks(2) {
        acc += u32::from(pair[0]) << 8 | u32::from(pair.get(1).copied().unwrap_or(0));
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The RFC 768 pseudo-header (src, dst, zero, protocol, UDP length) then the
/// datagram with its checksum field zeroed.
fn v4_checksum_by_definition(udp: &[u8]) -> u16 {
    let mut b = vec![192, 168, 1, 100, 192, 168, 1, 1, 0, 17];
    b.extend_from_slice(&(udp.len() as u16).to_be_bytes());
    b.extend_from_slice(&udp[..6]);
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&udp[8..]);
    definition_checksum(&b)
}

/// The RFC 8200 §8.1 pseudo-header (src, dst, 32-bit length, 3 zeros, next header).
fn v6_checksum_by_definition(udp: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
    let mut b = vec![];
    b.extend_from_slice(&src.octets());
    b.extend_from_slice(&dst.octets());
    b.extend_from_slice(&(udp.len() as u32).to_be_bytes());
    b.extend_from_slice(&[0, 0, 0, 17]);
    b.extend_from_slice(&udp[..6]);
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&udp[8..]);
    definition_checksum(&b)
}

#[test]
fn ipv4_header_of_the_capture_is_consistent() {
    // The enclosing IPv4 header checksums to zero, so the capture was built right.
    assert_eq!(checksum::checksum(&V4_PACKET[..20]), 0);
    assert_eq!(usize::from(u16::from_be_bytes([V4_PACKET[2], V4_PACKET[3]])), V4_PACKET.len());
}

#[test]
fn dns_query_over_ipv4_checks_out() {
    let udp = &V4_PACKET[20..];
    assert_eq!(v4_checksum_by_definition(udp), 0xbdee);
    let d = Datagram::new_checked(udp).unwrap();
    assert_eq!((d.src_port(), d.dst_port(), d.len(), d.checksum()), (54321, 53, 37, 0xbdee));
    assert_eq!(d.payload()[..2], [0x1a, 0x2b]);
    assert_eq!(d.compute_checksum(V4_SRC, V4_DST), Some(0xbdee));
    assert_eq!(d.checksum_ok(V4_SRC, V4_DST), Some(true));
    assert!(d.verify_checksum(V4_SRC, V4_DST));
    // The wrong pseudo-header (another destination) does not verify.
    assert_eq!(d.checksum_ok(V4_SRC, IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2))), Some(false));
}

#[test]
fn dns_query_over_ipv6_checks_out() {
    let udp = &V6_PACKET[40..];
    let (IpAddr::V6(s), IpAddr::V6(t)) = (V6_SRC, V6_DST) else { unreachable!() };
    assert_eq!(v6_checksum_by_definition(udp, s, t), 0xc9df);
    let d = Datagram::new_checked(udp).unwrap();
    assert_eq!((d.src_port(), d.dst_port(), d.len(), d.checksum()), (54321, 53, 37, 0xc9df));
    assert_eq!(d.compute_checksum(V6_SRC, V6_DST), Some(0xc9df));
    assert_eq!(d.checksum_ok(V6_SRC, V6_DST), Some(true));
    assert!(d.verify_checksum(V6_SRC, V6_DST));
    // The same datagram checked against IPv4 addresses, or mixed ones, fails.
    assert_eq!(d.checksum_ok(V4_SRC, V4_DST), Some(false));
    assert_eq!(d.checksum_ok(V4_SRC, V6_DST), None);
}

#[test]
fn emit_rebuilds_both_captures() {
    for (packet, ip_len, src, dst) in
        [(&V4_PACKET[..], 20, V4_SRC, V4_DST), (&V6_PACKET[..], 40, V6_SRC, V6_DST)]
    {
        let udp = &packet[ip_len..];
        let d = Datagram::new_checked(udp).unwrap();
        let repr = Repr::parse(&d).unwrap();
        assert_eq!(repr, Repr { src_port: 54321, dst_port: 53, payload_len: 29 });

        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Datagram::new_unchecked(&mut out[..]), src, dst, d.payload());
        assert_eq!(out, udp);

        // The two-step form gives the same bytes.
        let mut out = vec![0u8; repr.buffer_len()];
        let mut view = Datagram::new_unchecked(&mut out[..]);
        repr.emit_header(&mut view);
        view.payload_mut().copy_from_slice(d.payload());
        view.fill_checksum(src, dst);
        assert_eq!(out, udp);
    }
}

#[test]
fn corrupted_capture_fails_and_zero_checksum_rules_apply() {
    let mut udp = V4_PACKET[20..].to_vec();
    udp[20] ^= 0x20; // 'e' -> 'E' in the name
    let d = Datagram::new_checked(&udp[..]).unwrap();
    assert_eq!(d.checksum_ok(V4_SRC, V4_DST), Some(false));
    udp[6..8].copy_from_slice(&[0, 0]);
    let d = Datagram::new_checked(&udp[..]).unwrap();
    assert_eq!(d.checksum_ok(V4_SRC, V4_DST), None); // RFC 768: not computed
    let mut udp6 = V6_PACKET[40..].to_vec();
    udp6[6..8].copy_from_slice(&[0, 0]);
    let d = Datagram::new_checked(&udp6[..]).unwrap();
    assert_eq!(d.checksum_ok(V6_SRC, V6_DST), Some(false)); // RFC 8200 §8.1
}
