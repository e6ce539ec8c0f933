//! The hand-written `Arbitrary` impls produce reprs that round-trip exactly, which
//! is what the `tcp_roundtrip` fuzz target relies on.
#![cfg(feature = "arbitrary")]

use arbitrary::{Arbitrary, Unstructured};
use core::net::{IpAddr, Ipv4Addr};
use proptest::prelude::*;
use wirestate_tcp::{Repr, Segment};

const ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_reprs_round_trip(seed in proptest::collection::vec(any::<u8>(), 0..300)) {
        let Ok(repr) = Repr::arbitrary_take_rest(Unstructured::new(&seed)) else { return Ok(()) };
        prop_assert_eq!(repr.normalized(), repr);
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Segment::new_unchecked(&mut buf[..]), ADDR, ADDR);
        let seg = Segment::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(Repr::parse_verified(&seg, ADDR, ADDR).unwrap(), repr);
    }
}
