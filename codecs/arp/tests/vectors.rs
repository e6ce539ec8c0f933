//! ARP exchanges as they cross a home LAN, whole Ethernet frames included.
//!
//! Hand-built byte for byte after RFC 826 and what `tcpdump -XX` shows for
//! `arping 192.168.1.1` from a Linux host: a 42-byte broadcast request (Linux sends
//! it unpadded; the NIC pads on the wire) and the router's reply padded to the
//! 60-byte minimum frame (FCS not captured), so the ARP payload is 46 bytes.

use core::net::Ipv4Addr;
use wirestate_arp::{MacAddr, Operation, Packet, Repr};

const HOST: MacAddr = MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c]); // Intel OUI
const ROUTER: MacAddr = MacAddr([0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56]); // PC Engines OUI
const HOST_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 100);
const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);

/// who-has 192.168.1.1 tell 192.168.1.100
const REQUEST_FRAME: [u8; 42] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x08, 0x06, // eth
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet, IPv4, 6, 4, request
    0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0xc0, 0xa8, 0x01, 0x64, // sha, spa
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, // tha, tpa
];

/// 192.168.1.1 is-at 00:0d:b9:12:34:56, padded to 60 bytes.
const REPLY_FRAME: [u8; 60] = [
    0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56, 0x08, 0x06, // eth
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, // Ethernet, IPv4, 6, 4, reply
    0x00, 0x0d, 0xb9, 0x12, 0x34, 0x56, 0xc0, 0xa8, 0x01, 0x01, // sha, spa
    0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0xc0, 0xa8, 0x01, 0x64, // tha, tpa
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // padding
];

/// RFC 5227 §2.3 announcement of 192.168.1.100, broadcast.
const ANNOUNCEMENT: [u8; 28] = [
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, //
    0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5c, 0xc0, 0xa8, 0x01, 0x64, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x64,
];

#[test]
fn request_frame_decodes() {
    let p = Packet::new_checked(&REQUEST_FRAME[14..]).unwrap();
    assert_eq!(p.packet_len(), 28);
    assert!(p.padding().is_empty());
    assert_eq!(Repr::parse(&p).unwrap(), Repr::request(HOST, HOST_IP, ROUTER_IP));
}

#[test]
fn padded_reply_frame_decodes_and_padding_is_ignored() {
    let p = Packet::new_checked(&REPLY_FRAME[14..]).unwrap();
    assert_eq!(p.as_ref().len(), 46);
    assert_eq!(p.padding(), &[0u8; 18]);
    let reply = Repr::parse(&p).unwrap();
    assert_eq!(reply.operation, Operation::Reply);
    assert_eq!(reply, Repr::reply_to(&Repr::request(HOST, HOST_IP, ROUTER_IP), ROUTER));
}

#[test]
fn helpers_emit_the_captured_bytes() {
    let mut buf = [0u8; 28];
    Repr::request(HOST, HOST_IP, ROUTER_IP).emit(&mut Packet::new_unchecked(&mut buf[..]));
    assert_eq!(buf[..], REQUEST_FRAME[14..]);

    let reply = Repr::reply_to(&Repr::request(HOST, HOST_IP, ROUTER_IP), ROUTER);
    reply.emit(&mut Packet::new_unchecked(&mut buf[..]));
    assert_eq!(buf[..], REPLY_FRAME[14..42]);

    Repr::gratuitous(HOST, HOST_IP).emit(&mut Packet::new_unchecked(&mut buf[..]));
    assert_eq!(buf, ANNOUNCEMENT);
    assert!(Repr::parse(&Packet::new_checked(&ANNOUNCEMENT[..]).unwrap()).unwrap().is_gratuitous());
}
