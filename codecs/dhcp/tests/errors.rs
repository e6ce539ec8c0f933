//! Every error path, with its kind, field and offset from the start of the message.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

use wirestate_dhcp::{Builder, DhcpOption, Error, Message, MessageType, Options, RawOptions, Repr};

/// A message: header with the given `file` and `sname` contents, then `opts`.
fn msg(opts: &[u8], file: &[u8], sname: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 240];
    b[44..44 + sname.len()].copy_from_slice(sname);
    b[108..108 + file.len()].copy_from_slice(file);
    b[236..240].copy_from_slice(&[99, 130, 83, 99]);
    b.extend_from_slice(opts);
    b
}

fn first_error(b: &[u8]) -> Error {
    Message::new_checked(b).unwrap();
    Options::new(b).find_map(Result::err).unwrap()
}

fn at(e: &Error) -> (&'static str, usize) {
    (e.field(), e.offset())
}

#[test]
fn header_and_cookie() {
    let e = Message::new_checked(&[0u8; 235][..]).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 236, have: 235, .. }));
    assert_eq!(at(&e), ("header", 0));
    let e = Message::new_checked(&[0u8; 238][..]).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 4, have: 2, .. }));
    assert_eq!(at(&e), ("magic cookie", 236));
    let mut b = msg(&[255], &[], &[]);
    b[239] = 100;
    let e = Message::new_checked(&b[..]).unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }));
    assert_eq!(at(&e), ("magic cookie", 236));
    // The BOOTP constructor wants the header only; Repr still wants the cookie.
    let e = Message::new_checked_bootp(&[0u8; 235][..]).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 236, have: 235, .. }));
    assert_eq!(at(&e), ("header", 0));
    let e = Repr::parse(&Message::new_checked_bootp(&b[..]).unwrap()).unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }));
    assert_eq!(at(&e), ("magic cookie", 236));
    let e = Repr::parse(&Message::new_checked_bootp(&b[..238]).unwrap()).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 4, have: 2, .. }));
    assert_eq!(at(&e), ("magic cookie", 236));
}

#[test]
fn framing() {
    let e = first_error(&msg(&[53, 1, 1, 12], &[], &[]));
    assert!(matches!(e, Error::Truncated { need: 1, have: 0, .. }));
    assert_eq!(at(&e), ("option length", 244));
    let e = first_error(&msg(&[12, 5, b'a'], &[], &[]));
    assert!(matches!(e, Error::Truncated { need: 5, have: 1, .. }));
    assert_eq!(at(&e), ("option data", 242));
    // A field without an end option is no error (tests/rfc2131_4_1.rs), but an
    // option running past its end still is, in the options field and in file.
    let e = first_error(&msg(&[53, 1, 1, 12, 3, b'a', b'b'], &[], &[]));
    assert!(matches!(e, Error::Truncated { need: 3, have: 2, .. }));
    assert_eq!(at(&e), ("option data", 245));
    let e = first_error(&msg(
        &[52, 1, 1, 255],
        &[0; 126].iter().chain(&[12, 2]).copied().collect::<Vec<_>>(),
        &[],
    ));
    assert_eq!(at(&e), ("option data", 236));
    let e = first_error(&msg(
        &[52, 1, 1, 255],
        &[0; 127].iter().chain(&[12]).copied().collect::<Vec<_>>(),
        &[],
    ));
    assert_eq!(at(&e), ("option length", 236));
    // An option in sname may not run into file.
    let e = first_error(&msg(
        &[52, 1, 2, 255],
        &[],
        &[0; 62].iter().chain(&[12, 9]).copied().collect::<Vec<_>>(),
    ));
    assert_eq!(at(&e), ("option data", 108));
}

#[test]
fn overload() {
    // A second overload in the options field, and one inside file.
    let e = first_error(&msg(&[52, 1, 1, 52, 1, 2, 255], &[255], &[]));
    assert_eq!(at(&e), ("option overload", 243));
    let e = first_error(&msg(&[52, 1, 1, 255], &[52, 1, 2, 255], &[]));
    assert_eq!(at(&e), ("option overload", 108));
    let e = first_error(&msg(&[52, 1, 4, 255], &[], &[]));
    assert_eq!(at(&e), ("option overload", 240));
    let e = first_error(&msg(&[52, 2, 1, 1, 255], &[], &[]));
    assert_eq!(at(&e), ("option overload", 240));
    // The typed decoder says the same for a joined value.
    let e = DhcpOption::decode(52, &[0], 300).unwrap_err();
    assert_eq!(at(&e), ("option overload", 300));
    let e = DhcpOption::decode(52, &[], 300).unwrap_err();
    assert_eq!(at(&e), ("option overload", 300));
}

#[test]
fn typed_lengths() {
    let cases: &[(u8, &[u8], &str)] = &[
        (1, &[255, 255, 255], "subnet mask"),
        (3, &[10, 0, 0, 1, 10], "router"),
        (6, &[], "domain name server"),
        (12, &[], "host name"),
        (15, &[], "domain name"),
        (26, &[5, 220, 0], "interface mtu"),
        (28, &[1, 2, 3], "broadcast address"),
        (42, &[1, 2, 3], "ntp servers"),
        (50, &[1, 2, 3, 4, 5], "requested ip address"),
        (51, &[1], "lease time"),
        (53, &[1, 2], "message type"),
        (54, &[], "server identifier"),
        (55, &[], "parameter request list"),
        (56, &[], "message"),
        (57, &[2], "max message size"),
        (58, &[0, 0, 0], "renewal time"),
        (59, &[0, 0, 0, 0, 0], "rebinding time"),
        (60, &[], "vendor class identifier"),
        (61, &[1], "client identifier"),
        (80, &[0], "rapid commit"),
        (82, &[], "relay agent information"),
        (82, &[1, 5, 0], "relay agent information"),
        (82, &[1, 1, 0, 2], "relay agent information"),
        (121, &[], "classless static route"),
    ];
    for (code, data, field) in cases {
        let e = DhcpOption::decode(*code, data, 250).unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{code}: {e}");
        assert_eq!(at(&e), (*field, 250), "{code}");
    }
}

#[test]
fn nested_values_report_the_octet() {
    // Routes: width 33 at the second route (value offset 5 -> 250 + 2 + 5).
    let e =
        DhcpOption::decode(121, &[0, 10, 0, 0, 1, 33, 1, 2, 3, 4, 10, 0, 0, 1], 250).unwrap_err();
    assert_eq!(at(&e), ("classless static route", 257));
    // Routes: the second route is cut short.
    let e = DhcpOption::decode(121, &[0, 10, 0, 0, 1, 24, 10, 0], 250).unwrap_err();
    assert_eq!(at(&e), ("classless static route", 257));
    // Domain search: a pointer forward (value offset 1 -> 250 + 2 + 1).
    let e = DhcpOption::decode(119, &[0, 0xc0, 5], 250).unwrap_err();
    assert_eq!(at(&e), ("domain search", 253));
    // Domain search: a label past the end.
    let e = DhcpOption::decode(119, &[3, b'a'], 250).unwrap_err();
    assert_eq!(e.field(), "domain search");
}

#[test]
fn errors_stop_the_iterators() {
    let b = msg(&[12, 5, b'a'], &[], &[]);
    let mut o = Options::new(&b);
    assert!(o.next().unwrap().is_err());
    assert!(o.next().is_none());
    let mut r = RawOptions::new(&b);
    assert!(r.next().unwrap().is_err());
    assert!(r.next().is_none());
    // A typed error stops Options too.
    let b = msg(&[1, 3, 0, 0, 0, 53, 1, 1, 255], &[], &[]);
    let mut o = Options::new(&b);
    assert_eq!(at(&o.next().unwrap().unwrap_err()), ("subnet mask", 240));
    assert!(o.next().is_none());
}

#[test]
fn builder_errors() {
    let mut small = [0u8; 242];
    let e = Builder::discover(&mut small, 1, &[1; 6]).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 243, have: 242, .. }));
    assert_eq!(at(&e), ("message", 0));
    let mut buf = [0u8; 400];
    let e = Builder::new(&mut buf, MessageType::Discover, 1, &[1; 17]).unwrap_err();
    assert_eq!(at(&e), ("chaddr", 28));
    let mut b = Builder::discover(&mut buf, 1, &[1; 6]).unwrap();
    b.max_size(260);
    // 243 + 2 + 15 + 1 (end) = 261 > 260.
    let e = b.option(60, &[b'x'; 15]).unwrap_err();
    assert!(matches!(e, Error::Truncated { need: 18, have: 17, .. }));
    assert_eq!(at(&e), ("message", 243));
    b.option(60, &[b'x'; 14]).unwrap();
    // Max size below 300: no padding past it.
    assert_eq!(b.finish().unwrap(), 260);
}

/// The options iterator's speed rests on `Result<DhcpOption>` fitting the error
/// beside the option's tag (see `Concat`): with a tag of its own, every item moved
/// 7 padding octets in a way that stalled. This fails if a change to `DhcpOption`
/// or the error type brings that tag back.
#[test]
fn result_of_an_option_has_no_tag_of_its_own() {
    use core::mem::size_of;
    assert_eq!(size_of::<wirestate_wire::Result<DhcpOption<'_>>>(), size_of::<DhcpOption<'_>>());
    assert_eq!(
        size_of::<Option<wirestate_wire::Result<DhcpOption<'_>>>>(),
        size_of::<DhcpOption<'_>>()
    );
}
