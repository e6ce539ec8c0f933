//! Raw bytes through the ICMPv4 view and repr: never a panic, and every repr that
//! parses re-emits to a message whose checksum verifies and that parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_icmp::icmpv4::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.msg_type().name(), packet.code(), packet.checksum(), packet.rest_of_header());
    let _ = (packet.echo_ident(), packet.echo_seq_no(), packet.gateway(), packet.next_hop_mtu());
    let _ = (packet.pointer(), packet.data(), packet.verify_checksum());
    let _ = Repr::parse_verified(&packet);
    let Ok(repr) = Repr::parse(&packet) else { return };
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    let reparsed = Packet::new_checked(&out[..]).unwrap();
    assert!(reparsed.verify_checksum());
    assert_eq!(Repr::parse(&reparsed), Ok(repr));
});
