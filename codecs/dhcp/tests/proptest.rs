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
        let _ = common::drain::drain_bootp(&bytes);
    }

    /// Lengths around the header and cookie, with or without a cookie, through
    /// the BOOTP constructor and every getter.
    #[test]
    fn short_and_cookieless_messages_never_panic(
        mut bytes in proptest::collection::vec(any::<u8>(), 230..320),
        cookie in any::<bool>(),
    ) {
        if cookie && bytes.len() >= 240 {
            bytes[236..240].copy_from_slice(&[99, 130, 83, 99]);
        }
        let _ = common::drain::drain_bootp(&bytes);
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
        if name.starts_with("invalid-") || name.starts_with("bootp-") {
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

/// A route as RFC 3442 carries it: the destination's bits past the prefix are zero
/// (only the significant octets are on the wire; bits inside them are kept).
fn route() -> impl Strategy<Value = wirestate_dhcp::Route> {
    (0u8..=32, any::<u32>(), any::<u32>()).prop_map(|(prefix_len, d, r)| {
        let octets = usize::from(prefix_len.div_ceil(8));
        let keep = if octets == 0 { 0 } else { u32::MAX << (32 - 8 * octets) };
        wirestate_dhcp::Route {
            destination: Ipv4Addr::from(d & keep),
            prefix_len,
            router: Ipv4Addr::from(r),
        }
    })
}

fn search_name() -> impl Strategy<Value = String> {
    let label = prop::sample::select(vec!["a", "lab", "corp", "example", "org", "x-1", "_srv"]);
    proptest::collection::vec(label, 1..5).prop_map(|l| format!("{}.", l.join(".")))
}

proptest! {
    #[test]
    fn typed_helpers_read_back_what_they_wrote(
        routes in proptest::collection::vec(route(), 1..60),
        names in proptest::collection::vec(search_name(), 0..40),
        subs in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..40)), 1..6),
    ) {
        use wirestate_dhcp::DhcpOption;
        let names: Vec<wirestate_dns::NameBuf> = names.iter().map(|n| n.parse().unwrap()).collect();
        let views: Vec<_> = names.iter().map(wirestate_dns::NameBuf::as_name).collect();
        let subs: Vec<(u8, &[u8])> = subs.iter().map(|(c, v)| (*c, v.as_slice())).collect();
        let mut buf = vec![0u8; 4096];
        let mut b = Builder::discover(&mut buf, 9, &[2, 0, 0, 0, 0, 1]).unwrap();
        b.classless_routes(&routes).unwrap();
        b.domain_search(&views).unwrap();
        b.relay_agent_information(&subs).unwrap();
        let len = b.finish().unwrap();
        let msg = Message::new_checked(&buf[..len]).unwrap();
        let mut seen = 0;
        for o in msg.options() {
            let o = o.unwrap();
            let joined;
            let o = match o {
                DhcpOption::Long(c) => {
                    joined = c.to_vec();
                    c.decode(&joined).unwrap()
                }
                o => o,
            };
            match o {
                DhcpOption::ClasslessStaticRoute(r) => {
                    prop_assert_eq!(r.iter().collect::<Vec<_>>(), routes.clone());
                    seen += 1;
                }
                DhcpOption::DomainSearch(s) => {
                    let read: Vec<String> = s.iter().map(|n| n.to_string()).collect();
                    let wanted: Vec<String> = names.iter().map(ToString::to_string).collect();
                    prop_assert_eq!(read, wanted);
                    seen += 1;
                }
                DhcpOption::RelayAgentInformation(s) => {
                    let read: Vec<(u8, Vec<u8>)> = s.iter().map(|s| (s.code, s.data.to_vec())).collect();
                    let wanted: Vec<(u8, Vec<u8>)> = subs.iter().map(|(c, v)| (*c, v.to_vec())).collect();
                    prop_assert_eq!(read, wanted);
                    seen += 1;
                }
                _ => {}
            }
        }
        prop_assert_eq!(seen, 3);
    }
}
