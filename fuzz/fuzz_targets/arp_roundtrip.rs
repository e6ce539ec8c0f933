//! An `Arbitrary` Ethernet/IPv4 ARP repr: emit, parse back, compare. (`Operation`'s
//! `Arbitrary` never yields `Unknown(1)` or `Unknown(2)`.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_arp::{Packet, Repr};

fuzz_target!(|repr: Repr| {
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Packet::new_checked(&out[..]).unwrap()), Ok(repr));
});
