//! Raw bytes through the Ethernet frame and every VLAN tag: never a panic, and every
//! header that parses re-emits to bytes that parse back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_ethernet::{vlan, Frame, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = Frame::new_checked(data) else { return };
    let Ok(repr) = Repr::parse(&frame) else { return };
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Frame::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Frame::new_checked(&out[..]).unwrap()), Ok(repr));

    // Each tag consumes 4 bytes, so the walk ends.
    let mut ethertype = frame.ethertype();
    let mut rest = frame.into_payload();
    while ethertype.is_vlan_tag() {
        let Ok(tag) = vlan::Tag::new_checked(rest) else { return };
        if let Ok(r) = vlan::Repr::parse(&tag) {
            let mut out = vec![0; r.buffer_len()];
            r.emit(&mut vlan::Tag::new_unchecked(&mut out[..]));
            assert_eq!(vlan::Repr::parse(&vlan::Tag::new_checked(&out[..]).unwrap()), Ok(r));
        }
        ethertype = tag.ethertype();
        rest = tag.into_payload();
    }
});
