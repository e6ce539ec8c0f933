#![no_main]
//! Raw bytes into the IPv6 view, extension-header walk, option TLVs and reprs:
//! never panics; a parsed repr re-emits to a header that parses back the same.

use libfuzzer_sys::fuzz_target;
use wirestate_ip::ipv6::{FragmentRepr, OptionsRepr, Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let checked = Packet::new_checked(data);
    for packet in [checked.ok(), Packet::new_checked_header(data).ok()].into_iter().flatten() {
        for header in packet.ext_headers().flatten() {
            let _ = (header.as_fragment(), header.as_routing(), header.as_ah());
            if let Some(tlvs) = header.options() {
                tlvs.for_each(drop);
            }
        }
        let _ = packet.upper_layer();
        let repr = Repr::parse(&packet).expect("a checked view parses");
        let mut buf = [0u8; 40];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
        let back = Packet::new_checked_header(&buf[..]).expect("emitted header is valid");
        assert_eq!(Repr::parse(&back).expect("emitted header parses"), repr);
    }
    if let Ok(repr) = FragmentRepr::parse(data) {
        let mut buf = [0u8; 8];
        repr.emit(&mut buf);
        assert_eq!(FragmentRepr::parse(&buf).expect("emitted fragment header parses"), repr);
    }
    if let Ok(repr) = OptionsRepr::parse(data) {
        // The parsed options are the whole area, so emit adds no padding.
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut buf);
        assert_eq!(OptionsRepr::parse(&buf).expect("emitted options header parses"), repr);
    }
});
