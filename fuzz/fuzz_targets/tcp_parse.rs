#![no_main]
//! Raw bytes into the TCP view and repr: never panics; a parsed repr re-emits to
//! bytes that parse back to it.

use core::net::{IpAddr, Ipv4Addr};
use libfuzzer_sys::fuzz_target;
use wirestate_tcp::{Repr, Segment, TcpOption};

const SRC: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
const DST: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2));

fuzz_target!(|data: &[u8]| {
    let Ok(seg) = Segment::new_checked(data) else { return };
    let _ = (seg.flags().names().count(), seg.segment_len(), seg.checksum_ok(SRC, DST));
    for option in seg.options_iter() {
        if let Ok(TcpOption::Sack(blocks)) = option {
            let _ = blocks.iter().count();
        }
    }
    let Ok(repr) = Repr::parse(&seg) else { return };
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Segment::new_unchecked(&mut buf[..]), SRC, DST);
    let seg2 = Segment::new_checked(&buf[..]).expect("emitted segment is well-formed");
    assert!(seg2.verify_checksum(SRC, DST));
    assert_eq!(Repr::parse(&seg2).expect("emitted segment parses"), repr);
});
