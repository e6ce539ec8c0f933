//! Raw bytes through the ARP view and repr: never a panic, and every repr that
//! parses re-emits to bytes that parse back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirestate_arp::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.hardware_type(), packet.protocol_type(), packet.operation());
    let _ = (packet.sender_hardware_addr(), packet.sender_protocol_addr());
    let _ = (packet.target_hardware_addr(), packet.target_protocol_addr(), packet.padding());
    let Ok(repr) = Repr::parse(&packet) else { return };
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(Repr::parse(&Packet::new_checked(&out[..]).unwrap()), Ok(repr));
});
