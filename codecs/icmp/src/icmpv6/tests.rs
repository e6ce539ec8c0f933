//! ICMPv6 tests. The packets were built field by field in the layouts of RFC 4443
//! and RFC 4861 as `ping` and a Linux host or router send them, and their
//! checksums computed over the pseudo-header with an independent RFC 1071
//! implementation (Python), not with this crate. Link-layer addresses are from
//! the documentation range of RFC 7042 (02:00:5e:00:53:xx).

extern crate std;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use core::net::Ipv6Addr;

use proptest::prelude::*;

use super::*;
use crate::ndp::{NdpOption, Options};
use crate::test_util::hex;
use crate::Error;

/// `ping -c 1 fe80::2%eth0` from fe80::1: identifier 0x0a0b, sequence 1, 56 data
/// bytes (a 16-byte `struct timeval`, then 0x10 ... 0x37).
const ECHO_REQUEST: &str = concat!(
    "800043250a0b00012b1a506600000000f1fb0900000000001011121314151617",
    "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/// The reply, fe80::2 to fe80::1.
const ECHO_REPLY: &str = concat!(
    "810042250a0b00012b1a506600000000f1fb0900000000001011121314151617",
    "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/// fe80::1 asking ff02::1:ff00:2 for fe80::2, with its source link-layer address
/// 02:00:5e:00:53:01.
const NS: &str = "8700c99600000000fe800000000000000000000000000002010102005e005301";

/// fe80::2 answering fe80::1: solicited and override set, target link-layer
/// address 02:00:5e:00:53:02.
const NA: &str = "8800671960000000fe800000000000000000000000000002020102005e005302";

/// fe80::1 to ff02::1: hop limit 64, O set, lifetime 1800 s; options source
/// link-layer address, MTU 1500, prefix 2001:db8::/64 (L, A, 30 d, 7 d).
const RA: &str = concat!(
    "86003ca9404007080000000000000000010102005e00530105010000000005dc",
    "030440c000278d0000093a800000000020010db8000000000000000000000000",
);

/// fe80::2 to ff02::2 with its source link-layer address.
const RS: &str = "8500c92900000000010102005e005302";

/// fe80::1 to fe80::2: reach 2001:db8::99 through fe80::3; options target
/// link-layer address and the redirected header (the start of the packet).
const REDIRECT: &str = concat!(
    "8900cc6100000000fe80000000000000000000000000000320010db800000000",
    "0000000000000099020102005e00530304060000000000006000000000083a40",
    "fe80000000000000000000000000000220010db8000000000000000000000099",
);

fn addr(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn packet(bytes: &[u8]) -> Packet<&[u8]> {
    Packet::new_checked(bytes).unwrap()
}

fn emit(repr: &Repr<'_>, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
    let mut buf = vec![0xa5; repr.buffer_len()];
    repr.emit(src, dst, &mut Packet::new_unchecked(&mut buf[..]));
    buf
}

fn options<'a>(repr: &Repr<'a>) -> Vec<NdpOption<'a>> {
    repr.ndp_options().collect::<Result<_, _>>().unwrap()
}

/// Every real packet with the addresses its checksum was computed for.
fn real_packets() -> [(&'static str, &'static str, &'static str); 7] {
    [
        (ECHO_REQUEST, "fe80::1", "fe80::2"),
        (ECHO_REPLY, "fe80::2", "fe80::1"),
        (NS, "fe80::1", "ff02::1:ff00:2"),
        (NA, "fe80::2", "fe80::1"),
        (RA, "fe80::1", "ff02::1"),
        (RS, "fe80::2", "ff02::2"),
        (REDIRECT, "fe80::1", "fe80::2"),
    ]
}

#[test]
fn echo_request_with_pseudo_header_checksum() {
    let bytes = hex(ECHO_REQUEST);
    let p = packet(&bytes);
    assert_eq!(p.msg_type(), Message::ECHO_REQUEST);
    assert_eq!((p.code(), p.checksum()), (0, 0x4325));
    assert_eq!((p.echo_ident(), p.echo_seq_no()), (0x0a0b, 1));
    assert_eq!((p.header_len(), p.data().len()), (8, 56));
    assert_eq!(p.payload(), p.data());
    assert!(p.ndp_options().is_empty());
    assert!(p.verify_checksum(addr("fe80::1"), addr("fe80::2")));
    assert!(p.checksum_ok(addr("fe80::1"), addr("fe80::2")));
    // The pseudo-header counts: other addresses do not verify.
    assert!(!p.verify_checksum(addr("fe80::1"), addr("fe80::3")));
    assert!(!p.verify_checksum(addr("fe80::1"), addr("ff02::1")));
    // The sum commutes, so swapped addresses verify too (RFC 1071 §2 (A)).
    assert!(p.verify_checksum(addr("fe80::2"), addr("fe80::1")));
    assert_eq!(p.compute_checksum(addr("fe80::1"), addr("fe80::2")), 0x4325);
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(repr, Repr::EchoRequest { ident: 0x0a0b, seq_no: 1, data: &bytes[8..] });
    let reply = hex(ECHO_REPLY);
    let r = Repr::parse_verified(&packet(&reply), addr("fe80::2"), addr("fe80::1")).unwrap();
    assert_eq!(r, Repr::EchoReply { ident: 0x0a0b, seq_no: 1, data: &bytes[8..] });
}

#[test]
fn neighbor_solicitation_with_source_link_layer_address() {
    let bytes = hex(NS);
    let p = packet(&bytes);
    assert!(p.verify_checksum(addr("fe80::1"), addr("ff02::1:ff00:2")));
    assert_eq!(p.msg_type().name(), Some("neighbor solicitation"));
    assert_eq!(p.target_addr(), addr("fe80::2"));
    assert_eq!((p.header_len(), p.ndp_options()), (24, &bytes[24..]));
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(repr, Repr::NeighborSolicit { target: addr("fe80::2"), options: &bytes[24..] });
    let opts = options(&repr);
    assert_eq!(opts, [NdpOption::SourceLinkAddr(&bytes[26..32])]);
    assert_eq!(opts[0].as_mac().unwrap().to_string(), "02:00:5e:00:53:01");
    assert_eq!(p.ndp_option_iter().collect::<Vec<_>>(), [Ok(opts[0])]);
}

#[test]
fn neighbor_advertisement_flags() {
    let bytes = hex(NA);
    let p = packet(&bytes);
    assert!(p.verify_checksum(addr("fe80::2"), addr("fe80::1")));
    assert_eq!(p.neighbor_flags(), neighbor_flags::SOLICITED | neighbor_flags::OVERRIDE);
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(
        repr,
        Repr::NeighborAdvert {
            router: false,
            solicited: true,
            override_: true,
            target: addr("fe80::2"),
            options: &bytes[24..],
        }
    );
    assert_eq!(options(&repr)[0].as_mac().unwrap().to_string(), "02:00:5e:00:53:02");
}

#[test]
fn router_advertisement_with_prefix_mtu_and_source_address() {
    let bytes = hex(RA);
    let p = packet(&bytes);
    assert!(p.verify_checksum(addr("fe80::1"), addr("ff02::1")));
    assert_eq!((p.cur_hop_limit(), p.router_flags()), (64, router_flags::OTHER));
    assert_eq!((p.router_lifetime(), p.reachable_time(), p.retrans_time()), (1800, 0, 0));
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(
        repr,
        Repr::RouterAdvert {
            hop_limit: 64,
            managed: false,
            other: true,
            router_lifetime: 1800,
            reachable_time: 0,
            retrans_time: 0,
            options: &bytes[16..],
        }
    );
    assert_eq!(
        options(&repr),
        [
            NdpOption::SourceLinkAddr(&bytes[18..24]),
            NdpOption::Mtu(1500),
            NdpOption::PrefixInfo {
                prefix_len: 64,
                on_link: true,
                autonomous: true,
                valid_lifetime: 2_592_000,
                preferred_lifetime: 604_800,
                prefix: addr("2001:db8::"),
            },
        ]
    );
}

#[test]
fn router_solicitation_and_redirect() {
    let bytes = hex(RS);
    let p = packet(&bytes);
    assert!(p.verify_checksum(addr("fe80::2"), addr("ff02::2")));
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(repr, Repr::RouterSolicit { options: &bytes[8..] });
    assert_eq!(options(&repr)[0].as_mac().unwrap().to_string(), "02:00:5e:00:53:02");

    let bytes = hex(REDIRECT);
    let p = packet(&bytes);
    assert!(p.verify_checksum(addr("fe80::1"), addr("fe80::2")));
    assert_eq!((p.target_addr(), p.redirect_dst_addr()), (addr("fe80::3"), addr("2001:db8::99")));
    let repr = Repr::parse(&p).unwrap();
    assert_eq!(
        repr,
        Repr::Redirect {
            target: addr("fe80::3"),
            dst: addr("2001:db8::99"),
            options: &bytes[40..]
        }
    );
    let opts = options(&repr);
    assert_eq!(opts[0].as_mac().unwrap().to_string(), "02:00:5e:00:53:03");
    assert_eq!(opts[1], NdpOption::RedirectedHeader(&bytes[56..]));
}

#[test]
fn real_packets_are_canonical() {
    for (h, src, dst) in real_packets() {
        let bytes = hex(h);
        let repr = Repr::parse_verified(&packet(&bytes), addr(src), addr(dst)).unwrap();
        assert_eq!(emit(&repr, addr(src), addr(dst)), bytes, "{h}");
    }
}

#[test]
fn error_messages_round_trip() {
    let (a, b) = (addr("2001:db8::1"), addr("2001:db8::2"));
    for repr in [
        Repr::DstUnreachable { code: dst_unreachable::PORT_UNREACHABLE, quoted: b"\x60\0\0\0" },
        Repr::PacketTooBig { mtu: 1280, quoted: b"\x60" },
        Repr::TimeExceeded { code: time_exceeded::HOP_LIMIT_EXCEEDED, quoted: b"" },
        Repr::ParamProblem {
            code: param_problem::UNRECOGNIZED_NEXT_HEADER,
            pointer: 6,
            quoted: b"q",
        },
        Repr::DstUnreachable { code: 200, quoted: b"unknown codes are kept" },
    ] {
        let bytes = emit(&repr, a, b);
        let p = packet(&bytes);
        assert!(p.msg_type().is_error());
        assert_eq!(Repr::parse_verified(&p, a, b), Ok(repr));
    }
    let bytes = emit(&Repr::PacketTooBig { mtu: 1280, quoted: b"" }, a, b);
    assert_eq!((packet(&bytes).mtu(), &bytes[4..8]), (1280, &[0, 0, 5, 0][..]));
    let bytes = emit(&Repr::ParamProblem { code: 0, pointer: 40, quoted: b"" }, a, b);
    assert_eq!(packet(&bytes).pointer(), 40);
}

#[test]
fn reserved_and_unused_bits_are_ignored_and_written_as_zero() {
    let (a, b) = (addr("fe80::1"), addr("fe80::2"));
    let check = |bytes: &[u8], canonical: &[u8]| {
        let repr = Repr::parse(&packet(bytes)).unwrap();
        assert_eq!(emit(&repr, a, b), canonical);
    };
    let canonical = emit(&Repr::DstUnreachable { code: 3, quoted: b"x" }, a, b);
    let mut noisy = canonical.clone();
    noisy[4..8].copy_from_slice(&[1, 2, 3, 4]);
    check(&noisy, &canonical);
    // Packet too big: the code is "ignored by the receiver" (RFC 4443 §3.2).
    let canonical = emit(&Repr::PacketTooBig { mtu: 1400, quoted: b"" }, a, b);
    let mut noisy = canonical.clone();
    noisy[1] = 5;
    check(&noisy, &canonical);
    // NA: the 29 reserved bits; RA: the flag bits other than M and O.
    let canonical = hex(NA);
    let mut noisy = canonical.clone();
    noisy[4] |= 0x1f;
    noisy[7] = 0xff;
    let repr = Repr::parse(&packet(&noisy)).unwrap();
    assert_eq!(emit(&repr, addr("fe80::2"), addr("fe80::1")), canonical);
    let canonical = hex(RA);
    let mut noisy = canonical.clone();
    noisy[5] |= 0x3f;
    let repr = Repr::parse(&packet(&noisy)).unwrap();
    assert_eq!(emit(&repr, addr("fe80::1"), addr("ff02::1")), canonical);
}

#[test]
fn echo_with_a_code_mld_and_unknown_types_are_other() {
    let (a, b) = (addr("fe80::1"), addr("ff02::16"));
    for (t, code) in [(128u8, 1u8), (129, 9), (130, 0), (143, 0), (200, 7), (100, 0)] {
        let mut bytes = vec![t, code, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        bytes.extend_from_slice(&[0; 8]);
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.fill_checksum(a, b);
        let repr = Repr::parse(&packet(&bytes)).unwrap();
        if t < 128 {
            // Unknown error types are errors too, but have no variant here.
            assert!(Message(t).is_error());
        }
        assert_eq!(repr, Repr::Other { msg_type: t, code, data: &bytes[4..] });
        assert_eq!((repr.header_len(), repr.buffer_len()), (4, bytes.len()));
        assert_eq!(repr.ndp_options().next(), None);
        assert_eq!(emit(&repr, a, b), bytes);
    }
}

#[test]
fn getters_of_another_type_past_the_end_read_zero() {
    let bytes = [200u8, 0, 0, 0];
    let p = packet(&bytes);
    assert_eq!((p.echo_ident(), p.echo_seq_no(), p.mtu(), p.pointer()), (0, 0, 0, 0));
    assert_eq!((p.cur_hop_limit(), p.router_flags(), p.router_lifetime()), (0, 0, 0));
    assert_eq!((p.reachable_time(), p.retrans_time(), p.neighbor_flags()), (0, 0, 0));
    assert_eq!(
        (p.target_addr(), p.redirect_dst_addr()),
        (Ipv6Addr::UNSPECIFIED, Ipv6Addr::UNSPECIFIED)
    );
    assert_eq!((p.header_len(), p.data()), (4, &[][..]));
    assert_eq!(p.ndp_option_iter().next(), None);
}

#[test]
fn setters_write_every_field() {
    let mut buf = [0xffu8; 40];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_msg_type(Message::ROUTER_ADVERT);
    p.set_code(0);
    p.set_cur_hop_limit(255);
    p.set_router_flags(router_flags::MANAGED);
    p.set_router_lifetime(9000);
    p.set_reachable_time(30_000);
    p.set_retrans_time(1000);
    p.data_mut().copy_from_slice(&[
        5, 1, 0, 0, 0, 0, 0x23, 0x28, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    p.fill_checksum(addr("fe80::1"), addr("ff02::1"));
    assert!(p.verify_checksum(addr("fe80::1"), addr("ff02::1")));
    assert_eq!(
        Repr::parse(&packet(&buf)).unwrap(),
        Repr::RouterAdvert {
            hop_limit: 255,
            managed: true,
            other: false,
            router_lifetime: 9000,
            reachable_time: 30_000,
            retrans_time: 1000,
            options: &buf[16..],
        }
    );

    let mut buf = [0xffu8; 40];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_msg_type(Message::REDIRECT);
    p.clear_reserved();
    p.set_target_addr(addr("fe80::3"));
    p.set_redirect_dst_addr(addr("2001:db8::1"));
    p.set_checksum(0xbeef);
    assert_eq!(&p.into_inner()[4..8], &[0; 4]);
    let p = packet(&buf);
    assert_eq!(
        (p.target_addr(), p.redirect_dst_addr(), p.checksum()),
        (addr("fe80::3"), addr("2001:db8::1"), 0xbeef)
    );

    let mut buf = [0xffu8; 24];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_msg_type(Message::NEIGHBOR_ADVERT);
    p.clear_reserved();
    assert_eq!(&p.into_inner()[4..8], &[0xe0, 0, 0, 0], "flags kept, reserved cleared");

    let mut buf = [0u8; 8];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_msg_type(Message::ECHO_REPLY);
    p.set_echo_ident(0x1234);
    p.set_echo_seq_no(0x5678);
    p.clear_reserved();
    assert_eq!((p.echo_ident(), p.echo_seq_no()), (0x1234, 0x5678));
    p.set_mtu(0xa0b0_c0d0);
    assert_eq!(p.mtu(), 0xa0b0_c0d0);
    p.set_pointer(7);
    p.set_neighbor_flags(0x80);
    assert_eq!(p.neighbor_flags(), 0x80);
    assert!(p.payload_mut().is_empty());
}

#[test]
fn short_messages_are_truncated_with_their_name() {
    assert_eq!(
        Packet::new_checked(&[1u8, 0, 0][..]),
        Err(Error::Truncated { field: "icmpv6 header", offset: 0, need: 4, have: 3 })
    );
    for n in 0..4 {
        assert!(matches!(
            Packet::new_checked(&[0u8; 4][..n]),
            Err(Error::Truncated { field: "icmpv6 header", need: 4, .. })
        ));
    }
    let cases = [
        (1u8, 8, "destination unreachable"),
        (2, 8, "packet too big"),
        (3, 8, "time exceeded"),
        (4, 8, "parameter problem"),
        (128, 8, "echo request"),
        (129, 8, "echo reply"),
        (133, 8, "router solicitation"),
        (134, 16, "router advertisement"),
        (135, 24, "neighbor solicitation"),
        (136, 24, "neighbor advertisement"),
        (137, 40, "redirect"),
    ];
    for (t, min, field) in cases {
        let mut bytes = vec![0u8; min];
        bytes[0] = t;
        assert_eq!(
            Packet::new_checked(&bytes[..min - 1]),
            Err(Error::Truncated { field, offset: 0, need: min, have: min - 1 })
        );
        assert!(Packet::new_checked(&bytes[..]).is_ok());
        assert_eq!(fixed_len(Message(t)), (min, field));
        assert_eq!(Message(t).name(), Some(field));
    }
    assert!(Packet::new_checked(&[130u8, 0, 0, 0][..]).is_ok());
}

#[test]
fn nonzero_code_in_neighbour_discovery_is_malformed() {
    let rules = [
        (RS, "RFC 4861 §6.1.1: ICMP Code is 0"),
        (RA, "RFC 4861 §6.1.2: ICMP Code is 0"),
        (NS, "RFC 4861 §7.1.1: ICMP Code is 0"),
        (NA, "RFC 4861 §7.1.2: ICMP Code is 0"),
        (REDIRECT, "RFC 4861 §8.1: ICMP Code is 0"),
    ];
    for (h, rule) in rules {
        let mut bytes = hex(h);
        bytes[1] = 1;
        assert_eq!(
            Repr::parse(&packet(&bytes)),
            Err(Error::Malformed { field: "code", offset: 1, rule })
        );
    }
}

#[test]
fn address_rules_of_neighbour_discovery() {
    let multicast = addr("ff02::1").octets();
    for (h, rule) in [
        (NS, "RFC 4861 §7.1.1: Target Address is not a multicast address"),
        (NA, "RFC 4861 §7.1.2: Target Address is not a multicast address"),
    ] {
        let mut bytes = hex(h);
        bytes[8..24].copy_from_slice(&multicast);
        assert_eq!(
            Repr::parse(&packet(&bytes)),
            Err(Error::Malformed { field: "target address", offset: 8, rule })
        );
    }
    // A redirect's target is link-local, or the destination itself.
    let mut bytes = hex(REDIRECT);
    bytes[8..24].copy_from_slice(&addr("2001:db8::3").octets());
    assert!(matches!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Malformed { field: "target address", offset: 8, .. })
    ));
    bytes[8..24].copy_from_slice(&addr("2001:db8::99").octets());
    assert!(matches!(Repr::parse(&packet(&bytes)), Ok(Repr::Redirect { .. })));
    // Its destination is never multicast.
    bytes[8..24].copy_from_slice(&multicast);
    bytes[24..40].copy_from_slice(&multicast);
    assert_eq!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Malformed {
            field: "destination address",
            offset: 24,
            rule: "RFC 4861 §8.1: the ICMP Destination Address is not a multicast address"
        })
    );
}

#[test]
fn option_errors_carry_their_offset_in_the_message() {
    // NS whose option has length zero: the length octet is at 24 + 1.
    let mut bytes = hex(NS);
    bytes[25] = 0;
    assert_eq!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Malformed {
            field: "option length",
            offset: 25,
            rule: "RFC 4861 §4.6: the value 0 is invalid"
        })
    );
    // Length 2 (16 bytes) with 8 present.
    bytes[25] = 2;
    assert_eq!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Truncated { field: "ndp option", offset: 24, need: 40, have: 32 })
    );
    // A stray byte after the last option.
    let mut bytes = hex(RS);
    bytes.push(1);
    assert_eq!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Truncated { field: "ndp option", offset: 16, need: 18, have: 17 })
    );
    // RA: the MTU option (at 24) with length 2, the prefix option (at 32) with 3.
    let mut bytes = hex(RA);
    bytes[33] = 3;
    assert!(matches!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Malformed { field: "option length", offset: 33, .. })
    ));
    let mut bytes = hex(RA);
    bytes[25] = 2;
    assert!(matches!(
        Repr::parse(&packet(&bytes)),
        Err(Error::Malformed { field: "option length", offset: 25, .. })
    ));
    // The view's iterator reports the same offsets.
    let mut bytes = hex(NA);
    bytes[25] = 0;
    let p = packet(&bytes);
    assert_eq!(p.ndp_option_iter().next().unwrap().unwrap_err().offset(), 25);
}

#[test]
fn bad_checksum_is_a_flag_for_parse_and_an_error_for_parse_verified() {
    let mut bytes = hex(NS);
    bytes[31] ^= 1; // the last byte of the MAC: a low byte, so the sum moves by 1
    let p = packet(&bytes);
    let (src, dst) = (addr("fe80::1"), addr("ff02::1:ff00:2"));
    assert!(!p.verify_checksum(src, dst));
    assert!(Repr::parse(&p).is_ok());
    assert_eq!(
        Repr::parse_verified(&p, src, dst),
        Err(Error::Checksum { field: "checksum", offset: 2, computed: 0xc997, found: 0xc996 })
    );
}

#[test]
fn message_classes() {
    for t in 0..=255u8 {
        let m = Message::from(t);
        assert_eq!(m.is_error(), t < 128);
        assert_eq!(m.is_ndp(), (133..=137).contains(&t));
    }
    let named = [1u8, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143];
    for t in 0..=255u8 {
        assert_eq!(Message(t).name().is_some(), named.contains(&t), "{t}");
    }
    assert_eq!(u8::from(Message::MLDV2_REPORT), 143);
}

#[test]
fn generated_other_of_echo_type_has_room_for_the_echo_header() {
    // Found by the icmp_roundtrip target: `Other { msg_type: 128, code: 1 }` with
    // two bytes of data emits a 6-byte echo request, which `new_checked` refuses.
    let repr = Repr::Other { msg_type: 128, code: 1, data: &[1, 2] };
    let bytes = emit(&repr, addr("fe80::1"), addr("fe80::2"));
    assert!(Packet::new_checked(&bytes[..]).is_err());
    assert_eq!(super::arbitrary_repr::other_type(128, 1, &[1, 2]), 200);
    assert_eq!(super::arbitrary_repr::other_type(128, 1, &[1, 2, 3, 4]), 128);
    assert_eq!(super::arbitrary_repr::other_type(129, 0, &[1, 2, 3, 4]), 200);
    assert_eq!(super::arbitrary_repr::other_type(135, 1, &[0; 40]), 200);
    assert_eq!(super::arbitrary_repr::other_type(130, 0, &[]), 130);
}

/// The parts of a generated repr: which variant, numbers, flags, two addresses,
/// data, and options emitted from generated [`NdpOption`]s.
type Spec = (u8, u32, u16, u8, [bool; 3], [u8; 16], [u8; 16], Vec<u8>, Vec<u8>);

fn spec() -> impl Strategy<Value = Spec> {
    let option = (any::<u32>(), 0u8..3).prop_map(|(n, which)| (n, which));
    (
        any::<u8>(),
        any::<u32>(),
        any::<u16>(),
        any::<u8>(),
        any::<[bool; 3]>(),
        any::<[u8; 16]>(),
        any::<[u8; 16]>(),
        proptest::collection::vec(any::<u8>(), 0..80),
        proptest::collection::vec(option, 0..4).prop_map(|opts| {
            let mut buf = Vec::new();
            for (n, which) in opts {
                let o = match which {
                    0 => NdpOption::SourceLinkAddr(&[2, 0, 0x5e, 0, 0x53, 9]),
                    1 => NdpOption::Mtu(n),
                    _ => NdpOption::PrefixInfo {
                        prefix_len: 64,
                        on_link: n & 1 == 1,
                        autonomous: true,
                        valid_lifetime: n,
                        preferred_lifetime: n / 2,
                        prefix: Ipv6Addr::from(u128::from(n) << 64),
                    },
                };
                let at = buf.len();
                buf.resize(at + o.buffer_len(), 0);
                o.emit(&mut buf[at..]);
            }
            buf
        }),
    )
}

fn make(s: &Spec) -> Repr<'_> {
    let (kind, n, h, code, [f0, f1, f2], a1, a2, data, options) = s;
    let unicast = |a: &[u8; 16]| Ipv6Addr::from(u128::from_be_bytes(*a) & !(0xff << 120));
    match kind % 12 {
        0 => Repr::DstUnreachable { code: *code, quoted: data },
        1 => Repr::PacketTooBig { mtu: *n, quoted: data },
        2 => Repr::TimeExceeded { code: *code, quoted: data },
        3 => Repr::ParamProblem { code: *code, pointer: *n, quoted: data },
        4 => Repr::EchoRequest { ident: *h, seq_no: *n as u16, data },
        5 => Repr::EchoReply { ident: *h, seq_no: *n as u16, data },
        6 => Repr::RouterSolicit { options },
        7 => Repr::RouterAdvert {
            hop_limit: *code,
            managed: *f0,
            other: *f1,
            router_lifetime: *h,
            reachable_time: *n,
            retrans_time: n.rotate_left(5),
            options,
        },
        8 => Repr::NeighborSolicit { target: unicast(a1), options },
        9 => Repr::NeighborAdvert {
            router: *f0,
            solicited: *f1,
            override_: *f2,
            target: unicast(a1),
            options,
        },
        10 => {
            let dst = unicast(a2);
            let target = if *f0 { dst } else { Ipv6Addr::from(0xfe80u128 << 112 | u128::from(*n)) };
            Repr::Redirect { target, dst, options }
        }
        _ => Repr::Other { msg_type: 200 + code % 50, code: *code, data },
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        t in prop_oneof![Just(1u8), Just(2), Just(3), Just(4), Just(128), Just(129), 133u8..=137, any::<u8>()],
        code in prop_oneof![Just(0u8), any::<u8>()],
        rest in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = vec![t, code];
        bytes.extend_from_slice(&rest);
        let (a, b) = (addr("fe80::1"), addr("fe80::2"));
        let Ok(p) = Packet::new_checked(&bytes[..]) else { return Ok(()) };
        let _ = (p.msg_type().name(), p.code(), p.checksum(), p.echo_ident(), p.echo_seq_no());
        let _ = (p.mtu(), p.pointer(), p.cur_hop_limit(), p.router_flags(), p.router_lifetime());
        let _ = (p.reachable_time(), p.retrans_time(), p.target_addr(), p.neighbor_flags());
        let _ = (p.redirect_dst_addr(), p.data(), p.verify_checksum(a, b), Repr::parse_verified(&p, a, b));
        let walk: Vec<_> = p.ndp_option_iter().collect();
        if let Ok(repr) = Repr::parse(&p) {
            prop_assert!(walk.iter().all(Result::is_ok));
            prop_assert!(repr.ndp_options().all(|o| o.is_ok()));
            let again = emit(&repr, a, b);
            prop_assert_eq!(Repr::parse_verified(&packet(&again), a, b), Ok(repr));
        }
    }

    #[test]
    fn reprs_round_trip(s in spec()) {
        let repr = make(&s);
        let (a, b) = (addr("2001:db8::1"), addr("ff02::1"));
        let bytes = emit(&repr, a, b);
        prop_assert_eq!(bytes.len(), repr.buffer_len());
        prop_assert_eq!(Repr::parse_verified(&packet(&bytes), a, b), Ok(repr));
    }

    #[test]
    fn arbitrary_reprs_round_trip(seed in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut u = arbitrary::Unstructured::new(&seed);
        if let Ok(repr) = <Repr<'_> as arbitrary::Arbitrary>::arbitrary(&mut u) {
            let (a, b) = (addr("fe80::1"), addr("fe80::2"));
            let bytes = emit(&repr, a, b);
            prop_assert_eq!(Repr::parse_verified(&packet(&bytes), a, b), Ok(repr));
            prop_assert!(Options::new(&bytes[repr.header_len()..]).count() <= bytes.len());
        }
    }

    #[test]
    fn real_packets_survive_any_single_byte_change(which in 0usize..7, i in 0usize..96, v in any::<u8>()) {
        let (h, src, dst) = real_packets()[which];
        let mut bytes = hex(h);
        let i = i % bytes.len();
        bytes[i] = v;
        if let Ok(repr) = Packet::new_checked(&bytes[..]).and_then(|p| Repr::parse(&p)) {
            let again = emit(&repr, addr(src), addr(dst));
            prop_assert_eq!(Repr::parse(&packet(&again)), Ok(repr));
        }
    }
}
