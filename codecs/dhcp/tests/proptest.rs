//! Properties: no input panics; built messages parse back to what was built;
//! emit(parse(bytes)) == bytes.
#![allow(clippy::unwrap_used, reason = "test code")]

mod common;

use core::net::Ipv4Addr;

use proptest::prelude::*;
use wirestate_dhcp::{Builder, Message, RawOptions, Repr};

/// A valid header and cookie then arbitrary octets, so the options walk is reached.
fn with_header(tail: Vec<u8>, file: Vec<u8>) -> Vec<u8> {
    let mut b = vec![0u8; 240];
    b[108..108 + file.len()].copy_from_slice(&file);
    b[236..240].copy_from_slice(&[99, 130, 83, 99]);
    b.extend(tail);
    b
}

/// Codes to build with: anything but pad, end and overload (the builder does not
/// overload) and message type (the builder writes it), with values of any length.
fn option() -> impl Strategy<Value = (u8, Vec<u8>)> {
    (1u8..=254)
        .prop_filter("not overload or type", |c| *c != 52 && *c != 53)
        .prop_flat_map(|c| (Just(c), proptest::collection::vec(any::<u8>(), 0..600)))
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = common::drain::drain(&bytes);
    }

    #[test]
    fn arbitrary_options_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..300),
        file in proptest::collection::vec(any::<u8>(), 0..128),
    ) {
        let b = with_header(tail, file);
        if let Ok(n) = common::drain::drain(&b) {
            // A message that parses emits back to itself.
            let msg = Message::new_checked(&b[..]).unwrap();
            let repr = Repr::parse(&msg).unwrap();
            let mut out = vec![0u8; repr.buffer_len()];
            repr.emit(&mut Message::new_unchecked(&mut out[..]));
            prop_assert_eq!(&out, &b);
            prop_assert!(n < 10_000);
        }
    }

    #[test]
    fn built_options_parse_back(
        xid in any::<u32>(),
        ciaddr in any::<[u8; 4]>(),
        options in proptest::collection::vec(option(), 0..6),
    ) {
        let mut buf = vec![0u8; 8192];
        let mut b = Builder::request(&mut buf, xid, &[2, 0, 0, 0, 0, 1]).unwrap();
        b.header().set_ciaddr(Ipv4Addr::from(ciaddr));
        for (c, v) in &options {
            b.option(*c, v).unwrap();
        }
        let len = b.finish().unwrap();
        let msg = &buf[..len];
        let m = Message::new_checked(msg).unwrap();
        prop_assert_eq!((m.xid(), m.ciaddr()), (xid, Ipv4Addr::from(ciaddr)));
        prop_assert!(len >= 300);
        // RFC 3396: the instances of a code, joined, are the values given, joined.
        for (c, _) in &options {
            let want: Vec<u8> = options.iter().filter(|(k, _)| k == c).flat_map(|(_, v)| v.clone()).collect();
            let got: Vec<u8> = RawOptions::new(msg).map(|o| o.unwrap()).filter(|o| o.code == *c).flat_map(|o| o.data.to_vec()).collect();
            prop_assert_eq!(got, want);
        }
        // parse -> emit -> parse.
        let repr = Repr::parse(&m);
        if let Ok(repr) = repr {
            let mut out = vec![0u8; repr.buffer_len()];
            repr.emit(&mut Message::new_unchecked(&mut out[..]));
            let again = Message::new_checked(&out[..]).unwrap();
            prop_assert_eq!(Repr::parse(&again).unwrap(), repr);
        }
    }
}

#[test]
fn real_messages_are_canonical() {
    for (name, bytes) in common::vectors() {
        if name.starts_with("invalid-") {
            continue;
        }
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        let mut out = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Message::new_unchecked(&mut out[..]));
        assert_eq!(out, bytes, "{name}");
        let again = Message::new_checked(&out[..]).unwrap();
        assert_eq!(Repr::parse(&again).unwrap(), repr, "{name}");
    }
}
