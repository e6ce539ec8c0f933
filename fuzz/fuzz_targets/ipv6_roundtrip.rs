#![no_main]
//! Arbitrary (canonical) IPv6 fixed-header, fragment and options reprs: emit,
//! parse back, compare.

use libfuzzer_sys::fuzz_target;
use wirestate_ip::ipv6::{FragmentRepr, OptionsRepr, Packet, Repr};

fuzz_target!(|input: (Repr, FragmentRepr, OptionsRepr)| {
    let (repr, fragment, options) = input;
    let mut buf = vec![0u8; repr.total_len()];
    repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
    let packet = Packet::new_checked(&buf[..]).expect("emitted packet is valid");
    assert_eq!(Repr::parse(&packet).expect("emitted header parses"), repr);

    let mut buf = [0u8; 8];
    fragment.emit(&mut buf);
    assert_eq!(FragmentRepr::parse(&buf).expect("emitted fragment header parses"), fragment);

    let mut buf = vec![0u8; options.buffer_len()];
    options.emit(&mut buf);
    assert_eq!(OptionsRepr::parse(&buf).expect("emitted options header parses"), options);
});
