//! ICMPv4 tests. The packets were built field by field in the layouts the named
//! tools produce, and their checksums computed with an independent RFC 1071
//! implementation (Python), not with this crate.

extern crate std;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;
use crate::test_util::hex;
use crate::Error;

/// `ping -c 1 192.168.1.1` from iputils: identifier 0x1c46, sequence 1, 56 data
/// bytes: a 16-byte `struct timeval` (little-endian) then 0x10, 0x11, ... 0x37.
const PING_REQUEST: &str = concat!(
    "08005f831c4600012b1a50660000000040e20100000000001011121314151617",
    "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/// The reply to [`PING_REQUEST`].
const PING_REPLY: &str = concat!(
    "000067831c4600012b1a50660000000040e20100000000001011121314151617",
    "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/// 192.168.1.1 answering a UDP datagram from 192.168.1.100:54321 to its closed
/// port 9999: port unreachable quoting the whole 60-byte datagram (IPv4 header,
/// UDP header, 32 bytes of data), as Linux does.
const PORT_UNREACHABLE: &str = concat!(
    "030380ec000000004500003c1a2b400040119cd0c0a80164c0a80101d431270f",
    "00288ba2404142434445464748494a4b4c4d4e4f505152535455565758595a5b",
    "5c5d5e5f",
);

/// The first hop's answer to traceroute's first probe (TTL 1, UDP to 203.0.113.7
/// port 33434): time exceeded quoting the IPv4 header and 64 bits (RFC 792).
const TIME_EXCEEDED: &str =
    concat!("0b00e852000000004500003c3039400001114b64c0a80164cb007107ad9c829a", "0028dc4d",);

fn packet(bytes: &[u8]) -> Packet<&[u8]> {
    Packet::new_checked(bytes).unwrap()
}

fn emit(repr: &Repr<'_>) -> Vec<u8> {
    let mut buf = vec![0xa5; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
    buf
}

#[test]
fn ping_request_fields() {
    let bytes = hex(PING_REQUEST);
    let p = packet(&bytes);
    assert_eq!(p.msg_type(), Message::ECHO_REQUEST);
    assert_eq!(p.msg_type().name(), Some("echo request"));
    assert_eq!(p.code(), 0);
    assert_eq!(p.checksum(), 0x5f83);
    assert_eq!(p.rest_of_header(), 0x1c46_0001);
    assert_eq!((p.echo_ident(), p.echo_seq_no()), (0x1c46, 1));
    assert_eq!(p.header_len(), 8);
    assert_eq!(p.data().len(), 56);
    assert_eq!(p.payload(), p.data());
    assert_eq!(&p.data()[16..], &(0x10..0x38).collect::<Vec<u8>>()[..]);
    assert!(p.verify_checksum());
    assert_eq!(
        Repr::parse(&p).unwrap(),
        Repr::EchoRequest { ident: 0x1c46, seq_no: 1, data: &bytes[8..] }
    );
}

#[test]
fn ping_reply_echoes_the_request() {
    let (req, rep) = (hex(PING_REQUEST), hex(PING_REPLY));
    let reply = packet(&rep);
    assert!(reply.verify_checksum());
    let Repr::EchoRequest { ident, seq_no, data } = Repr::parse(&packet(&req)).unwrap() else {
        panic!("not a request")
    };
    assert_eq!(Repr::parse(&reply).unwrap(), Repr::EchoReply { ident, seq_no, data });
}

#[test]
fn port_unreachable_quotes_the_datagram() {
    let bytes = hex(PORT_UNREACHABLE);
    let p = packet(&bytes);
    assert!(p.verify_checksum());
    assert!(p.msg_type().is_error());
    let Repr::DstUnreachable { code, next_hop_mtu, quoted } = Repr::parse(&p).unwrap() else {
        panic!("not unreachable")
    };
    assert_eq!((code, next_hop_mtu), (dst_unreachable::PORT_UNREACHABLE, 0));
    assert_eq!(quoted.len(), 60);
    // The quote is an IPv4 header (version 4, IHL 5, protocol UDP, a header
    // checksum that verifies) and the UDP header with destination port 9999.
    assert_eq!((quoted[0], quoted[9]), (0x45, 17));
    assert_eq!(wirestate_wire::checksum::sum(&quoted[..20]), 0xffff);
    assert_eq!(u16::from_be_bytes([quoted[22], quoted[23]]), 9999);
}

#[test]
fn traceroute_time_exceeded_quotes_header_and_64_bits() {
    let bytes = hex(TIME_EXCEEDED);
    let p = packet(&bytes);
    assert!(p.verify_checksum());
    let Repr::TimeExceeded { code, quoted } = Repr::parse(&p).unwrap() else {
        panic!("not time exceeded")
    };
    assert_eq!(code, time_exceeded::TTL_EXCEEDED);
    assert_eq!(quoted.len(), 28);
    assert_eq!(quoted[8], 1, "the probe's TTL as the router saw it");
    assert_eq!(u16::from_be_bytes([quoted[22], quoted[23]]), 33434);
}

#[test]
fn real_packets_are_canonical() {
    for h in [PING_REQUEST, PING_REPLY, PORT_UNREACHABLE, TIME_EXCEEDED] {
        let bytes = hex(h);
        assert_eq!(emit(&Repr::parse(&packet(&bytes)).unwrap()), bytes, "{h}");
    }
}

#[test]
fn setters_write_every_field() {
    let mut buf = [0u8; 12];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_msg_type(Message::REDIRECT);
    p.set_code(redirect::HOST);
    p.set_gateway(Ipv4Addr::new(192, 0, 2, 1));
    p.data_mut().copy_from_slice(&[1, 2, 3, 4]);
    p.fill_checksum();
    assert!(p.verify_checksum());
    assert_eq!(p.gateway(), Ipv4Addr::new(192, 0, 2, 1));
    assert_eq!(p.rest_of_header(), 0xc000_0201);
    p.set_rest_of_header(0);
    p.set_echo_ident(0xabcd);
    p.set_echo_seq_no(0x0102);
    assert_eq!(p.rest_of_header(), 0xabcd_0102);
    p.set_next_hop_mtu(1400);
    assert_eq!((p.echo_ident(), p.next_hop_mtu()), (0xabcd, 1400));
    p.set_pointer(9);
    assert_eq!(p.pointer(), 9);
    p.set_checksum(0x1234);
    assert_eq!(p.checksum(), 0x1234);
    p.payload_mut()[0] = 7;
    assert_eq!(p.into_inner()[8], 7);
}

#[test]
fn frag_needed_carries_the_next_hop_mtu() {
    let repr = Repr::DstUnreachable {
        code: dst_unreachable::FRAG_NEEDED,
        next_hop_mtu: 1400,
        quoted: b"q",
    };
    let bytes = emit(&repr);
    assert_eq!(&bytes[4..8], &[0, 0, 0x05, 0x78]);
    assert_eq!(packet(&bytes).next_hop_mtu(), 1400);
    assert_eq!(Repr::parse(&packet(&bytes)).unwrap(), repr);
}

#[test]
fn unused_bits_are_ignored_and_written_as_zero() {
    // RFC 4884 puts a length in byte 5 of time exceeded; the repr ignores it.
    let mut bytes = hex(TIME_EXCEEDED);
    bytes[5] = 7;
    let mut p = Packet::new_unchecked(&mut bytes[..]);
    p.fill_checksum();
    let repr = Repr::parse(&packet(&bytes)).unwrap();
    assert!(matches!(repr, Repr::TimeExceeded { code: 0, .. }));
    assert_eq!(emit(&repr), hex(TIME_EXCEEDED));
    // Bytes 4-5 of an unreachable, and 5-7 of a parameter problem, likewise.
    let r = Repr::from_parts(Message::DST_UNREACHABLE, 4, 0xffff_0578, b"");
    assert_eq!(r, Repr::DstUnreachable { code: 4, next_hop_mtu: 1400, quoted: b"" });
    let r = Repr::from_parts(Message::PARAM_PROBLEM, 0, 0x0cff_ffff, b"x");
    assert_eq!(r, Repr::ParamProblem { pointer: 12, quoted: b"x" });
    assert_eq!(r.rest_of_header(), 0x0c00_0000);
}

#[test]
fn unknown_codes_keep_their_variant() {
    let r = Repr::from_parts(Message::TIME_EXCEEDED, 9, 0, b"");
    assert_eq!(r, Repr::TimeExceeded { code: 9, quoted: b"" });
    let r = Repr::from_parts(Message::REDIRECT, 200, 0x0a00_0001, b"");
    assert_eq!(r, Repr::Redirect { code: 200, gateway: Ipv4Addr::new(10, 0, 0, 1), quoted: b"" });
    let r = Repr::from_parts(Message::DST_UNREACHABLE, 99, 0, b"");
    assert!(matches!(r, Repr::DstUnreachable { code: 99, .. }));
}

#[test]
fn other_keeps_every_byte() {
    // Echo with a nonzero code, parameter problem "missing option", timestamp.
    for (t, code) in [(8u8, 1u8), (0, 3), (12, param_problem::MISSING_OPTION), (13, 0), (250, 250)]
    {
        let repr = Repr::from_parts(Message(t), code, 0xdead_beef, b"data");
        assert_eq!(
            repr,
            Repr::Other { msg_type: t, code, rest_of_header: 0xdead_beef, data: b"data" }
        );
        let bytes = emit(&repr);
        assert_eq!(&bytes[4..8], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(Repr::parse(&packet(&bytes)).unwrap(), repr);
        assert_eq!((repr.msg_type(), repr.code(), repr.data()), (Message(t), code, &b"data"[..]));
    }
}

#[test]
fn every_short_header_is_truncated_at_offset_0() {
    let bytes = hex(PING_REQUEST);
    for n in 0..8 {
        assert_eq!(
            Packet::new_checked(&bytes[..n]),
            Err(Error::Truncated { field: "icmpv4 header", offset: 0, need: 8, have: n })
        );
    }
    let header_only = packet(&bytes[..8]);
    assert!(header_only.data().is_empty());
}

#[test]
fn bad_checksum_is_a_flag_for_parse_and_an_error_for_parse_verified() {
    let mut bytes = hex(PING_REQUEST);
    bytes[20] ^= 0x40;
    let p = packet(&bytes);
    assert!(!p.verify_checksum());
    assert!(Repr::parse(&p).is_ok());
    assert_eq!(
        Repr::parse_verified(&p),
        Err(Error::Checksum { field: "checksum", offset: 2, computed: 0x1f83, found: 0x5f83 })
    );
    // The computed value is the one that makes it verify.
    bytes[2..4].copy_from_slice(&0x1f83u16.to_be_bytes());
    assert!(Repr::parse_verified(&packet(&bytes)).is_ok());
}

#[test]
fn odd_length_checksum() {
    let repr = Repr::EchoRequest { ident: 1, seq_no: 2, data: b"odd" };
    let bytes = emit(&repr);
    assert_eq!(bytes.len(), 11);
    assert!(packet(&bytes).verify_checksum());
    assert_eq!(Repr::parse_verified(&packet(&bytes)), Ok(repr));
}

#[test]
fn message_names_and_error_classes() {
    let named = [0u8, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14];
    for t in 0..=255u8 {
        assert_eq!(Message(t).name().is_some(), named.contains(&t), "{t}");
    }
    assert_eq!(Message::from(3), Message::DST_UNREACHABLE);
    assert_eq!(u8::from(Message::TIMESTAMP_REPLY), 14);
    assert!(Message::SOURCE_QUENCH.is_error() && !Message::TIMESTAMP.is_error());
}

/// A repr of each variant from generated parts.
fn make<'a>(kind: u8, a: u16, b: u16, code: u8, rest: u32, data: &'a [u8]) -> Repr<'a> {
    match kind % 7 {
        0 => Repr::EchoRequest { ident: a, seq_no: b, data },
        1 => Repr::EchoReply { ident: a, seq_no: b, data },
        2 => Repr::DstUnreachable { code, next_hop_mtu: a, quoted: data },
        3 => Repr::TimeExceeded { code, quoted: data },
        4 => Repr::Redirect { code, gateway: Ipv4Addr::from(rest), quoted: data },
        5 => Repr::ParamProblem { pointer: code, quoted: data },
        _ => Repr::from_parts(Message(code), b as u8, rest, data),
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(p) = Packet::new_checked(&bytes[..]) {
            let _ = (p.msg_type().name(), p.code(), p.checksum(), p.rest_of_header());
            let _ = (p.echo_ident(), p.echo_seq_no(), p.gateway(), p.next_hop_mtu(), p.pointer());
            let _ = (p.data(), p.verify_checksum(), Repr::parse_verified(&p));
            let repr = Repr::parse(&p).unwrap();
            // Whatever decoded re-encodes to the same message, unused bits aside.
            let again = emit(&repr);
            prop_assert_eq!(Repr::parse(&packet(&again)).unwrap(), repr);
            prop_assert_eq!(&again[8..], p.data());
        }
    }

    #[test]
    fn reprs_round_trip(kind in any::<u8>(), a in any::<u16>(), b in any::<u16>(), code in any::<u8>(),
                        rest in any::<u32>(), data in proptest::collection::vec(any::<u8>(), 0..100)) {
        let repr = make(kind, a, b, code, rest, &data);
        let bytes = emit(&repr);
        prop_assert_eq!(bytes.len(), repr.buffer_len());
        prop_assert!(packet(&bytes).verify_checksum());
        prop_assert_eq!(Repr::parse_verified(&packet(&bytes)), Ok(repr));
    }

    #[test]
    fn arbitrary_reprs_round_trip(seed in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut u = arbitrary::Unstructured::new(&seed);
        if let Ok(repr) = <Repr<'_> as arbitrary::Arbitrary>::arbitrary(&mut u) {
            let bytes = emit(&repr);
            prop_assert_eq!(Repr::parse(&packet(&bytes)), Ok(repr));
        }
    }

    #[test]
    fn real_packets_survive_any_single_byte_change(i in 0usize..92, v in any::<u8>()) {
        let mut bytes = hex(PORT_UNREACHABLE);
        let i = i % bytes.len();
        bytes[i] = v;
        let repr = Repr::parse(&packet(&bytes)).unwrap();
        let again = emit(&repr);
        prop_assert_eq!(Repr::parse(&packet(&again)).unwrap(), repr);
    }
}
