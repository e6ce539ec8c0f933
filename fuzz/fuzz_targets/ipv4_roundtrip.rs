#![no_main]
//! Arbitrary (canonical) IPv4 reprs: emit, parse back, compare.

use libfuzzer_sys::fuzz_target;
use wirestate_ip::ipv4::{Packet, Repr};

fuzz_target!(|repr: Repr| {
    let mut buf = vec![0u8; repr.total_len()];
    repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
    let packet = Packet::new_checked(&buf[..]).expect("emitted datagram is valid");
    assert_eq!(Repr::parse_verified(&packet).expect("emitted datagram parses"), repr);
});
