//! Properties: no input panics; reprs round-trip with valid checksums; real
//! datagrams re-emit byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use proptest::prelude::*;
use wirestate_udp::{Datagram, Repr, MAX_PAYLOAD_LEN};

const V4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

/// What the parse fuzz target does: view, accessors, checksums, repr, round trip.
fn check(bytes: &[u8]) {
    let Ok(d) = Datagram::new_checked(bytes) else { return };
    let _ = (d.src_port(), d.dst_port(), d.checksum(), d.payload());
    let _ = (d.checksum_ok(V4, V4), d.checksum_ok(V6, V6), d.verify_checksum(V4, V6));
    let repr = Repr::parse(&d).unwrap(); // a checked view always parses
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Datagram::new_unchecked(&mut out[..]), V6, V6, d.payload());
    let back = Datagram::new_checked(&out[..]).unwrap();
    assert_eq!(Repr::parse(&back), Ok(repr));
    assert_eq!(back.checksum_ok(V6, V6), Some(true));
}

fn addr_pair() -> impl Strategy<Value = (IpAddr, IpAddr)> {
    prop_oneof![
        (any::<u32>(), any::<u32>())
            .prop_map(|(a, b)| (IpAddr::V4(a.into()), IpAddr::V4(b.into()))),
        (any::<u128>(), any::<u128>())
            .prop_map(|(a, b)| (IpAddr::V6(a.into()), IpAddr::V6(b.into()))),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&bytes);
    }

    #[test]
    fn plausible_lengths_never_panic(
        len in 0u16..64,
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        // Length fields near the buffer size, so every branch of the check is hit.
        let mut bytes = bytes;
        if bytes.len() >= 6 {
            bytes[4..6].copy_from_slice(&len.to_be_bytes());
        }
        check(&bytes);
    }

    #[test]
    fn repr_round_trips_with_a_valid_checksum(
        src_port in any::<u16>(),
        dst_port in any::<u16>(),
        payload in proptest::collection::vec(any::<u8>(), 0..300),
        (src, dst) in addr_pair(),
    ) {
        let repr = Repr { src_port, dst_port, payload_len: payload.len() as u16 };
        let mut out = vec![0; repr.buffer_len()];
        repr.emit(&mut Datagram::new_unchecked(&mut out[..]), src, dst, &payload);
        let d = Datagram::new_checked(&out[..]).unwrap();
        prop_assert_eq!(Repr::parse(&d), Ok(repr));
        prop_assert_eq!(d.payload(), &payload[..]);
        prop_assert_ne!(d.checksum(), 0);
        prop_assert_eq!(d.checksum_ok(src, dst), Some(true));
    }

    #[test]
    fn header_reprs_round_trip(
        src_port in any::<u16>(), dst_port in any::<u16>(), payload_len in 0..=MAX_PAYLOAD_LEN,
    ) {
        let repr = Repr { src_port, dst_port, payload_len };
        let mut out = vec![0; repr.buffer_len()];
        repr.emit_header(&mut Datagram::new_unchecked(&mut out[..]));
        prop_assert_eq!(Repr::parse(&Datagram::new_checked(&out[..]).unwrap()), Ok(repr));
    }
}

#[test]
fn real_datagram_re_emits_byte_for_byte() {
    // The DNS query of `tests/vectors.rs`, 192.168.1.100 -> 192.168.1.1.
    let udp: [u8; 37] = [
        0xd4, 0x31, 0x00, 0x35, 0x00, 0x25, 0xbd, 0xee, 0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x03, b'c',
        b'o', b'm', 0x00, 0x00, 0x01, 0x00, 0x01,
    ];
    let (src, dst) =
        (IpAddr::V4(Ipv4Addr::new(192, 168, 1, 100)), IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1)));
    let d = Datagram::new_checked(&udp[..]).unwrap();
    let repr = Repr::parse(&d).unwrap();
    let mut out = [0u8; 37];
    repr.emit(&mut Datagram::new_unchecked(&mut out[..]), src, dst, d.payload());
    assert_eq!(out, udp);
}
