//! Properties: no input panics; reprs round-trip; real headers re-emit byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use proptest::prelude::*;
use wirestate_ethernet::{vlan, EtherType, Frame, MacAddr, Repr};

/// Parses `bytes` as the parse fuzz target does: the frame, then every VLAN tag.
/// Every repr that parses must emit to bytes that parse back to it.
fn walk(bytes: &[u8]) {
    let Ok(frame) = Frame::new_checked(bytes) else { return };
    let eth = Repr::parse(&frame).unwrap();
    let mut out = vec![0; eth.buffer_len()];
    eth.emit(&mut Frame::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Frame::new_checked(&out[..]).unwrap()), Ok(eth));

    let mut ethertype = frame.ethertype();
    let mut rest = frame.into_payload();
    while ethertype.is_vlan_tag() {
        let Ok(tag) = vlan::Tag::new_checked(rest) else { return };
        if let Ok(r) = vlan::Repr::parse(&tag) {
            let mut out = [0u8; 4];
            r.emit(&mut vlan::Tag::new_unchecked(&mut out[..]));
            assert_eq!(vlan::Repr::parse(&vlan::Tag::new_checked(&out[..]).unwrap()), Ok(r));
        }
        ethertype = tag.ethertype();
        rest = tag.into_payload();
    }
}

fn mac() -> impl Strategy<Value = MacAddr> {
    any::<[u8; 6]>().prop_map(MacAddr)
}

fn eth_repr() -> impl Strategy<Value = Repr> {
    (mac(), mac(), any::<u16>()).prop_map(|(src, dst, t)| Repr {
        src,
        dst,
        ethertype: EtherType(t),
    })
}

fn vlan_repr() -> impl Strategy<Value = vlan::Repr> {
    (0u8..8, any::<bool>(), 0u16..0xfff, any::<u16>()).prop_map(|(pcp, dei, vid, t)| vlan::Repr {
        pcp,
        dei,
        vid,
        ethertype: EtherType(t),
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        walk(&bytes);
    }

    #[test]
    fn tag_heavy_bytes_never_panic(tags in proptest::collection::vec(
        prop_oneof![Just([0x81u8, 0x00]), Just([0x88, 0xa8]), Just([0x91, 0x00]), any::<[u8; 2]>()],
        0..40,
    )) {
        // Mostly TPIDs, so the tag walk goes deep and ends at every possible length.
        let mut bytes = vec![0u8; 12];
        bytes.extend(tags.iter().flatten());
        walk(&bytes);
    }

    #[test]
    fn ethernet_repr_round_trips(r in eth_repr()) {
        let mut buf = [0u8; 14];
        r.emit(&mut Frame::new_unchecked(&mut buf[..]));
        prop_assert_eq!(Repr::parse(&Frame::new_checked(&buf[..]).unwrap()), Ok(r));
    }

    #[test]
    fn vlan_repr_round_trips(r in vlan_repr()) {
        let mut buf = [0u8; 4];
        r.emit(&mut vlan::Tag::new_unchecked(&mut buf[..]));
        prop_assert_eq!(vlan::Repr::parse(&vlan::Tag::new_checked(&buf[..]).unwrap()), Ok(r));
    }
}

/// Headers from typical captures: an ARP broadcast, an IPv6 frame to an IPv6
/// multicast MAC (33:33:00:00:00:fb, mDNS), and the QinQ frame of `tests/qinq.rs`.
const REAL_FRAMES: [&[u8]; 3] = [
    &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x08, 0x06],
    &[0x33, 0x33, 0x00, 0x00, 0x00, 0xfb, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x86, 0xdd],
    &[
        0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x88, 0xa8, 0x60,
        0x64, 0x81, 0x00, 0x10, 0xc8, 0x08, 0x00,
    ],
];

#[test]
fn real_headers_re_emit_byte_for_byte() {
    for bytes in REAL_FRAMES {
        let frame = Frame::new_checked(bytes).unwrap();
        let mut out = vec![0u8; bytes.len()];
        let mut view = Frame::new_unchecked(&mut out[..]);
        Repr::parse(&frame).unwrap().emit(&mut view);
        let mut ethertype = frame.ethertype();
        let (mut src, mut dst) = (frame.into_payload(), view.into_payload_mut());
        while ethertype.is_vlan_tag() {
            let tag = vlan::Tag::new_checked(src).unwrap();
            let mut out_tag = vlan::Tag::new_unchecked(dst);
            vlan::Repr::parse(&tag).unwrap().emit(&mut out_tag);
            ethertype = tag.ethertype();
            src = tag.into_payload();
            dst = out_tag.into_payload_mut();
        }
        assert_eq!(out, bytes);
    }
}
