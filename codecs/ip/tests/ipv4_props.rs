//! Properties of the IPv4 codec: no input panics, reprs round-trip, canonical
//! headers re-emit byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test")]

use core::net::Ipv4Addr;

use proptest::prelude::*;
use wirestate_ip::ipv4::{IpOption, Packet, Repr};
use wirestate_ip::IpProtocol;

/// Every getter and iterator of a checked view, and the repr's emit/parse loop.
fn exercise(packet: &Packet<&[u8]>) {
    let _ = (packet.version(), packet.ihl(), packet.dscp(), packet.ecn(), packet.total_len());
    let _ = (packet.ident(), packet.reserved_flag(), packet.dont_frag(), packet.more_frags());
    let _ = (packet.frag_offset(), packet.ttl(), packet.protocol(), packet.checksum());
    let _ = (packet.src_addr(), packet.dst_addr(), packet.payload(), packet.verify_checksum());
    let _ = packet.compute_checksum();
    for option in packet.options_iter().flatten() {
        let _ = (option.kind(), option.copied(), option.buffer_len());
        if let Some(route) = option.route() {
            let _ = route.count();
        }
    }
    let _ = Repr::parse_verified(packet);
    if let Ok(repr) = Repr::parse(packet) {
        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        let back = Packet::new_checked_header(&out[..]).unwrap();
        assert_eq!(Repr::parse(&back).unwrap(), repr);
    }
}

/// Bytes that start like an IPv4 header, so the walk gets past the first checks.
fn header_like() -> impl Strategy<Value = Vec<u8>> {
    (5u8..=15, 0u16..100, proptest::collection::vec(any::<u8>(), 20..120)).prop_map(
        |(ihl, payload, mut b)| {
            b[0] = 0x40 | ihl;
            let total = u16::from(ihl) * 4 + payload;
            b[2..4].copy_from_slice(&total.to_be_bytes());
            b
        },
    )
}

/// An option that walks cleanly, encoded.
fn option() -> impl Strategy<Value = Vec<u8>> {
    let slots = proptest::collection::vec(any::<[u8; 4]>(), 0..3);
    prop_oneof![
        Just(vec![1u8]),
        any::<u16>().prop_map(|v| vec![0x94, 4, (v >> 8) as u8, v as u8]),
        (prop::sample::select(vec![7u8, 131, 137]), 4u8..16, slots.clone()).prop_map(
            |(kind, pointer, slots)| {
                let mut o = vec![kind, 3 + 4 * slots.len() as u8, pointer];
                o.extend(slots.concat());
                o
            }
        ),
        (any::<u8>(), any::<u8>(), slots).prop_map(|(pointer, flags, slots)| {
            let mut o = vec![68, 4 + 4 * slots.len() as u8, pointer, flags];
            o.extend(slots.concat());
            o
        }),
        (
            prop::sample::select(vec![0x88u8, 0x52, 0x9e]),
            proptest::collection::vec(any::<u8>(), 0..6)
        )
            .prop_map(|(kind, data)| {
                let mut o = vec![kind, 2 + data.len() as u8];
                o.extend(data);
                o
            }),
    ]
}

/// A canonical options area: whole options while they fit in 40 bytes, then
/// end-of-list padding to a multiple of 4.
fn options_area() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(option(), 0..6).prop_map(|options| {
        let mut area = Vec::new();
        for o in options {
            if area.len() + o.len() <= 40 {
                area.extend(o);
            }
        }
        area.resize((area.len() + 3) & !3, 0);
        area
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(p) = Packet::new_checked(&bytes[..]) { exercise(&p); }
        if let Ok(p) = Packet::new_checked_header(&bytes[..]) { exercise(&p); }
        let _ = Repr::parse(&Packet::new_unchecked(&bytes[..]));
    }

    #[test]
    fn header_like_bytes_never_panic(bytes in header_like()) {
        if let Ok(p) = Packet::new_checked(&bytes[..]) { exercise(&p); }
        if let Ok(p) = Packet::new_checked_header(&bytes[..]) { exercise(&p); }
    }

    #[test]
    fn generated_reprs_round_trip(
        addrs in any::<(u32, u32)>(),
        protocol in any::<u8>(),
        payload_len in 0u16..2000,
        ttl in any::<u8>(),
        dscp in 0u8..64,
        ecn in 0u8..4,
        ident in any::<u16>(),
        flags in any::<(bool, bool)>(),
        frag_units in 0u16..0x2000,
        options in options_area(),
    ) {
        let repr = Repr {
            src_addr: Ipv4Addr::from(addrs.0),
            dst_addr: Ipv4Addr::from(addrs.1),
            protocol: IpProtocol(protocol),
            payload_len,
            ttl,
            dscp,
            ecn,
            ident,
            dont_frag: flags.0,
            more_frags: flags.1,
            frag_offset: frag_units * 8,
            options: &options,
        };
        let mut buf = vec![0u8; repr.total_len()];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
        let packet = Packet::new_checked(&buf[..]).unwrap();
        prop_assert!(packet.verify_checksum());
        prop_assert_eq!(packet.payload().len(), usize::from(payload_len));
        prop_assert_eq!(Repr::parse_verified(&packet).unwrap(), repr);
        prop_assert!(packet.options_iter().all(|o| o.is_ok()));
    }

    /// A header with valid options, a zero reserved flag and a correct checksum is
    /// canonical: emit(parse(bytes)) == bytes.
    #[test]
    fn canonical_headers_re_emit_exactly(fixed in proptest::collection::vec(any::<u8>(), 20), options in options_area()) {
        let mut header = fixed;
        header[0] = 0x40 | (5 + options.len() / 4) as u8;
        header[6] &= 0x7f;
        let total = (20 + options.len()) as u16;
        header[2..4].copy_from_slice(&total.to_be_bytes());
        header.extend_from_slice(&options);
        Packet::new_unchecked(&mut header[..]).fill_checksum();
        let packet = Packet::new_checked(&header[..]).unwrap();
        let repr = Repr::parse(&packet).unwrap();
        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        prop_assert_eq!(out, header);
    }
}

#[test]
fn generated_options_decode_to_what_they_encode() {
    // A spot check that the strategy's route options are what the codec expects.
    let rr = [7u8, 7, 4, 10, 0, 0, 1, 0];
    let opt = wirestate_ip::ipv4::Options::new(&rr).next().unwrap().unwrap();
    assert_eq!(opt, IpOption::RecordRoute { pointer: 4, data: &[10, 0, 0, 1] });
}

#[cfg(feature = "arbitrary")]
proptest! {
    /// What the `ipv4_roundtrip` fuzz target checks, on random input.
    #[test]
    fn arbitrary_reprs_round_trip(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        use arbitrary::{Arbitrary, Unstructured};
        let mut u = Unstructured::new(&data);
        if let Ok(repr) = Repr::arbitrary(&mut u) {
            let mut buf = vec![0u8; repr.total_len()];
            repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
            let packet = Packet::new_checked(&buf[..]).unwrap();
            prop_assert_eq!(Repr::parse_verified(&packet).unwrap(), repr);
        }
    }
}
