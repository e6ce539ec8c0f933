use core::net::Ipv4Addr;
use std::vec::Vec;

use super::*;
use crate::{Error, IpProtocol};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// `header` followed by zeros up to its total length field.
fn datagram(header: &str) -> Vec<u8> {
    let mut b = hex(header);
    let total = usize::from(u16::from_be_bytes([b[2], b[3]]));
    b.resize(total, 0);
    b
}

/// The field and offset of a `Malformed` error (any other variant fails the test).
fn malformed(e: Error) -> (&'static str, usize) {
    match e {
        Error::Malformed { field, offset, .. } => (field, offset),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// The classic header example (Wikipedia, "Internet checksum"): UDP from 192.168.0.1
/// to 192.168.0.199, DF, TTL 64, checksum 0xb861.
const EXAMPLE: &str = "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7";
/// An IGMPv2 membership report for 224.0.0.251 as Linux sends it (RFC 2236 §2: TTL 1,
/// router alert; DSCP CS6).
const IGMP_RA: &str = "46 c0 00 20 00 00 40 00 01 02 41 6a c0 a8 01 0a e0 00 00 fb 94 04 00 00";
/// The header of `ping -R 192.168.1.1` on Linux: NOP, then record route with nine
/// empty slots (length 39, pointer 4).
const PING_RR: &str = "4f 00 00 7c 1c 46 40 00 40 01 68 d4 c0 a8 01 0a c0 a8 01 01
    01 07 27 04 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000";
/// Hand-built: router alert, NOP, record route with one address recorded of two.
const RA_RR: &str = "49 00 00 2c ab cd 00 00 40 11 55 34 0a 00 00 01 0a 00 00 02
    94 04 00 00 01 07 0b 08 c0 a8 01 01 00 00 00 00";
/// The three fragments of `ping -s 3000 10.0.0.2` (ICMP, ident 0x1c46): first and
/// middle carry 1480 bytes with MF, the last 48 bytes at offset 2960.
const FRAGS: [&str; 3] = [
    "45 00 05 dc 1c 46 20 00 40 01 24 d9 0a 00 00 01 0a 00 00 02",
    "45 00 05 dc 1c 46 20 b9 40 01 24 20 0a 00 00 01 0a 00 00 02",
    "45 00 00 44 1c 46 01 72 40 01 48 ff 0a 00 00 01 0a 00 00 02",
];

#[test]
fn example_header_reads_every_field() {
    let bytes = datagram(EXAMPLE);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!((p.version(), p.ihl(), p.header_len()), (4, 5, 20));
    assert_eq!((p.dscp(), p.ecn(), p.total_len(), p.ident()), (0, 0, 115, 0));
    assert!(!p.reserved_flag() && p.dont_frag() && !p.more_frags());
    assert_eq!((p.frag_offset(), p.ttl(), p.protocol()), (0, 64, IpProtocol::UDP));
    assert_eq!(p.checksum(), 0xb861);
    assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 0, 1));
    assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 0, 199));
    assert!(p.options().is_empty() && p.options_iter().next().is_none());
    assert_eq!(p.payload().len(), 95);
    assert!(p.verify_checksum());
    assert_eq!(p.compute_checksum(), 0xb861);
    assert_eq!(p.into_inner().len(), 115);
}

#[test]
fn bytes_past_total_len_are_padding() {
    let mut bytes = hex("45 00 00 1c 00 01 00 00 40 01 00 00 0a 00 00 01 0a 00 00 02");
    bytes.extend_from_slice(&[8, 0, 0xf7, 0xfe, 0, 1, 0, 0]);
    bytes.resize(60, 0xee); // Ethernet minimum frame padding
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(p.payload(), &[8, 0, 0xf7, 0xfe, 0, 1, 0, 0]);
}

#[test]
fn header_view_takes_a_quoted_datagram() {
    // RFC 792: an ICMP error quotes the header and the first 64 bits of data.
    let full = datagram(EXAMPLE);
    let quote = &full[..28];
    let err = Packet::new_checked(quote).unwrap_err();
    assert_eq!(err, Error::Truncated { field: "ipv4 payload", offset: 20, need: 115, have: 28 });
    let p = Packet::new_checked_header(quote).unwrap();
    assert_eq!(p.payload().len(), 8);
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(repr.payload_len, 95);
    // A bare header: empty payload.
    assert!(Packet::new_checked_header(&full[..20]).unwrap().payload().is_empty());
}

#[test]
fn header_view_tolerates_total_len_below_header_but_repr_does_not() {
    let mut bytes = hex(EXAMPLE);
    bytes[3] = 10;
    assert!(malformed(Packet::new_checked(&bytes[..]).unwrap_err()) == ("total_len", 2));
    let p = Packet::new_checked_header(&bytes[..]).unwrap();
    assert!(p.payload().is_empty());
    assert_eq!(malformed(Repr::parse(&p).unwrap_err()), ("total_len", 2));
}

#[test]
fn setters_write_the_example() {
    let mut buf = [0u8; 20];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_version(4);
    p.set_ihl(5);
    p.set_dscp(0x2e);
    p.set_ecn(3);
    p.set_dscp(0);
    p.set_ecn(0);
    p.set_total_len(0x73);
    p.set_ident(0);
    p.set_reserved_flag(true);
    p.set_more_frags(true);
    p.set_frag_offset(2960);
    assert!(p.reserved_flag() && p.more_frags() && p.frag_offset() == 2960);
    p.set_reserved_flag(false);
    p.set_more_frags(false);
    p.set_frag_offset(0);
    p.set_dont_frag(true);
    p.set_ttl(64);
    p.set_protocol(IpProtocol::UDP);
    p.set_src_addr(Ipv4Addr::new(192, 168, 0, 1));
    p.set_dst_addr(Ipv4Addr::new(192, 168, 0, 199));
    p.fill_checksum();
    assert!(p.verify_checksum());
    assert_eq!(&buf[..], &hex(EXAMPLE)[..]);
}

#[test]
fn dscp_and_ecn_share_a_byte() {
    let mut bytes = datagram(EXAMPLE);
    let mut p = Packet::new_checked(&mut bytes[..]).unwrap();
    p.set_dscp(46); // EF
    p.set_ecn(1);
    assert_eq!((p.dscp(), p.ecn()), (46, 1));
    assert_eq!(bytes[1], 0xb9);
}

#[test]
fn payload_mut_writes_within_total_len() {
    let mut bytes = datagram(EXAMPLE);
    bytes.push(0xee);
    let mut p = Packet::new_checked(&mut bytes[..]).unwrap();
    assert_eq!(p.payload_mut().len(), 95);
    p.payload_mut().fill(0xab);
    assert_eq!(bytes[114], 0xab);
    assert_eq!(bytes[115], 0xee);
}

#[test]
fn checksum_verify_and_fill() {
    let mut bytes = hex(IGMP_RA);
    bytes.extend_from_slice(&[0x16, 0, 0x09, 0x04, 0xe0, 0, 0, 0xfb]);
    let mut p = Packet::new_checked(&mut bytes[..]).unwrap();
    assert!(p.verify_checksum());
    p.set_ttl(2);
    assert!(!p.verify_checksum());
    assert_eq!(p.checksum(), 0x416a);
    p.fill_checksum();
    assert!(p.verify_checksum());
    // RFC 1624 incremental update agrees with the recompute.
    let expected = wirestate_wire::checksum::update(0x416a, 0x0102, 0x0202);
    assert_eq!(p.checksum(), expected);
}

#[test]
fn igmp_report_with_router_alert() {
    let mut bytes = hex(IGMP_RA);
    bytes.extend_from_slice(&[0x16, 0, 0x09, 0x04, 0xe0, 0, 0, 0xfb]);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!((p.ihl(), p.dscp(), p.ttl(), p.protocol()), (6, 48, 1, IpProtocol::IGMP));
    let opts: Vec<_> = p.options_iter().collect();
    assert_eq!(opts, [Ok(IpOption::RouterAlert { value: 0 })]);
    let ra = opts[0].unwrap();
    assert!(ra.copied() && ra.class() == 0 && ra.number() == 20 && ra.route().is_none());
    let repr = Repr::parse_verified(&p).unwrap();
    assert_eq!(repr.options, &[0x94, 4, 0, 0]);
    assert_eq!((repr.buffer_len(), repr.total_len(), repr.payload_len), (24, 32, 8));
}

#[test]
fn ping_record_route() {
    let bytes = datagram(PING_RR);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(p.verify_checksum());
    assert_eq!(p.header_len(), 60);
    let mut opts = p.options_iter();
    assert_eq!(opts.next(), Some(Ok(IpOption::NoOperation)));
    let rr = opts.next().unwrap().unwrap();
    assert!(matches!(rr, IpOption::RecordRoute { pointer: 4, data } if data.len() == 36));
    assert!(!rr.copied() && rr.kind() == 7);
    assert_eq!(rr.route().unwrap().len(), 9);
    assert!(rr.route().unwrap().all(|a| a == Ipv4Addr::UNSPECIFIED));
    assert_eq!(opts.next(), None);
}

#[test]
fn router_alert_and_record_route() {
    let bytes = datagram(RA_RR);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(p.verify_checksum());
    let opts: Vec<_> = p.options_iter().map(Result::unwrap).collect();
    assert_eq!(opts.len(), 3);
    assert_eq!(opts[0], IpOption::RouterAlert { value: 0 });
    assert_eq!(opts[1], IpOption::NoOperation);
    let route: Vec<_> = opts[2].route().unwrap().collect();
    assert_eq!(route, [Ipv4Addr::new(192, 168, 1, 1), Ipv4Addr::UNSPECIFIED]);
    assert!(matches!(opts[2], IpOption::RecordRoute { pointer: 8, .. }));
}

#[test]
fn fragments_of_one_echo_request() {
    let expect = [(true, 0, 1480), (true, 1480, 1480), (false, 2960, 48)];
    for (header, (more, offset, len)) in FRAGS.iter().zip(expect) {
        let bytes = datagram(header);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!((p.more_frags(), p.frag_offset(), p.payload().len()), (more, offset, len));
        assert!(!p.dont_frag());
        let repr = Repr::parse_verified(&p).unwrap();
        assert_eq!((repr.more_frags, repr.frag_offset, repr.ident), (more, offset, 0x1c46));
    }
}

#[test]
fn emit_of_parse_gives_the_bytes_back() {
    let vectors = [EXAMPLE, IGMP_RA, PING_RR, RA_RR, FRAGS[0], FRAGS[1], FRAGS[2]].map(hex);
    for header in vectors {
        let mut bytes = header.clone();
        bytes.resize(usize::from(u16::from_be_bytes([bytes[2], bytes[3]])), 0);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&p).unwrap();
        assert_eq!(repr.buffer_len(), header.len());
        let mut out = std::vec![0xffu8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, header);
    }
}

#[test]
fn repr_new_and_emit_pads_options() {
    let src = Ipv4Addr::new(10, 0, 0, 1);
    let dst = Ipv4Addr::new(10, 0, 0, 2);
    let repr = Repr { options: &[0x01, 0x01], ..Repr::new(src, dst, IpProtocol::TCP, 20) };
    assert_eq!((repr.buffer_len(), repr.total_len()), (24, 44));
    let mut out = [0xffu8; 44];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    let p = Packet::new_checked(&out[..]).unwrap();
    assert_eq!(p.options(), &[1, 1, 0, 0]);
    assert_eq!((p.ttl(), p.total_len(), p.ihl()), (64, 44, 6));
    assert!(p.verify_checksum() && !p.reserved_flag());
    let parsed = Repr::parse(&p).unwrap();
    assert_eq!(parsed, Repr { options: &[1, 1, 0, 0], ..repr });
}

#[test]
fn reserved_flag_is_read_but_not_carried() {
    let mut bytes = datagram(EXAMPLE);
    bytes[6] |= 0x80;
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(p.reserved_flag() && p.dont_frag());
    let repr = Repr::parse(&p).unwrap();
    let mut out = [0u8; 20];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(out[6], 0x40);
}

#[test]
fn header_errors() {
    let full = datagram(EXAMPLE);
    assert_eq!(
        Packet::new_checked(&full[..19]).unwrap_err(),
        Error::Truncated { field: "ipv4 header", offset: 0, need: 20, have: 19 }
    );
    let mut b = full.clone();
    b[0] = 0x65;
    assert_eq!(malformed(Packet::new_checked(&b[..]).unwrap_err()), ("version", 0));
    assert_eq!(malformed(Packet::new_checked_header(&b[..]).unwrap_err()), ("version", 0));
    b[0] = 0x44;
    assert_eq!(malformed(Packet::new_checked(&b[..]).unwrap_err()), ("ihl", 0));
    b[0] = 0x46;
    assert_eq!(
        Packet::new_checked_header(&b[..20]).unwrap_err(),
        Error::Truncated { field: "ipv4 options", offset: 20, need: 24, have: 20 }
    );
    b[0] = 0x45;
    b[3] = 19;
    assert_eq!(malformed(Packet::new_checked(&b[..]).unwrap_err()), ("total_len", 2));
    assert_eq!(
        Packet::new_checked(&full[..114]).unwrap_err(),
        Error::Truncated { field: "ipv4 payload", offset: 20, need: 115, have: 114 }
    );
}

#[test]
fn repr_parse_rechecks_an_unchecked_view() {
    let short = [0x45u8; 10];
    let err = Repr::parse(&Packet::new_unchecked(&short[..])).unwrap_err();
    assert_eq!(err, Error::Truncated { field: "ipv4 header", offset: 0, need: 20, have: 10 });
}

fn first_error(options: &[u8]) -> Error {
    let mut it = Options::new(options);
    let err = it.find_map(Result::err).unwrap();
    assert_eq!(it.next(), None, "the walk is fused after an error");
    err
}

#[test]
fn option_errors() {
    // The length octet of an option at the end of the area is missing.
    assert_eq!(
        first_error(&[0x01, 0x01, 0x01, 0x07]),
        Error::Truncated { field: "option length", offset: 24, need: 25, have: 24 }
    );
    // Length below 2.
    assert_eq!(malformed(first_error(&[0x07, 0x01, 0x00, 0x00])), ("option length", 21));
    assert_eq!(malformed(first_error(&[0x01, 0x88, 0x00, 0x00])), ("option length", 22));
    // Length past the area.
    assert_eq!(
        first_error(&[0x07, 0x08, 0x04, 0x00]),
        Error::Truncated { field: "option length", offset: 21, need: 28, have: 24 }
    );
    // Route options: no pointer, pointer below 4, data not whole addresses.
    assert_eq!(malformed(first_error(&[0x07, 0x02, 0x00, 0x00])), ("option length", 21));
    assert_eq!(malformed(first_error(&[0x07, 0x07, 0x03, 0, 0, 0, 0, 0])), ("option pointer", 22));
    assert_eq!(malformed(first_error(&[0x83, 0x03, 0x00, 0x00])), ("option pointer", 22));
    assert_eq!(malformed(first_error(&[0x89, 0x03, 0x02, 0x00])), ("option pointer", 22));
    assert_eq!(malformed(first_error(&[0x07, 0x06, 0x04, 0, 0, 0, 0, 0])), ("option length", 21));
    // Router alert of the wrong length, timestamp too short.
    assert_eq!(malformed(first_error(&[0x94, 0x03, 0x00, 0x00])), ("option length", 21));
    assert_eq!(malformed(first_error(&[0x94, 0x06, 0, 0, 0, 0, 0, 0])), ("option length", 21));
    assert_eq!(malformed(first_error(&[0x44, 0x03, 0x05, 0x00])), ("option length", 21));
}

#[test]
fn option_errors_surface_in_repr_parse() {
    let mut bytes = hex(RA_RR);
    bytes[27] = 0x02; // the record route's pointer
    bytes.resize(44, 0);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(p.options_iter().any(|o| o.is_err()));
    assert_eq!(malformed(Repr::parse(&p).unwrap_err()), ("option pointer", 27));
}

#[test]
fn parse_verified_reports_the_checksum() {
    let mut bytes = datagram(EXAMPLE);
    bytes[11] = 0x62;
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert!(Repr::parse(&p).is_ok());
    assert_eq!(
        Repr::parse_verified(&p).unwrap_err(),
        Error::Checksum { field: "checksum", offset: 10, computed: 0xb861, found: 0xb862 }
    );
}

#[test]
fn end_of_list_ends_the_walk() {
    let opts: Vec<_> = Options::new(&[0x00, 0x07, 0xff, 0xff]).collect();
    assert_eq!(opts, [Ok(IpOption::EndOfList)]);
}

#[test]
fn timestamp_and_unknown_options_decode() {
    let area = [
        0x44, 0x0c, 0x0d, 0x21, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34, // TS
        0x88, 0x04, 0x12, 0x34, // stream identifier (RFC 791, obsolete)
    ];
    let opts: Vec<_> = Options::new(&area).map(Result::unwrap).collect();
    assert_eq!(
        opts[0],
        IpOption::Timestamp { pointer: 13, overflow: 2, flags: 1, data: &area[4..12] }
    );
    assert_eq!(opts[1], IpOption::Unknown { kind: 0x88, data: &[0x12, 0x34] });
    assert!(opts[1].copied() && opts[1].number() == 8);
    assert_eq!(opts[0].class(), 2);
}

#[test]
fn every_option_emits_what_it_decodes() {
    let route = [10, 0, 0, 1];
    let ts = [0, 0, 0, 1];
    let options = [
        IpOption::EndOfList,
        IpOption::NoOperation,
        IpOption::RecordRoute { pointer: 4, data: &route },
        IpOption::LooseSourceRoute { pointer: 8, data: &route },
        IpOption::StrictSourceRoute { pointer: 4, data: &route },
        IpOption::Timestamp { pointer: 5, overflow: 15, flags: 0, data: &ts },
        IpOption::RouterAlert { value: 0x1234 },
        IpOption::Unknown { kind: 0x52, data: &[1, 2, 3] },
    ];
    for option in options {
        let mut buf = [0u8; 16];
        let len = option.buffer_len();
        option.emit(&mut buf);
        let decoded = Options::new(&buf[..len]).next().unwrap().unwrap();
        assert_eq!(decoded, option);
        assert_eq!(decoded.kind(), buf[0]);
    }
}
