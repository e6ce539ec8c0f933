#![no_main]
//! Raw bytes into the IPv4 view, options walk and repr: never panics; a parsed
//! repr re-emits to a header that parses back to the same repr.

use libfuzzer_sys::fuzz_target;
use wirestate_ip::ipv4::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let checked = Packet::new_checked(data);
    for packet in [checked.ok(), Packet::new_checked_header(data).ok()].into_iter().flatten() {
        let _ = (packet.verify_checksum(), packet.payload().len(), packet.frag_offset());
        for option in packet.options_iter().flatten() {
            let _ = option.route().map(Iterator::count);
        }
        let _ = Repr::parse_verified(&packet);
        let Ok(repr) = Repr::parse(&packet) else { continue };
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
        let back = Packet::new_checked_header(&buf[..]).expect("emitted header is valid");
        assert!(back.verify_checksum());
        assert_eq!(Repr::parse(&back).expect("emitted header parses"), repr);
    }
});
