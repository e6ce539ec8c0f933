//! RFC 951 §3: a BOOTP message ends with `vend`, an "optional vendor-specific
//! area" of 64 octets. RFC 1497 vendor extensions and DHCP options (RFC 2131 §3)
//! start it with the magic cookie 99.130.83.99; a BOOTP server's reply need not.
//! `Message::new_checked_bootp` reads such a message's header; it has no options.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

mod common;

use core::net::Ipv4Addr;

use wirestate_dhcp::{Error, Message, RawOptions, Repr};

/// A 300-octet BOOTREPLY (RFC 951 §3) with `vend` as its vendor area.
fn bootp_reply(vend: &[u8; 64]) -> Vec<u8> {
    let mut b = vec![0u8; 236];
    b[..4].copy_from_slice(&[2, 1, 6, 1]);
    b[4..8].copy_from_slice(&0x0bad_cafe_u32.to_be_bytes());
    b[8..10].copy_from_slice(&7u16.to_be_bytes());
    b[16..20].copy_from_slice(&[192, 0, 2, 10]);
    b[20..24].copy_from_slice(&[192, 0, 2, 1]);
    b[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 9]);
    b[44..50].copy_from_slice(b"server");
    b[108..121].copy_from_slice(b"/tftp/vmunix\0");
    b.extend_from_slice(vend);
    b
}

fn assert_header(m: &Message<&[u8]>) {
    assert_eq!((m.op(), m.htype(), m.hlen(), m.hops()), (2, 1, 6, 1));
    assert_eq!((m.xid(), m.secs(), m.flags(), m.broadcast()), (0x0bad_cafe, 7, 0, false));
    assert_eq!(m.ciaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(
        (m.yiaddr(), m.siaddr()),
        (Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 1))
    );
    assert_eq!(m.giaddr(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(m.client_hw_addr(), [2, 0, 0, 0, 0, 9]);
    assert_eq!(&m.sname()[..7], b"server\0");
    assert_eq!(&m.file()[..13], b"/tftp/vmunix\0");
}

#[test]
fn a_bootp_reply_with_a_vendor_magic_number_decodes_its_header_and_no_options() {
    let mut vend = [0u8; 64];
    vend[..8].copy_from_slice(b"CMU\0\x01\x04\x0a\x00");
    let b = bootp_reply(&vend);
    let m = Message::new_checked_bootp(&b[..]).unwrap();
    assert_header(&m);
    assert!(!m.has_magic_cookie());
    assert_eq!(m.vendor_area(), vend);
    assert_eq!(m.options().count(), 0);
    assert_eq!(RawOptions::new(&b).count(), 0);
    assert!(m.payload().is_empty());
    assert!(!m.end_option_missing());
    // The DHCP constructor and the repr want the cookie.
    let e = Message::new_checked(&b[..]).unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }));
    assert_eq!((e.field(), e.offset()), ("magic cookie", 236));
    assert_eq!(Repr::parse(&m).unwrap_err(), e);
}

#[test]
fn a_bootp_reply_with_a_zero_vendor_area_decodes_its_header_and_no_options() {
    let b = bootp_reply(&[0; 64]);
    let m = Message::new_checked_bootp(&b[..]).unwrap();
    assert_header(&m);
    assert!(!m.has_magic_cookie());
    assert_eq!(m.vendor_area(), [0; 64]);
    assert_eq!(m.options().next(), None);
}

#[test]
fn a_bare_236_octet_header_is_a_bootp_message() {
    let b = bootp_reply(&[0; 64]);
    let m = Message::new_checked_bootp(&b[..236]).unwrap();
    assert_header(&m);
    assert!(!m.has_magic_cookie());
    assert!(m.vendor_area().is_empty() && m.payload().is_empty());
    assert_eq!(m.options().count(), 0);
    assert!(!m.end_option_missing());
    let e = Message::new_checked(&b[..236]).unwrap_err();
    assert_eq!((e.field(), e.offset()), ("magic cookie", 236));
    // Part of a cookie is no cookie.
    let mut b = b[..238].to_vec();
    b[236..238].copy_from_slice(&[99, 130]);
    let m = Message::new_checked_bootp(&b[..]).unwrap();
    assert!(!m.has_magic_cookie());
    assert_eq!(m.vendor_area(), [99, 130]);
    assert_eq!(m.options().count(), 0);
}

#[test]
fn a_235_octet_message_is_truncated_at_the_header() {
    let e = Message::new_checked_bootp(&[0u8; 235][..]).unwrap_err();
    assert_eq!(e, Error::truncated("header", 0, 236, 235));
    assert_eq!((e.field(), e.offset()), ("header", 0));
    let e = Message::new_checked_bootp(&[][..]).unwrap_err();
    assert_eq!(e, Error::truncated("header", 0, 236, 0));
}

#[test]
fn setters_on_a_bare_header_change_only_the_header() {
    let mut b = [0u8; 236];
    let mut m = Message::new_checked_bootp(&mut b[..]).unwrap();
    m.set_xid(5);
    m.set_cookie();
    assert!(m.payload_mut().is_empty());
    assert_eq!((m.xid(), m.has_magic_cookie()), (5, false));
}

#[test]
fn a_dhcp_message_reads_the_same_through_either_constructor() {
    for (name, bytes) in common::vectors() {
        let Ok(strict) = Message::new_checked(&bytes[..]) else { continue };
        let lax = Message::new_checked_bootp(&bytes[..]).unwrap();
        assert!(lax.has_magic_cookie(), "{name}");
        assert_eq!(lax.vendor_area()[..4], [99, 130, 83, 99], "{name}");
        assert_eq!(lax.payload(), strict.payload(), "{name}");
        assert_eq!(lax.options().collect::<Vec<_>>(), strict.options().collect::<Vec<_>>());
        assert_eq!(lax.end_option_missing(), strict.end_option_missing(), "{name}");
    }
}
