//! Raw bytes through the UDP view, checksums and repr: never a panic, and a datagram
//! that parses re-emits (with its payload and a fresh checksum) to one that parses
//! back to the same repr and verifies.
#![no_main]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use libfuzzer_sys::fuzz_target;
use wirestate_udp::{Datagram, Repr};

const V4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

fuzz_target!(|data: &[u8]| {
    let Ok(datagram) = Datagram::new_checked(data) else { return };
    let _ = (datagram.checksum_ok(V4, V4), datagram.checksum_ok(V6, V6));
    let _ = datagram.verify_checksum(V4, V6);
    let Ok(repr) = Repr::parse(&datagram) else { return };
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Datagram::new_unchecked(&mut out[..]), V4, V4, datagram.payload());
    let back = Datagram::new_checked(&out[..]).unwrap();
    assert_eq!(Repr::parse(&back), Ok(repr));
    assert_eq!(back.payload(), datagram.payload());
    assert_eq!(back.checksum_ok(V4, V4), Some(true));
});
