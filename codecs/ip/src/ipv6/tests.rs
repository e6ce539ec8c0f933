use core::net::Ipv6Addr;
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

fn malformed(e: Error) -> (&'static str, usize) {
    match e {
        Error::Malformed { field, offset, .. } => (field, offset),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

const A1: &str = "20010db8000000000000000000000001";
const A2: &str = "20010db8000000000000000000000002";

/// A fixed header from 2001:db8::1 to 2001:db8::2, hop limit 64, then `payload`.
fn packet(next_header: u8, payload: &str) -> Vec<u8> {
    let payload = hex(payload);
    let mut b = hex("60 00 00 00");
    b.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    b.extend_from_slice(&[next_header, 64]);
    b.extend(hex(A1));
    b.extend(hex(A2));
    b.extend(payload);
    b
}

/// An MLDv2 report as Linux sends it on joining ff02::fb (RFC 3810 §5.2): hop limit
/// 1, a hop-by-hop header with router alert 0 and PadN, then ICMPv6 type 143.
const MLD: &str = "60 00 00 00 00 24 00 01 fe80 0000 0000 0000 5054 00ff fe12 3456
    ff02 0000 0000 0000 0000 0000 0000 0016
    3a 00 05 02 00 00 01 00
    8f 00 eb 53 00 00 00 01 04 00 00 00 ff02 0000 0000 0000 0000 0000 0000 00fb";

/// Hand-built: hop-by-hop (router alert) -> fragment (first, M) -> destination
/// options (PadN 4) -> UDP 1234 -> 5678 "ping".
const CHAIN: &str = "2c 00 05 02 00 00 01 00
    3c 00 00 01 12 34 56 78
    11 00 01 04 00 00 00 00
    04 d2 16 2e 00 0c aa 90 70 69 6e 67";

/// Hand-built: AH (RFC 4302, 96-bit ICV) protecting an ICMPv6 echo request.
const AH: &str = "3a 04 00 00 00 00 10 00 00 00 00 01
    01 02 03 04 05 06 07 08 09 0a 0b 0c
    80 00 24 46 00 01 00 01";

#[test]
fn mld_report_reads_every_field() {
    let bytes = hex(MLD);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!((p.version(), p.traffic_class(), p.flow_label()), (6, 0, 0));
    assert_eq!((p.payload_len(), p.next_header(), p.hop_limit()), (36, IpProtocol::HOP_BY_HOP, 1));
    assert_eq!(p.src_addr(), "fe80::5054:ff:fe12:3456".parse::<Ipv6Addr>().unwrap());
    assert_eq!(p.dst_addr(), "ff02::16".parse::<Ipv6Addr>().unwrap());
    assert_eq!((p.header_len(), p.payload().len()), (40, 36));
    let headers: Vec<_> = p.ext_headers().map(Result::unwrap).collect();
    assert_eq!(headers.len(), 1);
    let hbh = headers[0];
    assert_eq!(
        (hbh.kind, hbh.next_header, hbh.offset),
        (IpProtocol::HOP_BY_HOP, IpProtocol::ICMPV6, 0)
    );
    let tlvs: Vec<_> = hbh.options().unwrap().map(Result::unwrap).collect();
    assert_eq!(tlvs, [Tlv::RouterAlert(0), Tlv::PadN(0)]);
    assert!(hbh.as_fragment().is_none() && hbh.as_routing().is_none() && hbh.as_ah().is_none());
    assert_eq!(p.upper_layer().unwrap(), (IpProtocol::ICMPV6, 8));
    // The ICMPv6 checksum over the pseudo-header verifies: the vector is consistent.
    let icmp = &p.payload()[8..];
    let pseudo = wirestate_wire::checksum::pseudo_header_v6(p.src_addr(), p.dst_addr(), 58, 28);
    let sum = wirestate_wire::checksum::combine(&[pseudo, wirestate_wire::checksum::sum(icmp)]);
    assert_eq!(sum, 0xffff);
}

#[test]
fn hop_by_hop_fragment_destination_options_then_udp() {
    let bytes = packet(0, CHAIN);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let mut walk = p.ext_headers();
    let hbh = walk.next().unwrap().unwrap();
    assert_eq!(hbh.options().unwrap().next(), Some(Ok(Tlv::RouterAlert(0))));
    let frag = walk.next().unwrap().unwrap();
    assert_eq!(
        (frag.kind, frag.next_header, frag.offset),
        (IpProtocol::IPV6_FRAG, IpProtocol::IPV6_OPTS, 8)
    );
    assert_eq!(frag.as_fragment(), Some(Fragment { offset: 0, more: true, ident: 0x1234_5678 }));
    assert!(frag.options().is_none());
    let dst = walk.next().unwrap().unwrap();
    assert_eq!(
        (dst.kind, dst.next_header, dst.offset),
        (IpProtocol::IPV6_OPTS, IpProtocol::UDP, 16)
    );
    assert_eq!(dst.options().unwrap().collect::<Vec<_>>(), [Ok(Tlv::PadN(4))]);
    assert!(walk.next().is_none());
    assert!(walk.next().is_none());
    assert_eq!((walk.upper_layer(), walk.upper_offset()), (IpProtocol::UDP, 24));
    assert!(walk.fragment().is_some() && !walk.is_later_fragment());
    assert_eq!(&p.payload()[24..28], &[0x04, 0xd2, 0x16, 0x2e]);
}

#[test]
fn builders_emit_the_chain() {
    let hbh =
        OptionsRepr { next_header: IpProtocol::IPV6_FRAG, options: &[0x05, 0x02, 0x00, 0x00] };
    let frag = FragmentRepr {
        next_header: IpProtocol::IPV6_OPTS,
        offset: 0,
        more: true,
        ident: 0x1234_5678,
    };
    let dst = OptionsRepr { next_header: IpProtocol::UDP, options: &[] };
    let repr = Repr {
        src_addr: "2001:db8::1".parse().unwrap(),
        dst_addr: "2001:db8::2".parse().unwrap(),
        next_header: IpProtocol::HOP_BY_HOP,
        payload_len: 36,
        hop_limit: 64,
        traffic_class: 0,
        flow_label: 0,
    };
    let mut out = std::vec![0xffu8; repr.total_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    let mut at = repr.buffer_len();
    hbh.emit(&mut out[at..]);
    at += hbh.buffer_len();
    frag.emit(&mut out[at..]);
    at += frag.buffer_len();
    dst.emit(&mut out[at..]);
    at += dst.buffer_len();
    out[at..].copy_from_slice(&hex("04 d2 16 2e 00 0c aa 90 70 69 6e 67"));
    assert_eq!(out, packet(0, CHAIN));
}

#[test]
fn authentication_header_then_icmpv6() {
    let bytes = packet(51, AH);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let headers: Vec<_> = p.ext_headers().map(Result::unwrap).collect();
    assert_eq!(headers.len(), 1);
    let ah = headers[0].as_ah().unwrap();
    assert_eq!((ah.spi, ah.seq, ah.icv.len()), (0x1000, 1, 12));
    assert_eq!(headers[0].bytes.len(), 24);
    assert_eq!(p.upper_layer().unwrap(), (IpProtocol::ICMPV6, 24));
}

#[test]
fn esp_ends_the_walk() {
    let bytes = packet(50, "00 00 10 00 00 00 00 01 de ad be ef de ad be ef");
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let mut walk = p.ext_headers();
    assert!(walk.next().is_none());
    assert_eq!((walk.upper_layer(), walk.upper_offset()), (IpProtocol::ESP, 0));
    // Behind a hop-by-hop header, too.
    let bytes = packet(0, "32 00 01 04 00 00 00 00 00 00 10 00 00 00 00 01");
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(p.upper_layer().unwrap(), (IpProtocol::ESP, 8));
    // No next header (59) is where a walk ends as well.
    let bytes = packet(60, "3b 00 01 04 00 00 00 00");
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap().upper_layer().unwrap(),
        (IpProtocol::IPV6_NO_NEXT, 8)
    );
}

#[test]
fn routing_header_type_2() {
    // RFC 6275 §6.4: one segment, the home address.
    let bytes = packet(
        43,
        "3a 02 02 01 00 00 00 00 20010db8000000000000000000000099 80 00 00 00 00 01 00 01",
    );
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let rh = p.ext_headers().next().unwrap().unwrap();
    let r = rh.as_routing().unwrap();
    assert_eq!((r.routing_type, r.segments_left, r.data.len()), (2, 1, 20));
    assert_eq!(&r.data[4..], &hex("20010db8000000000000000000000099")[..]);
    assert_eq!(p.upper_layer().unwrap(), (IpProtocol::ICMPV6, 24));
}

#[test]
fn later_fragment_stops_the_walk() {
    // Offset 1480: what follows is the middle of the packet, even if it looks like a header.
    let bytes =
        packet(0, "2c 00 01 04 00 00 00 00 11 00 05 c8 00 00 00 2a 00 00 00 00 00 00 00 00");
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let mut walk = p.ext_headers();
    assert_eq!(walk.by_ref().count(), 2);
    assert_eq!((walk.upper_layer(), walk.upper_offset()), (IpProtocol::UDP, 16));
    assert!(walk.is_later_fragment());
    assert_eq!(walk.fragment(), Some(Fragment { offset: 1480, more: false, ident: 42 }));
}

#[test]
fn header_view_takes_a_quoted_packet() {
    let bytes = hex(MLD);
    let quote = &bytes[..52];
    assert_eq!(
        Packet::new_checked(quote).unwrap_err(),
        Error::Truncated { field: "ipv6 payload", offset: 40, need: 76, have: 52 }
    );
    let p = Packet::new_checked_header(quote).unwrap();
    assert_eq!(p.payload().len(), 12);
    assert_eq!(p.upper_layer().unwrap(), (IpProtocol::ICMPV6, 8));
    assert_eq!(Repr::parse(&p).unwrap().payload_len, 36);
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut bytes = packet(17, "04 d2 16 2e 00 08 00 00");
    bytes.extend_from_slice(&[0xee; 6]);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(p.payload().len(), 8);
}

#[test]
fn setters_write_every_field() {
    let mut buf = [0u8; 48];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_version(6);
    p.set_flow_label(0xf_ffff);
    p.set_traffic_class(0xb8);
    assert_eq!((p.dscp(), p.ecn(), p.flow_label()), (46, 0, 0xf_ffff));
    p.set_ecn(3);
    p.set_dscp(10);
    assert_eq!((p.traffic_class(), p.flow_label(), p.version()), (0x2b, 0xf_ffff, 6));
    p.set_flow_label(0x1_2345);
    assert_eq!((p.traffic_class(), p.flow_label()), (0x2b, 0x1_2345));
    p.set_payload_len(8);
    p.set_next_header(IpProtocol::UDP);
    p.set_hop_limit(255);
    p.set_src_addr(Ipv6Addr::LOCALHOST);
    p.set_dst_addr(Ipv6Addr::UNSPECIFIED);
    p.payload_mut().fill(0xab);
    assert_eq!(&buf[..8], &[0x62, 0xb1, 0x23, 0x45, 0, 8, 17, 255]);
    assert_eq!(buf[23], 1);
    assert_eq!(&buf[40..], &[0xab; 8]);
    let p = Packet::new_checked(&buf[..]).unwrap();
    let repr = Repr::parse(&p).unwrap();
    assert_eq!((repr.traffic_class, repr.flow_label, repr.hop_limit), (0x2b, 0x1_2345, 255));
    assert_eq!(p.into_inner().len(), 48);
}

#[test]
fn emit_of_parse_gives_the_bytes_back() {
    for bytes in [hex(MLD), packet(0, CHAIN), packet(51, AH)] {
        let p = Packet::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&p).unwrap();
        let mut out = std::vec![0u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, bytes[..40]);
        for header in p.ext_headers().map(Result::unwrap) {
            let mut out = std::vec![0u8; header.bytes.len()];
            if header.options().is_some() {
                let r = OptionsRepr::parse(header.bytes).unwrap();
                assert_eq!(r.buffer_len(), header.bytes.len());
                r.emit(&mut out);
            } else if header.as_fragment().is_some() {
                FragmentRepr::parse(header.bytes).unwrap().emit(&mut out);
            } else {
                continue;
            }
            assert_eq!(out, header.bytes);
        }
    }
}

#[test]
fn options_repr_pads_with_pad1_or_padn() {
    let cases: [(&[u8], &[u8]); 3] = [
        (&[0x1e, 0x03, 0x01, 0x02, 0x03], &[0x00]),
        (&[0x05, 0x02, 0x00, 0x01, 0x1e, 0x00], &[]),
        (&[], &[0x01, 0x04, 0, 0, 0, 0]),
    ];
    for (options, padding) in cases {
        let r = OptionsRepr { next_header: IpProtocol::TCP, options };
        let mut out = std::vec![0xffu8; r.buffer_len()];
        r.emit(&mut out);
        assert_eq!(out.len() % 8, 0);
        assert_eq!(&out[2 + options.len()..], padding);
        let back = OptionsRepr::parse(&out).unwrap();
        assert_eq!(&back.options[..options.len()], options);
    }
}

#[test]
fn tlvs_decode_and_emit() {
    let tlvs = [
        Tlv::Pad1,
        Tlv::PadN(3),
        Tlv::RouterAlert(1),
        Tlv::Jumbo(70_000),
        Tlv::Unknown { kind: 0x3e, data: &[1, 2] },
    ];
    let mut buf = [0u8; 32];
    let mut at = 0;
    for tlv in tlvs {
        tlv.emit(&mut buf[at..]);
        at += tlv.buffer_len();
    }
    let back: Vec<_> = Tlvs::new(&buf[..at], 0).map(Result::unwrap).collect();
    assert_eq!(back, tlvs);
    assert_eq!(back[3].kind(), 0xc2);
    assert_eq!(back[3].action(), OptionAction::DiscardAndReportUnlessMulticast);
    assert_eq!(action(0x3e), OptionAction::Skip);
    assert_eq!(action(0x4e), OptionAction::Discard);
    assert_eq!(action(0x8e), OptionAction::DiscardAndReport);
    assert!(may_change(0x3e) && !may_change(0x05));
}

#[test]
fn fixed_header_errors() {
    let bytes = hex(MLD);
    assert_eq!(
        Packet::new_checked(&bytes[..39]).unwrap_err(),
        Error::Truncated { field: "ipv6 header", offset: 0, need: 40, have: 39 }
    );
    assert_eq!(
        Repr::parse(&Packet::new_unchecked(&bytes[..39])).unwrap_err(),
        Error::Truncated { field: "ipv6 header", offset: 0, need: 40, have: 39 }
    );
    let mut b = bytes.clone();
    b[0] = 0x45;
    assert_eq!(malformed(Packet::new_checked(&b[..]).unwrap_err()), ("version", 0));
    assert_eq!(malformed(Packet::new_checked_header(&b[..]).unwrap_err()), ("version", 0));
    assert_eq!(
        Packet::new_checked(&bytes[..75]).unwrap_err(),
        Error::Truncated { field: "ipv6 payload", offset: 40, need: 76, have: 75 }
    );
}

fn walk_error(next_header: u8, payload: &str) -> Error {
    let bytes = packet(next_header, payload);
    let p = Packet::new_checked(&bytes[..]).unwrap();
    let mut walk = p.ext_headers();
    let err = walk.find_map(Result::err).unwrap();
    assert!(walk.next().is_none(), "the walk is fused after an error");
    assert_eq!(p.upper_layer().unwrap_err(), err);
    err
}

#[test]
fn ext_header_errors() {
    // Hop-by-hop after a destination options header (RFC 8200 §4.1).
    assert_eq!(
        malformed(walk_error(60, "00 00 01 04 00 00 00 00 3a 00 01 04 00 00 00 00")),
        ("next_header", 40)
    );
    assert_eq!(
        malformed(walk_error(
            0,
            "3c 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 3a 00 01 04 00 00 00 00"
        )),
        ("next_header", 48)
    );
    // The length octet is missing.
    assert_eq!(
        walk_error(60, "3a"),
        Error::Truncated { field: "ext header", offset: 40, need: 42, have: 41 }
    );
    // The length runs past the payload.
    assert_eq!(
        walk_error(0, "3c 00 01 04 00 00 00 00 3a 01 01 0c 00 00 00 00"),
        Error::Truncated { field: "ext header", offset: 48, need: 64, have: 56 }
    );
    // A fragment header cut short.
    assert_eq!(
        walk_error(44, "11 00 00 00 00 00"),
        Error::Truncated { field: "ext header", offset: 40, need: 48, have: 46 }
    );
    // An AH without room for its SPI and sequence number.
    assert_eq!(malformed(walk_error(51, "3a 00 00 00 00 00 00 00")), ("ah length", 41));
    // An AH length past the payload.
    assert_eq!(
        walk_error(51, AH.get(..20).unwrap()),
        Error::Truncated { field: "ext header", offset: 40, need: 64, have: 47 }
    );
}

#[test]
fn the_walk_is_capped() {
    let unit = "3c 00 01 04 00 00 00 00 ";
    let ok = std::format!("{}{}", unit.repeat(MAX_EXT_HEADERS - 1), "11 00 01 04 00 00 00 00");
    let bytes = packet(60, &ok);
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap().upper_layer().unwrap(),
        (IpProtocol::UDP, 128)
    );
    let too_many = unit.repeat(MAX_EXT_HEADERS + 1);
    assert_eq!(malformed(walk_error(60, &too_many)), ("ext header", 40 + 16 * 8));
}

#[test]
fn tlv_errors() {
    let first = |payload: &str| {
        let bytes = packet(60, payload);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        let header = p.ext_headers().next().unwrap().unwrap();
        let mut tlvs = header.options().unwrap();
        let err = tlvs.find_map(Result::err).unwrap();
        assert!(tlvs.next().is_none(), "fused");
        err
    };
    // The length octet of the last option is missing.
    assert_eq!(
        first("3a 00 00 00 00 00 00 05"),
        Error::Truncated { field: "option length", offset: 48, need: 49, have: 48 }
    );
    // PadN past the header.
    assert_eq!(
        first("3a 00 01 05 00 00 00 00"),
        Error::Truncated { field: "option length", offset: 43, need: 49, have: 48 }
    );
    // Router alert and jumbo of the wrong length.
    assert_eq!(malformed(first("3a 00 05 03 00 00 00 00")), ("option length", 43));
    assert_eq!(malformed(first("3a 00 00 c2 03 00 00 00")), ("option length", 44));
}

#[test]
fn builder_parse_errors() {
    assert_eq!(
        FragmentRepr::parse(&[17, 0, 0, 0, 0, 0, 0]).unwrap_err(),
        Error::Truncated { field: "ext header", offset: 0, need: 8, have: 7 }
    );
    assert_eq!(
        OptionsRepr::parse(&[17]).unwrap_err(),
        Error::Truncated { field: "ext header", offset: 0, need: 2, have: 1 }
    );
    assert_eq!(
        OptionsRepr::parse(&hex("11 01 01 04 00 00 00 00")).unwrap_err(),
        Error::Truncated { field: "ext header", offset: 0, need: 16, have: 8 }
    );
    assert_eq!(
        malformed(OptionsRepr::parse(&hex("11 00 05 03 00 00 00 00")).unwrap_err()),
        ("option length", 3)
    );
}

#[test]
fn typed_accessors_do_not_panic_on_hand_built_headers() {
    let short = ExtHeader {
        kind: IpProtocol::IPV6_FRAG,
        next_header: IpProtocol::UDP,
        offset: 0,
        bytes: &[17],
    };
    assert!(short.as_fragment().is_none());
    let short = ExtHeader { kind: IpProtocol::AH, ..short };
    assert!(short.as_ah().is_none());
    let short = ExtHeader { kind: IpProtocol::IPV6_ROUTE, ..short };
    assert!(short.as_routing().is_none());
    let short = ExtHeader { kind: IpProtocol::IPV6_OPTS, ..short };
    assert!(short.options().is_none());
    let bare = ExtHeader { bytes: &[17, 0], ..short };
    assert_eq!(bare.options().unwrap().count(), 0);
}
