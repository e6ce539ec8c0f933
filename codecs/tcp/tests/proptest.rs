//! Properties: no input panics; parse(emit(r)) == r.normalized(); real segments with
//! changed fields still re-emit byte for byte.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use proptest::prelude::*;
use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber};

fn addrs() -> impl Strategy<Value = (IpAddr, IpAddr)> {
    prop_oneof![
        (any::<u32>(), any::<u32>())
            .prop_map(|(a, b)| (IpAddr::V4(Ipv4Addr::from(a)), IpAddr::V4(Ipv4Addr::from(b)))),
        (any::<u128>(), any::<u128>())
            .prop_map(|(a, b)| (IpAddr::V6(Ipv6Addr::from(a)), IpAddr::V6(Ipv6Addr::from(b)))),
    ]
}

/// Everything a decoder would touch; returns the parsed repr's emission, if any.
fn exercise(bytes: &[u8], src: IpAddr, dst: IpAddr) -> Result<(), TestCaseError> {
    let Ok(seg) = Segment::new_checked(bytes) else { return Ok(()) };
    let _ = (seg.src_port(), seg.dst_port(), seg.seq_number(), seg.ack_number());
    let _ = (seg.flags().names().count(), seg.reserved(), seg.window_len(), seg.urgent_at());
    let _ = (seg.segment_len(), seg.checksum_ok(src, dst), seg.compute_checksum(src, dst));
    for option in seg.options_iter() {
        if let Ok(wirestate_tcp::TcpOption::Sack(blocks)) = option {
            let _ = blocks.iter().count();
        }
    }
    let Ok(repr) = Repr::parse(&seg) else { return Ok(()) };
    prop_assert_eq!(repr.normalized(), repr);
    let _ = Repr::parse_verified(&seg, src, dst);
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Segment::new_unchecked(&mut out[..]), src, dst);
    let seg2 = Segment::new_checked(&out[..]).unwrap();
    prop_assert_eq!(Repr::parse(&seg2).unwrap(), repr);
    if src.is_ipv4() == dst.is_ipv4() {
        prop_assert!(seg2.verify_checksum(src, dst));
    }
    Ok(())
}

/// A header with a plausible data offset followed by option-shaped bytes, so the
/// option walk sees more than the first octet.
fn option_heavy() -> impl Strategy<Value = Vec<u8>> {
    let option = prop_oneof![
        Just(vec![0u8]),
        Just(vec![1u8]),
        (0u8..12, any::<bool>(), 0u8..16, proptest::collection::vec(any::<u8>(), 0..10)).prop_map(
            |(kind, consistent, len, mut body)| {
                // Mostly lengths that match the body, so the walk goes on.
                let len = if consistent { body.len() as u8 + 2 } else { len };
                body.splice(0..0, [kind, len]);
                body
            }
        ),
    ];
    (
        proptest::collection::vec(any::<u8>(), 20),
        proptest::collection::vec(option, 0..8),
        0usize..4,
        proptest::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(|(mut header, options, pad, payload)| {
            let mut opts: Vec<u8> = options.concat();
            opts.truncate(40);
            opts.resize((opts.len() + pad).min(40).next_multiple_of(4).min(40), 0);
            header[12] = (((20 + opts.len()) / 4) as u8) << 4 | (header[12] & 0x0f);
            header.extend_from_slice(&opts);
            header.extend_from_slice(&payload);
            header
        })
}

prop_compose! {
    fn sack_ranges()(blocks in proptest::collection::vec((any::<u32>(), any::<u32>()), 0..=4))
        -> SackRanges {
        let v: Vec<_> = blocks.into_iter().map(|(l, r)| (SeqNumber(l), SeqNumber(r))).collect();
        SackRanges::from_slice(&v)
    }
}

prop_compose! {
    fn repr_fields()(
        ports in any::<(u16, u16)>(),
        seq in any::<u32>(),
        ack in any::<Option<u32>>(),
        flags in any::<u16>(),
        window_len in any::<u16>(),
        urgent_at in any::<u16>(),
        max_seg_size in any::<Option<u16>>(),
        window_scale in any::<Option<u8>>(),
        sack_permitted in any::<bool>(),
        sack in sack_ranges(),
        timestamps in any::<Option<(u32, u32)>>(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
    ) -> (Repr<'static>, Vec<u8>) {
        let repr = Repr {
            src_port: ports.0,
            dst_port: ports.1,
            seq_number: SeqNumber(seq),
            ack_number: ack.map(SeqNumber),
            flags: Flags(flags),
            window_len,
            urgent_at,
            max_seg_size,
            window_scale,
            sack_permitted,
            sack_ranges: sack,
            timestamps,
            payload: &[],
        };
        (repr, payload)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_aligned_timestamps_shortcut_agrees_with_the_option_walk(
        lead in prop_oneof![Just([1u8, 1, 8, 10]), Just([1u8, 1, 8, 11]), Just([1u8, 0, 8, 10]),
                            Just([4u8, 2, 8, 10]), Just([1u8, 1, 8, 9]), any::<[u8; 4]>()],
        body in any::<[u8; 8]>(),
    ) {
        // Parse must take the NOP, NOP, timestamps layout the way the general
        // walk does, and leave every near miss to the walk.
        let mut bytes = vec![0u8; 20];
        bytes[12] = 8 << 4; // 32-octet header
        bytes.extend_from_slice(&lead);
        bytes.extend_from_slice(&body);
        let seg = Segment::new_checked(&bytes[..]).unwrap();
        let mut walked: Result<Option<(u32, u32)>, ()> = Ok(None);
        for option in seg.options_iter() {
            match option {
                Ok(wirestate_tcp::TcpOption::Timestamps { tsval, tsecr }) => {
                    walked = walked.map(|_| Some((tsval, tsecr)));
                }
                Ok(_) => {}
                Err(_) => { walked = Err(()); break; }
            }
        }
        match Repr::parse(&seg) {
            Ok(repr) => prop_assert_eq!(Ok(repr.timestamps), walked),
            Err(_) => prop_assert!(walked.is_err()),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200),
                                   (src, dst) in addrs()) {
        exercise(&bytes, src, dst)?;
    }

    #[test]
    fn option_shaped_bytes_never_panic(bytes in option_heavy(), (src, dst) in addrs()) {
        exercise(&bytes, src, dst)?;
    }

    #[test]
    fn parse_of_emit_is_the_normalized_repr((repr, payload) in repr_fields(),
                                             (src, dst) in addrs()) {
        let repr = Repr { payload: &payload, ..repr };
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Segment::new_unchecked(&mut buf[..]), src, dst);
        let seg = Segment::new_checked(&buf[..]).unwrap();
        prop_assert!(seg.header_len() <= 60);
        prop_assert_eq!(seg.header_len(), repr.header_len());
        prop_assert!(seg.verify_checksum(src, dst));
        prop_assert!(seg.options_iter().all(|o| o.is_ok()));
        let back = Repr::parse_verified(&seg, src, dst).unwrap();
        prop_assert_eq!(back, repr.normalized());
        prop_assert_eq!(back.normalized(), back);
        prop_assert_eq!(back.segment_len(), seg.segment_len());
        // Emitting the parsed repr again gives the same bytes.
        let mut again = vec![0u8; back.buffer_len()];
        back.emit(&mut Segment::new_unchecked(&mut again[..]), src, dst);
        prop_assert_eq!(again, buf);
    }

    /// Real Linux segments with their variable fields changed (and the checksum
    /// refilled) still re-emit byte for byte: the canonical layout is Linux's.
    #[test]
    fn real_segments_with_new_field_values_re_emit_exactly(
        which in 0..common::ALL.len(),
        ports in any::<(u16, u16)>(),
        seq in any::<u32>(),
        window in any::<u16>(),
        (src, dst) in addrs(),
    ) {
        let (_, hex, _) = common::ALL[which];
        let mut bytes = common::hex(hex);
        let mut seg = Segment::new_checked(&mut bytes[..]).unwrap();
        seg.set_src_port(ports.0);
        seg.set_dst_port(ports.1);
        seg.set_seq_number(SeqNumber(seq));
        seg.set_window_len(window);
        seg.fill_checksum(src, dst);
        let repr = Repr::parse(&Segment::new_checked(&bytes[..]).unwrap()).unwrap();
        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Segment::new_unchecked(&mut out[..]), src, dst);
        prop_assert_eq!(out, bytes);
    }
}

/// The option-shaped strategy reaches successful parses with options, not only
/// errors (a guard on the strategy, not on the codec).
#[test]
fn option_shaped_strategy_reaches_the_repr() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut parsed_with_options = 0;
    for _ in 0..500 {
        let bytes = option_heavy().new_tree(&mut runner).unwrap().current();
        let seg = Segment::new_checked(&bytes[..]).unwrap();
        if seg.header_len() > 20 && Repr::parse(&seg).is_ok() {
            parsed_with_options += 1;
        }
    }
    assert!(parsed_with_options > 50, "{parsed_with_options}");
}
