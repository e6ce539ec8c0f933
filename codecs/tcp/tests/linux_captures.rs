//! Real Linux segments (see `common`): fields, options, checksums over both
//! pseudo-headers, and byte-exact re-emission.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

mod common;

use common::*;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber, TcpOption};

fn view(bytes: &[u8]) -> Segment<&[u8]> {
    Segment::new_checked(bytes).unwrap()
}

fn options(seg: &Segment<&[u8]>) -> Vec<TcpOption<'static>> {
    // Only options without borrowed data are compared this way.
    seg.options_iter()
        .map(|o| match o.unwrap() {
            TcpOption::Sack(_) | TcpOption::Unknown { .. } => panic!("borrowed option"),
            TcpOption::EndOfList => TcpOption::EndOfList,
            TcpOption::NoOperation => TcpOption::NoOperation,
            TcpOption::MaxSegmentSize(v) => TcpOption::MaxSegmentSize(v),
            TcpOption::WindowScale(v) => TcpOption::WindowScale(v),
            TcpOption::SackPermitted => TcpOption::SackPermitted,
            TcpOption::Timestamps { tsval, tsecr } => TcpOption::Timestamps { tsval, tsecr },
        })
        .collect()
}

#[test]
fn linux_syn_reads_field_by_field() {
    let bytes = hex(V4_SYN);
    let seg = view(&bytes);
    assert_eq!(seg.src_port(), 47068);
    assert_eq!(seg.dst_port(), 45680);
    assert_eq!(seg.seq_number(), SeqNumber(375_895_358));
    assert_eq!(seg.ack_number(), SeqNumber(0));
    assert_eq!((seg.data_offset(), seg.header_len()), (10, 40));
    assert_eq!(seg.flags(), Flags::SYN);
    assert_eq!(seg.flags().names().collect::<Vec<_>>(), ["SYN"]);
    assert_eq!(seg.reserved(), 0);
    assert_eq!(seg.window_len(), 64240);
    assert_eq!(seg.checksum(), 0x853e);
    assert_eq!(seg.urgent_at(), 0);
    assert_eq!(seg.options().len(), 20);
    assert!(seg.payload().is_empty());
    assert_eq!(seg.segment_len(), 1);
    assert_eq!(
        options(&seg),
        [
            TcpOption::MaxSegmentSize(1460),
            TcpOption::SackPermitted,
            TcpOption::Timestamps { tsval: 970_086_918, tsecr: 0 },
            TcpOption::NoOperation,
            TcpOption::WindowScale(10),
        ]
    );

    let repr = Repr::parse(&seg).unwrap();
    assert_eq!(
        repr,
        Repr {
            window_len: 64240,
            max_seg_size: Some(1460),
            window_scale: Some(10),
            sack_permitted: true,
            timestamps: Some((970_086_918, 0)),
            flags: Flags::SYN,
            ..Repr::new(47068, 45680, SeqNumber(375_895_358))
        }
    );
}

#[test]
fn linux_syn_ack_acknowledges_the_syn() {
    let syn = hex(V4_SYN);
    let bytes = hex(V4_SYN_ACK);
    let seg = view(&bytes);
    let repr = Repr::parse(&seg).unwrap();
    assert_eq!(repr.flags, Flags::SYN | Flags::ACK);
    assert_eq!(seg.flags().names().collect::<Vec<_>>(), ["ACK", "SYN"]);
    assert_eq!(repr.ack_number, Some(view(&syn).seq_number() + 1));
    assert_eq!(repr.seq_number, SeqNumber(3_105_582_283));
    assert_eq!(repr.window_len, 65160);
    assert_eq!(repr.timestamps, Some((3_503_492_988, 970_086_918)));
    assert_eq!(
        (repr.max_seg_size, repr.window_scale, repr.sack_permitted),
        (Some(1460), Some(10), true)
    );
    assert_eq!(seg.segment_len(), 1);
}

#[test]
fn linux_data_segment_carries_payload_and_timestamps() {
    let bytes = hex(V4_DATA);
    let seg = view(&bytes);
    assert_eq!(seg.header_len(), 32);
    assert_eq!(seg.payload(), b"hello");
    assert_eq!(seg.segment_len(), 5);
    assert_eq!(
        options(&seg),
        [
            TcpOption::NoOperation,
            TcpOption::NoOperation,
            TcpOption::Timestamps { tsval: 0x39d2_5acf, tsecr: 0xd0d3_0f7c },
        ]
    );
    let repr = Repr::parse(&seg).unwrap();
    assert_eq!(repr.flags, Flags::PSH | Flags::ACK);
    assert_eq!(repr.ack_number, Some(SeqNumber(0xb91b_6ccc)));
    assert_eq!(repr.window_len, 63);
    assert_eq!(repr.payload, b"hello");
    assert_eq!((repr.max_seg_size, repr.window_scale, repr.sack_permitted), (None, None, false));
}

#[test]
fn linux_ack_with_two_sack_blocks_newest_first() {
    let bytes = hex(V4_SACK);
    let seg = view(&bytes);
    assert_eq!(seg.header_len(), 52);
    let opts: Vec<_> = seg.options_iter().map(Result::unwrap).collect();
    assert_eq!(opts.len(), 6);
    let TcpOption::Sack(blocks) = opts[5] else { panic!("{opts:?}") };
    // tcpdump: "sack 2 {306:356}{106:156}" relative to the client's ISN 0x1667b53e.
    let isn = SeqNumber(0x1667_b53e);
    let relative: Vec<_> = blocks.iter().map(|(l, r)| (l.diff(isn), r.diff(isn))).collect();
    assert_eq!(relative, [(306, 356), (106, 156)]);
    assert_eq!(blocks.len(), 2);

    let repr = Repr::parse(&seg).unwrap();
    assert_eq!(repr.flags, Flags::ACK);
    assert_eq!(repr.ack_number, Some(isn + 6));
    assert_eq!(
        repr.sack_ranges,
        SackRanges::from_slice(&[(isn + 306, isn + 356), (isn + 106, isn + 156)])
    );
    assert_eq!(repr.timestamps, Some((0xd0d3_11d6, 0x39d2_5acf)));
}

#[test]
fn linux_fin_and_rst() {
    let bytes = hex(V4_FIN);
    let fin = view(&bytes);
    assert_eq!(fin.flags(), Flags::FIN | Flags::ACK);
    assert_eq!(fin.flags().names().collect::<Vec<_>>(), ["ACK", "FIN"]);
    assert_eq!(fin.segment_len(), 1);
    let bytes = hex(V4_RST);
    let rst = view(&bytes);
    assert_eq!(rst.flags(), Flags::RST | Flags::ACK);
    assert_eq!(rst.segment_len(), 0);
    assert_eq!(Repr::parse(&rst).unwrap().flags, Flags::RST | Flags::ACK);
}

#[test]
fn ipv6_segments_read_the_same_way() {
    let bytes = hex(V6_SYN);
    let repr = Repr::parse(&view(&bytes)).unwrap();
    assert_eq!(repr.max_seg_size, Some(1440)); // 1500 - 40 (IPv6) - 20 (TCP)
    assert_eq!((repr.src_port, repr.dst_port), (33264, 45681));
    let bytes = hex(V6_DATA);
    let repr = Repr::parse(&view(&bytes)).unwrap();
    assert!(repr.payload.starts_with(b"GET / HTTP/1.1\r\nHost: example.test\r\n"));
}

#[test]
fn every_capture_verifies_over_its_pseudo_header() {
    for (name, h, addr) in ALL {
        let bytes = hex(h);
        let seg = view(&bytes);
        assert_eq!(seg.checksum_ok(addr, addr), Some(true), "{name}");
        assert!(seg.verify_checksum(addr, addr), "{name}");
        assert_eq!(seg.compute_checksum(addr, addr), Some(seg.checksum()), "{name}");
        assert!(Repr::parse_verified(&seg, addr, addr).is_ok(), "{name}");
        // The other family's pseudo-header does not verify; mixed ones cannot.
        let other = if addr.is_ipv4() { LO6 } else { LO4 };
        assert_eq!(seg.checksum_ok(other, other), Some(false), "{name}");
        assert_eq!(seg.checksum_ok(addr, other), None, "{name}");
    }
}

#[test]
fn every_capture_re_emits_byte_for_byte() {
    for (name, h, addr) in ALL {
        let bytes = hex(h);
        let repr = Repr::parse(&view(&bytes)).unwrap();
        assert_eq!(repr.normalized(), repr, "{name}");
        assert_eq!(repr.buffer_len(), bytes.len(), "{name}");
        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Segment::new_unchecked(&mut out[..]), addr, addr);
        assert_eq!(out, bytes, "{name}");
    }
}

/// Checksums over distinct, non-loopback addresses (the captures use one address
/// for both ends). Expected values: computed with an independent Python RFC 1071 sum and
/// confirmed "correct" by tcpdump 4.99 on a pcap holding these segments.
#[test]
fn checksums_over_distinct_addresses_match_tcpdump() {
    let v4 = (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2)));
    let v6 = (
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
    );
    let cases =
        [(V4_SYN, v4, 0x9709), (V4_SYN, v6, 0x27cc), (V4_DATA, v4, 0x759a), (V4_DATA, v6, 0x065d)];
    for (h, (src, dst), want) in cases {
        let mut bytes = hex(h);
        let mut seg = Segment::new_checked(&mut bytes[..]).unwrap();
        seg.fill_checksum(src, dst);
        assert_eq!(seg.checksum(), want);
        assert!(seg.verify_checksum(src, dst));
        // The ones'-complement sum commutes, so swapping the ends still verifies;
        // another address does not.
        assert!(seg.verify_checksum(dst, src));
        assert!(!seg.verify_checksum(src, src));
        // An independent computation: the RFC 1071 definition, one word at a time.
        assert_eq!(naive_checksum(src, dst, seg.as_bytes()), 0xffff);
    }
}

/// The sum over pseudo-header and segment (checksum included), one big-endian
/// word at a time, folded at the end: 0xffff when the checksum is right.
fn naive_checksum(src: IpAddr, dst: IpAddr, segment: &[u8]) -> u16 {
    let mut data = Vec::new();
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            data.extend_from_slice(&s.octets());
            data.extend_from_slice(&d.octets());
            data.extend_from_slice(&[0, 6]);
            data.extend_from_slice(&(segment.len() as u16).to_be_bytes());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            data.extend_from_slice(&s.octets());
            data.extend_from_slice(&d.octets());
            data.extend_from_slice(&(segment.len() as u32).to_be_bytes());
            data.extend_from_slice(&[0, 0, 0, 6]);
        }
        _ => unreachable!(),
    }
    data.extend_from_slice(segment);
    let mut acc: u64 = 0;
    for pair in data.chunks(2) {
        acc += u64::from(pair[0]) << 8 | u64::from(*pair.get(1).unwrap_or(&0));
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}
