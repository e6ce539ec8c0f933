//! An `Arbitrary` ICMPv4 or ICMPv6 repr: emit, parse back, compare. The reprs'
//! `Arbitrary` impls yield only canonical values (valid NDP options, RFC 4861
//! address rules kept, `Other` never of a type with its own variant).
#![no_main]

use core::net::Ipv6Addr;

use libfuzzer_sys::fuzz_target;
use wirestate_icmp::{icmpv4, icmpv6};

#[derive(Debug, arbitrary::Arbitrary)]
enum Input<'a> {
    V4(icmpv4::Repr<'a>),
    V6 { repr: icmpv6::Repr<'a>, src: Ipv6Addr, dst: Ipv6Addr },
}

fuzz_target!(|input: Input| {
    match input {
        Input::V4(repr) => {
            let mut out = vec![0; repr.buffer_len()];
            repr.emit(&mut icmpv4::Packet::new_unchecked(&mut out[..]));
            let packet = icmpv4::Packet::new_checked(&out[..]).unwrap();
            assert_eq!(icmpv4::Repr::parse_verified(&packet), Ok(repr));
        }
        Input::V6 { repr, src, dst } => {
            let mut out = vec![0; repr.buffer_len()];
            repr.emit(src, dst, &mut icmpv6::Packet::new_unchecked(&mut out[..]));
            let packet = icmpv6::Packet::new_checked(&out[..]).unwrap();
            assert_eq!(icmpv6::Repr::parse_verified(&packet, src, dst), Ok(repr));
        }
    }
});
