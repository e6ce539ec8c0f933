//! Properties: no input panics; reprs round-trip; real packets re-emit byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use core::net::Ipv4Addr;
use proptest::prelude::*;
use wirestate_arp::{MacAddr, Operation, Packet, Repr};

/// What the parse fuzz target does: view, every accessor, repr, and the round trip
/// of any repr that parses.
fn check(bytes: &[u8]) {
    let Ok(p) = Packet::new_checked(bytes) else { return };
    let _ = (p.hardware_type(), p.protocol_type(), p.operation(), p.padding());
    let _ = (p.sender_hardware_addr(), p.sender_protocol_addr());
    let _ = (p.target_hardware_addr(), p.target_protocol_addr());
    let Ok(r) = Repr::parse(&p) else { return };
    let mut out = vec![0; r.buffer_len()];
    r.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Packet::new_checked(&out[..]).unwrap()), Ok(r));
    // The 28 bytes are canonical: nothing in them is lost by parsing.
    assert_eq!(out[..], bytes[..28]);
}

fn repr() -> impl Strategy<Value = Repr> {
    (any::<u16>(), any::<[u8; 6]>(), any::<u32>(), any::<[u8; 6]>(), any::<u32>()).prop_map(
        |(op, sha, spa, tha, tpa)| Repr {
            operation: Operation::from(op),
            sender_hardware_addr: MacAddr(sha),
            sender_protocol_addr: Ipv4Addr::from(spa),
            target_hardware_addr: MacAddr(tha),
            target_protocol_addr: Ipv4Addr::from(tpa),
        },
    )
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&bytes);
    }

    #[test]
    fn ethernet_ipv4_prefixed_bytes_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..60),
    ) {
        // Mostly valid fixed parts, so the repr path is exercised too.
        let mut bytes = vec![0x00, 0x01, 0x08, 0x00, 0x06, 0x04];
        bytes.extend(tail);
        check(&bytes);
    }

    #[test]
    fn repr_round_trips(r in repr()) {
        let mut buf = [0u8; 28];
        r.emit(&mut Packet::new_unchecked(&mut buf[..]));
        prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()), Ok(r));
    }
}

#[test]
fn real_packets_re_emit_byte_for_byte() {
    let request: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0xc0,
        0xa8, 0x01, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01,
    ];
    let reply: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56, 0xc0,
        0xa8, 0x01, 0x01, 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0xc0, 0xa8, 0x01, 0x64,
    ];
    for bytes in [request, reply] {
        let r = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
        let mut out = [0u8; 28];
        r.emit(&mut Packet::new_unchecked(&mut out[..]));
        assert_eq!(out, bytes);
    }
}
