//! Raw bytes through the ICMPv6 view, repr and NDP option walk: never a panic, and
//! every repr that parses re-emits to a message whose checksum verifies and that
//! parses back to it.
#![no_main]

use core::net::Ipv6Addr;

use libfuzzer_sys::fuzz_target;
use wirestate_icmp::icmpv6::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let (src, dst) =
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1));
    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.msg_type().name(), packet.code(), packet.checksum(), packet.echo_ident());
    let _ = (packet.echo_seq_no(), packet.mtu(), packet.pointer(), packet.cur_hop_limit());
    let _ = (packet.router_flags(), packet.router_lifetime(), packet.reachable_time());
    let _ = (packet.retrans_time(), packet.target_addr(), packet.neighbor_flags());
    let _ = (packet.redirect_dst_addr(), packet.data(), packet.verify_checksum(src, dst));
    let _ = Repr::parse_verified(&packet, src, dst);
    // The walk stops after an error, so it ends.
    for option in packet.ndp_option_iter() {
        let _ = option.map(|o| (o.kind(), o.as_mac(), o.buffer_len()));
    }
    let Ok(repr) = Repr::parse(&packet) else { return };
    assert!(repr.ndp_options().all(|o| o.is_ok()));
    let mut out = vec![0; repr.buffer_len()];
    repr.emit(src, dst, &mut Packet::new_unchecked(&mut out[..]));
    let reparsed = Packet::new_checked(&out[..]).unwrap();
    assert!(reparsed.verify_checksum(src, dst));
    assert_eq!(Repr::parse(&reparsed), Ok(repr));
});
