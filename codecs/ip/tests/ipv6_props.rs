//! Properties of the IPv6 codec: no input panics, the extension walk is consistent,
//! reprs round-trip, fixed headers re-emit byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test")]

use core::net::Ipv6Addr;

use proptest::prelude::*;
use wirestate_ip::ipv6::{ExtHeaders, FragmentRepr, OptionsRepr, Packet, Repr, Tlvs};
use wirestate_ip::IpProtocol;

/// Every getter of a checked view, the whole extension walk with every typed
/// accessor, and the repr's emit/parse loop.
fn exercise(packet: &Packet<&[u8]>) {
    let _ = (packet.version(), packet.traffic_class(), packet.dscp(), packet.ecn());
    let _ = (packet.flow_label(), packet.payload_len(), packet.next_header(), packet.hop_limit());
    let _ = (packet.src_addr(), packet.dst_addr(), packet.payload(), packet.upper_layer());
    check_walk(packet.ext_headers(), packet.payload().len());
    let repr = Repr::parse(packet).unwrap();
    let mut out = [0u8; 40];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Packet::new_checked_header(&out[..]).unwrap()).unwrap(), repr);
}

/// Drains a walk and checks the headers tile the payload up to the upper layer.
fn check_walk(mut walk: ExtHeaders<'_>, payload_len: usize) {
    let mut expected_offset = 0;
    let mut failed = false;
    for header in walk.by_ref() {
        let Ok(h) = header else {
            failed = true;
            continue;
        };
        assert_eq!(h.offset, expected_offset);
        assert!(h.bytes.len() >= 8);
        expected_offset += h.bytes.len();
        let _ = (h.as_fragment(), h.as_routing(), h.as_ah());
        if let Some(tlvs) = h.options() {
            for tlv in tlvs.flatten() {
                let _ = (tlv.kind(), tlv.action(), tlv.buffer_len());
            }
        }
    }
    assert!(walk.next().is_none());
    assert!(walk.upper_offset() <= payload_len);
    if !failed {
        assert_eq!(walk.upper_offset(), expected_offset);
        assert!(!walk.upper_layer().is_ipv6_extension() || walk.is_later_fragment());
    }
}

/// Extension headers of random kinds and lengths, chained and cut at random.
fn chain() -> impl Strategy<Value = (u8, Vec<u8>)> {
    let kinds = prop::sample::select(vec![0u8, 43, 44, 51, 60, 60, 17, 50, 59]);
    let header = (kinds, 0u8..4, proptest::collection::vec(any::<u8>(), 32));
    (kinds_first(), proptest::collection::vec(header, 0..20), any::<prop::sample::Index>())
        .prop_map(|(first, headers, cut)| {
            let mut payload = Vec::new();
            for (next, units, body) in headers {
                let mut h = body;
                h[0] = next;
                h[1] = units;
                h.truncate(8 * (usize::from(units) + 1));
                payload.extend(h);
            }
            let keep = if payload.is_empty() { 0 } else { cut.index(payload.len() + 1) };
            payload.truncate(keep.max(payload.len() * 3 / 4));
            (first, payload)
        })
}

fn kinds_first() -> impl Strategy<Value = u8> {
    prop::sample::select(vec![0u8, 43, 44, 51, 60])
}

fn with_header(next_header: u8, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0x60, 0, 0, 0];
    b.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    b.extend_from_slice(&[next_header, 64]);
    b.extend_from_slice(&[0x20; 32]);
    b.extend_from_slice(payload);
    b
}

/// One encoded TLV that walks cleanly.
fn tlv() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(vec![0u8]),
        (0u8..6).prop_map(|n| {
            let mut t = vec![1, n];
            t.resize(2 + usize::from(n), 0);
            t
        }),
        any::<u16>().prop_map(|v| vec![5, 2, (v >> 8) as u8, v as u8]),
        any::<u32>().prop_map(|v| {
            let mut t = vec![0xc2, 4];
            t.extend(v.to_be_bytes());
            t
        }),
        (
            prop::sample::select(vec![0x1eu8, 0x3e, 0x7e, 0xbe, 0xfe]),
            proptest::collection::vec(any::<u8>(), 0..8)
        )
            .prop_map(|(kind, data)| {
                let mut t = vec![kind, data.len() as u8];
                t.extend(data);
                t
            }),
    ]
}

/// Options of `8n - 2` bytes: TLVs, then Pad1 or PadN to the boundary.
fn canonical_options() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(tlv(), 0..6).prop_map(|tlvs| {
        let mut o = tlvs.concat();
        let pad = (8 - (o.len() + 2) % 8) % 8;
        match pad {
            0 => {}
            1 => o.push(0),
            n => {
                o.extend([1, (n - 2) as u8]);
                o.resize(o.len() + n - 2, 0);
            }
        }
        o
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(p) = Packet::new_checked(&bytes[..]) { exercise(&p); }
        if let Ok(p) = Packet::new_checked_header(&bytes[..]) { exercise(&p); }
        let _ = Repr::parse(&Packet::new_unchecked(&bytes[..]));
        let _ = FragmentRepr::parse(&bytes);
        if let Ok(r) = OptionsRepr::parse(&bytes) { let _ = r.buffer_len(); }
        for tlv in Tlvs::new(&bytes, 0) { let _ = tlv; }
        check_walk(ExtHeaders::new(IpProtocol(bytes.first().copied().unwrap_or(0) % 64), &bytes), bytes.len());
    }

    #[test]
    fn generated_chains_never_panic((first, payload) in chain()) {
        let bytes = with_header(first, &payload);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        exercise(&p);
    }

    #[test]
    fn generated_reprs_round_trip(
        addrs in any::<(u128, u128)>(),
        next_header in any::<u8>(),
        payload_len in 0u16..2000,
        hop_limit in any::<u8>(),
        traffic_class in any::<u8>(),
        flow_label in 0u32..0x10_0000,
    ) {
        let repr = Repr {
            src_addr: Ipv6Addr::from(addrs.0),
            dst_addr: Ipv6Addr::from(addrs.1),
            next_header: IpProtocol(next_header),
            payload_len,
            hop_limit,
            traffic_class,
            flow_label,
        };
        let mut buf = vec![0u8; repr.total_len()];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
        let packet = Packet::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(Repr::parse(&packet).unwrap(), repr);
    }

    #[test]
    fn fragment_reprs_round_trip(next_header in any::<u8>(), units in 0u16..0x2000, more in any::<bool>(), ident in any::<u32>()) {
        let repr = FragmentRepr { next_header: IpProtocol(next_header), offset: units * 8, more, ident };
        let mut buf = [0u8; 8];
        repr.emit(&mut buf);
        prop_assert_eq!(FragmentRepr::parse(&buf).unwrap(), repr);
    }

    #[test]
    fn options_reprs_round_trip(next_header in any::<u8>(), options in canonical_options()) {
        let repr = OptionsRepr { next_header: IpProtocol(next_header), options: &options };
        let mut buf = vec![0u8; repr.buffer_len()];
        prop_assert_eq!(buf.len(), options.len() + 2);
        repr.emit(&mut buf);
        prop_assert_eq!(OptionsRepr::parse(&buf).unwrap(), repr);
    }

    /// Any 40 bytes with version 6 are a canonical fixed header.
    #[test]
    fn fixed_headers_re_emit_exactly(mut header in proptest::collection::vec(any::<u8>(), 40)) {
        header[0] = 0x60 | (header[0] & 0x0f);
        let repr = Repr::parse(&Packet::new_checked_header(&header[..]).unwrap()).unwrap();
        let mut out = [0u8; 40];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]));
        prop_assert_eq!(&out[..], &header[..]);
    }
}

#[cfg(feature = "arbitrary")]
proptest! {
    /// What the `ipv6_roundtrip` fuzz target checks, on random input.
    #[test]
    fn arbitrary_reprs_round_trip(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        use arbitrary::{Arbitrary, Unstructured};
        let mut u = Unstructured::new(&data);
        if let Ok(repr) = Repr::arbitrary(&mut u) {
            let mut buf = vec![0u8; repr.total_len()];
            repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()).unwrap(), repr);
        }
        if let Ok(repr) = FragmentRepr::arbitrary(&mut u) {
            let mut buf = [0u8; 8];
            repr.emit(&mut buf);
            prop_assert_eq!(FragmentRepr::parse(&buf).unwrap(), repr);
        }
        if let Ok(repr) = OptionsRepr::arbitrary(&mut u) {
            let mut buf = vec![0u8; repr.buffer_len()];
            repr.emit(&mut buf);
            prop_assert_eq!(OptionsRepr::parse(&buf).unwrap(), repr);
        }
    }
}
