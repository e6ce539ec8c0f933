//! Unit tests of the view and the repr; real captures are in `tests/`.

extern crate std;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::vec;
use std::vec::Vec;

use crate::{Error, Flags, Repr, SackRanges, Segment, SeqNumber, TcpOption};

const A4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
const B4: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2));
const A6: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));

/// A hand-built ACK: ports 80 -> 49152, seq 1, ack 2, offset 6 words with one MSS
/// option, window 0x1000, urgent 7, payload "ab".
fn sample() -> Vec<u8> {
    vec![
        0x00, 0x50, 0xc0, 0x00, 0, 0, 0, 1, 0, 0, 0, 2, 0x60, 0x10, 0x10, 0x00, 0, 0, 0, 7, 0x02,
        0x04, 0x05, 0xb4, b'a', b'b',
    ]
}

fn truncated(field: &'static str, offset: usize, need: usize, have: usize) -> Error {
    Error::Truncated { field, offset, need, have }
}

#[test]
fn getters_read_a_hand_built_segment() {
    let bytes = sample();
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!((seg.src_port(), seg.dst_port()), (80, 49152));
    assert_eq!((seg.seq_number(), seg.ack_number()), (SeqNumber(1), SeqNumber(2)));
    assert_eq!((seg.data_offset(), seg.header_len()), (6, 24));
    assert_eq!((seg.flags(), seg.reserved()), (Flags::ACK, 0));
    assert_eq!((seg.window_len(), seg.checksum(), seg.urgent_at()), (0x1000, 0, 7));
    assert_eq!(seg.options(), [0x02, 0x04, 0x05, 0xb4]);
    assert_eq!(seg.payload(), b"ab");
    assert_eq!(seg.segment_len(), 2);
    assert_eq!(seg.options_iter().collect::<Vec<_>>(), [Ok(TcpOption::MaxSegmentSize(1460))]);
    assert_eq!((seg.options_ref(), seg.payload_ref()), (&bytes[20..24], &bytes[24..]));
    assert_eq!(seg.as_bytes(), &bytes[..]);
    assert_eq!(Segment::<&[u8]>::HEADER_LEN, crate::HEADER_LEN);
    assert_eq!(seg.into_inner(), &bytes[..]);
}

#[test]
fn setters_write_every_field_in_place() {
    let mut bytes = vec![0u8; 26];
    let mut seg = Segment::new_unchecked(&mut bytes[..]);
    seg.set_src_port(80);
    seg.set_dst_port(49152);
    seg.set_seq_number(SeqNumber(1));
    seg.set_ack_number(SeqNumber(2));
    seg.set_header_len(24);
    seg.set_flags(Flags::ACK);
    seg.set_window_len(0x1000);
    seg.set_urgent_at(7);
    seg.options_mut().copy_from_slice(&[0x02, 0x04, 0x05, 0xb4]);
    seg.payload_mut().copy_from_slice(b"ab");
    assert_eq!(bytes, sample());
}

#[test]
fn flags_reserved_and_data_offset_share_byte_12_without_clobbering() {
    let mut bytes = sample();
    let mut seg = Segment::new_unchecked(&mut bytes[..]);
    seg.set_reserved(0b101);
    seg.set_flags(Flags::NS | Flags::CWR | Flags::FIN | Flags(0xfe00));
    assert_eq!(seg.reserved(), 0b101);
    assert_eq!(seg.data_offset(), 6);
    assert_eq!(seg.flags(), Flags::NS | Flags::CWR | Flags::FIN);
    assert_eq!(seg.flags().names().collect::<Vec<_>>(), ["NS", "CWR", "FIN"]);
    seg.set_data_offset(5);
    assert_eq!((seg.reserved(), seg.flags().bits()), (0b101, 0x181));
    seg.set_reserved(0);
    assert_eq!(seg.flags(), Flags::NS | Flags::CWR | Flags::FIN);
    assert_eq!(bytes[12..14], [0x51, 0x81]);
    // The reserved bits never leak into flags().
    bytes[12] = 0x5e;
    assert_eq!(Segment::new_unchecked(&bytes[..]).flags(), Flags::CWR | Flags::FIN);
}

#[test]
fn check_len_errors_name_field_and_offset() {
    let bytes = sample();
    let err = |b: &[u8]| Segment::new_checked(b).unwrap_err();
    assert_eq!(err(&[]), truncated("tcp header", 0, 20, 0));
    assert_eq!(err(&bytes[..19]), truncated("tcp header", 0, 20, 19));
    // Offset 6 words but only the fixed header present.
    assert_eq!(err(&bytes[..20]), truncated("tcp options", 20, 24, 20));
    assert_eq!(err(&bytes[..23]), truncated("tcp options", 20, 24, 23));
    let mut b = bytes.clone();
    for offset in [0x00, 0x40] {
        b[12] = offset;
        assert_eq!(
            err(&b),
            Error::Malformed {
                field: "data_offset",
                offset: 12,
                rule: "RFC 9293 §3.1: data offset is at least 5",
            }
        );
    }
    let mut long = [0u8; 60];
    long[12] = 0xf0;
    assert_eq!(err(&long[..59]), truncated("tcp options", 20, 60, 59));
    assert!(Segment::new_checked(&long[..]).is_ok());
    assert!(Segment::new_checked(&bytes[..24]).is_ok()); // no payload is fine
}

#[test]
fn checksum_fill_verify_and_families() {
    let mut bytes = sample();
    let mut seg = Segment::new_checked(&mut bytes[..]).unwrap();
    assert_eq!(seg.checksum_ok(A4, B4), Some(false));
    seg.fill_checksum(A4, B4);
    let c4 = seg.checksum();
    assert_eq!(seg.checksum_ok(A4, B4), Some(true));
    assert_eq!(seg.compute_checksum(A4, B4), Some(c4));
    seg.fill_checksum(A6, A6);
    assert_ne!(seg.checksum(), c4);
    assert!(seg.verify_checksum(A6, A6) && !seg.verify_checksum(A4, B4));
    // Mixed families: nothing to check against, and fill leaves the field alone.
    let before = seg.checksum();
    assert_eq!(seg.checksum_ok(A4, A6), None);
    assert_eq!(seg.compute_checksum(A6, A4), None);
    assert!(!seg.verify_checksum(A4, A6));
    seg.fill_checksum(A4, A6);
    assert_eq!(seg.checksum(), before);
    // A corrupted payload octet fails.
    seg.payload_mut()[0] ^= 0x40;
    assert!(!seg.verify_checksum(A6, A6));
}

#[test]
fn both_encodings_of_zero_verify() {
    // RFC 1071 accepts 0x0000 and 0xffff alike where the sum is all ones.
    let mut bytes = sample();
    let mut seg = Segment::new_unchecked(&mut bytes[..]);
    seg.fill_checksum(A4, B4);
    // Adding the checksum to the urgent pointer (no carry for this sample) makes the
    // sum of everything else all ones, so the checksum becomes 0x0000.
    let c = seg.checksum();
    seg.set_urgent_at(seg.urgent_at().checked_add(c).unwrap());
    seg.fill_checksum(A4, B4);
    assert_eq!(seg.checksum(), 0x0000);
    assert!(seg.verify_checksum(A4, B4));
    seg.set_checksum(0xffff);
    assert!(seg.verify_checksum(A4, B4));
    seg.set_checksum(0x0001);
    assert!(!seg.verify_checksum(A4, B4));
}

#[test]
fn ipv4_segments_over_64k_have_no_pseudo_header() {
    let mut bytes = vec![0u8; 70_000];
    bytes[12] = 0x50;
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(seg.checksum_ok(A4, B4), None);
    assert!(seg.checksum_ok(A6, A6).is_some()); // IPv6 lengths are 32 bits
}

fn emit(repr: &Repr<'_>, src: IpAddr, dst: IpAddr) -> Vec<u8> {
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Segment::new_unchecked(&mut buf[..]), src, dst);
    buf
}

fn reparse(bytes: &[u8]) -> Repr<'_> {
    Repr::parse(&Segment::new_checked(bytes).unwrap()).unwrap()
}

#[test]
fn repr_parses_the_hand_built_segment() {
    let bytes = sample();
    assert_eq!(
        reparse(&bytes),
        Repr {
            ack_number: Some(SeqNumber(2)),
            flags: Flags::ACK,
            window_len: 0x1000,
            urgent_at: 7,
            max_seg_size: Some(1460),
            payload: b"ab",
            ..Repr::new(80, 49152, SeqNumber(1))
        }
    );
}

#[test]
fn ack_bit_follows_ack_number_on_emit() {
    let with_ack = Repr { ack_number: Some(SeqNumber(9)), ..Repr::new(1, 2, SeqNumber(3)) };
    let bytes = emit(&with_ack, A4, B4);
    assert_eq!(bytes[13], 0x10);
    assert_eq!(reparse(&bytes), with_ack.normalized());
    assert_eq!(reparse(&bytes).flags, Flags::ACK);

    let stray = Repr { flags: Flags::ACK | Flags::FIN, ..Repr::new(1, 2, SeqNumber(3)) };
    let bytes = emit(&stray, A4, B4);
    assert_eq!((&bytes[8..12], bytes[13]), (&[0u8; 4][..], 0x01));
    assert_eq!(reparse(&bytes), stray.normalized());
    assert_eq!(stray.normalized().flags, Flags::FIN);
}

#[test]
fn ack_number_without_ack_bit_is_dropped() {
    let mut bytes = sample();
    bytes[13] = 0x02; // SYN, no ACK; the ack field still holds 2
    assert_eq!(reparse(&bytes).ack_number, None);
}

#[test]
fn emitted_option_layouts_follow_linux() {
    let base = Repr::new(1, 2, SeqNumber(3));
    let cases: [(Repr<'_>, &[u8]); 4] = [
        (Repr { sack_permitted: true, ..base }, &[1, 1, 4, 2]),
        (Repr { timestamps: Some((5, 6)), ..base }, &[1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6]),
        (
            Repr { sack_permitted: true, timestamps: Some((5, 6)), ..base },
            &[4, 2, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6],
        ),
        (
            Repr {
                max_seg_size: Some(536),
                window_scale: Some(0),
                sack_ranges: SackRanges::from_slice(&[(SeqNumber(7), SeqNumber(8))]),
                ..base
            },
            &[2, 4, 2, 0x18, 1, 3, 3, 0, 1, 1, 5, 10, 0, 0, 0, 7, 0, 0, 0, 8],
        ),
    ];
    for (repr, options) in cases {
        let bytes = emit(&repr, A4, B4);
        assert_eq!(&bytes[20..], options, "{repr:?}");
        assert_eq!(reparse(&bytes), repr);
        assert!(Segment::new_checked(&bytes[..]).unwrap().verify_checksum(A4, B4));
    }
}

#[test]
fn sack_blocks_beyond_the_option_space_are_dropped() {
    let four: Vec<_> = (0..4).map(|i| (SeqNumber(i * 10), SeqNumber(i * 10 + 5))).collect();
    let sack = SackRanges::from_slice(&four);
    let base = Repr { sack_ranges: sack, ..Repr::new(1, 2, SeqNumber(3)) };
    let with_ts = Repr { timestamps: Some((1, 2)), ..base };
    let syn_like = Repr { max_seg_size: Some(1), window_scale: Some(1), ..with_ts };
    let no_ts = Repr { max_seg_size: Some(1), window_scale: Some(1), sack_permitted: true, ..base };
    for (repr, fits) in [(base, 4), (with_ts, 3), (syn_like, 2), (no_ts, 3)] {
        assert_eq!(repr.sack_capacity(), fits);
        let bytes = emit(&repr, A4, B4);
        assert!(repr.header_len() <= 60 && repr.header_len() % 4 == 0);
        let back = reparse(&bytes);
        assert_eq!(back.sack_ranges.as_slice(), &four[..fits]);
        assert_eq!(back, repr.normalized());
    }
}

#[test]
fn parse_keeps_the_last_duplicate_and_skips_unknown_and_padding() {
    let mut bytes = vec![0u8; 20];
    bytes[12] = 0x90; // 36 bytes: 16 of options
    bytes.extend_from_slice(&[2, 4, 0, 1, 0xfe, 4, 0xab, 0xcd, 2, 4, 0, 2, 3, 3, 20, 0]);
    bytes.extend_from_slice(b"x");
    let repr = reparse(&bytes);
    assert_eq!(repr.max_seg_size, Some(2));
    assert_eq!(repr.window_scale, Some(20)); // above RFC 7323's 14, kept
    assert_eq!(repr.payload, b"x");
    assert_eq!(emit(&repr, A4, B4).len(), 20 + 8 + 1);
}

#[test]
fn parse_reports_the_first_option_error() {
    let mut bytes = vec![0u8; 20];
    bytes[12] = 0x70; // 8 bytes of options
    bytes.extend_from_slice(&[1, 1, 1, 8, 10, 0, 0, 0]); // timestamps cut short
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse(&seg),
        Err(Error::Malformed {
            field: "option length",
            offset: 24,
            rule: "RFC 9293 §3.1: an option ends within the data offset",
        })
    );
    assert!(Repr::parse_verified(&seg, A4, B4).unwrap_err().field() == "option length");
}

#[test]
fn parse_verified_reports_checksum_and_family_errors() {
    let repr = Repr { payload: b"data", ..Repr::new(1, 2, SeqNumber(3)) };
    let mut bytes = emit(&repr, A4, B4);
    let good = u16::from_be_bytes([bytes[16], bytes[17]]);
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(Repr::parse_verified(&seg, A4, B4), Ok(repr));
    assert_eq!(
        Repr::parse_verified(&seg, A4, A6),
        Err(Error::Unsupported { field: "checksum", offset: 16, value: 0 })
    );
    bytes[16] ^= 0xff;
    let seg = Segment::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse_verified(&seg, A4, B4),
        Err(Error::Checksum {
            field: "checksum",
            offset: 16,
            computed: good,
            found: good ^ 0xff00
        })
    );
}

#[test]
fn emit_with_mixed_families_leaves_the_checksum_zero() {
    let repr = Repr { payload: b"data", ..Repr::new(1, 2, SeqNumber(3)) };
    let bytes = emit(&repr, A4, A6);
    assert_eq!(bytes[16..18], [0, 0]);
    assert_eq!(reparse(&bytes), repr);
}

#[test]
fn repr_lengths() {
    let repr = Repr {
        flags: Flags::SYN | Flags::FIN,
        payload: b"abc",
        max_seg_size: Some(1),
        ..Repr::new(1, 2, SeqNumber(3))
    };
    assert_eq!((repr.header_len(), repr.buffer_len(), repr.segment_len()), (24, 27, 5));
}

#[test]
fn parsed_reprs_are_canonical_when_the_peer_packs_options_tightly() {
    // Found by the tcp_parse fuzz target: MSS, SACK-permitted and four SACK blocks
    // packed without NOPs fill exactly 40 option octets; emit's aligned layout has
    // room for three blocks, so parse keeps three, and the round trip holds.
    let data: [u8; 69] = [
        168, 164, 0, 48, 102, 130, 0, 0, 0, 158, 252, 37, 252, 0, 2, 2, 148, 4, 160, 148, 2, 4,
        196, 4, 5, 34, 26, 4, 235, 196, 4, 2, 8, 10, 30, 2, 2, 0, 0, 0, 0, 0, 0, 0, 9, 4, 4, 196,
        4, 2, 8, 0, 0, 10, 145, 160, 185, 196, 4, 2, 8, 10, 30, 2, 30, 2, 4, 0, 0,
    ];
    let seg = Segment::new_checked(&data[..]).unwrap();
    let blocks_on_wire = seg
        .options_iter()
        .find_map(|o| match o {
            Ok(TcpOption::Sack(b)) => Some(b.iter().count()),
            _ => None,
        })
        .unwrap();
    assert_eq!(blocks_on_wire, 4);
    let repr = Repr::parse(&seg).unwrap();
    assert_eq!(repr.sack_ranges.len(), 3);
    assert_eq!(repr.normalized(), repr);
    let mut buf = vec![0u8; repr.buffer_len()];
    let (src, dst) = ("192.0.2.1".parse().unwrap(), "198.51.100.2".parse().unwrap());
    repr.emit(&mut Segment::new_unchecked(&mut buf[..]), src, dst);
    assert_eq!(Repr::parse(&Segment::new_checked(&buf[..]).unwrap()).unwrap(), repr);
}
