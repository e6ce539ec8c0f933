#![no_main]
//! Arbitrary TCP reprs (normalised by their Arbitrary impl) survive emit -> parse.

use core::net::{IpAddr, Ipv6Addr};
use libfuzzer_sys::fuzz_target;
use wirestate_tcp::{Repr, Segment};

const SRC: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
const DST: IpAddr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));

fuzz_target!(|repr: Repr| {
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Segment::new_unchecked(&mut buf[..]), SRC, DST);
    let seg = Segment::new_checked(&buf[..]).expect("emitted segment is well-formed");
    assert!(seg.verify_checksum(SRC, DST));
    assert_eq!(Repr::parse_verified(&seg, SRC, DST).expect("emitted segment parses"), repr);
});
