//! An `Arbitrary` UDP repr (payload_len at most 65527) and addresses: emit with a zero
//! payload and a checksum, parse back, compare, verify.
#![no_main]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use libfuzzer_sys::fuzz_target;
use wirestate_udp::{Datagram, Repr};

fuzz_target!(|input: (Repr, bool, [u8; 16], [u8; 16])| {
    let (repr, v6, s, d) = input;
    let (src, dst) = if v6 {
        (IpAddr::V6(Ipv6Addr::from(s)), IpAddr::V6(Ipv6Addr::from(d)))
    } else {
        let (s4, d4) = ([s[0], s[1], s[2], s[3]], [d[0], d[1], d[2], d[3]]);
        (IpAddr::V4(Ipv4Addr::from(s4)), IpAddr::V4(Ipv4Addr::from(d4)))
    };
    let payload = vec![0; usize::from(repr.payload_len)];
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Datagram::new_unchecked(&mut out[..]), src, dst, &payload);
    let datagram = Datagram::new_checked(&out[..]).unwrap();
    assert_eq!(Repr::parse(&datagram), Ok(repr));
    assert_eq!(datagram.checksum_ok(src, dst), Some(true));
});
