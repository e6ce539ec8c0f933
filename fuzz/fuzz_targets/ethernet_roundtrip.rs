//! An Ethernet header followed by a VLAN tag, both from `Arbitrary`: emit, parse back,
//! compare. (`vlan::Repr`'s `Arbitrary` yields only PCP < 8 and VID < 0xFFF.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_ethernet::{vlan, Frame, Repr};

fuzz_target!(|input: (Repr, vlan::Repr)| {
    let (repr, tag) = input;
    let mut out = vec![0; repr.buffer_len() + tag.buffer_len()];
    let mut frame = Frame::new_unchecked(&mut out[..]);
    repr.emit(&mut frame);
    tag.emit(&mut vlan::Tag::new_unchecked(frame.payload_mut()));

    let frame = Frame::new_checked(&out[..]).unwrap();
    assert_eq!(Repr::parse(&frame), Ok(repr));
    assert_eq!(vlan::Repr::parse(&vlan::Tag::new_checked(frame.payload()).unwrap()), Ok(tag));
});
