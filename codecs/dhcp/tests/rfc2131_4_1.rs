//! RFC 2131 §4.1: "The last option must always be the 'end' option." Real senders
//! leave it out when the options fill the message, and tshark decodes such
//! messages; a field that runs to its last octet without it is accepted and
//! reported, in the options field and in overloaded `file` and `sname` alike.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

use wirestate_dhcp::{DhcpOption, Message, MessageType, Options, RawOptions, Repr};

/// A message: header with the given `file` and `sname` contents, then `opts`.
fn msg(opts: &[u8], file: &[u8], sname: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 240];
    b[44..44 + sname.len()].copy_from_slice(sname);
    b[108..108 + file.len()].copy_from_slice(file);
    b[236..240].copy_from_slice(&[99, 130, 83, 99]);
    b.extend_from_slice(opts);
    b
}

/// The codes `Options` yields, after checking every item decodes.
fn codes(o: &mut Options<'_>) -> Vec<u8> {
    o.by_ref().map(|o| o.unwrap().code()).collect()
}

/// parse -> emit gives back the same octets.
fn round_trips(b: &[u8]) {
    let repr = Repr::parse(&Message::new_checked(b).unwrap()).unwrap();
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..]));
    assert_eq!(out, b);
}

#[test]
fn options_without_end_decode_every_option_and_report_it_missing() {
    let b = msg(&[53, 1, 2, 12, 3, b'a', b'b', b'c', 55, 2, 1, 3], &[], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    let mut o = m.options();
    assert!(!o.end_missing(), "not known before the walk ends");
    assert_eq!(codes(&mut o), [53, 12, 55]);
    assert!(o.end_missing());
    assert!(m.end_option_missing());
    let mut raw = RawOptions::new(&b);
    assert_eq!(raw.by_ref().map(|r| r.unwrap().offset).collect::<Vec<_>>(), [240, 243, 248]);
    assert!(raw.end_missing());
    assert_eq!(m.options().next().unwrap().unwrap(), DhcpOption::MessageType(MessageType::Offer));
    assert_eq!(Options::new(&b).validate().unwrap(), 3);
    round_trips(&b);
}

#[test]
fn options_with_end_do_not_report_it_missing() {
    for tail in [&[][..], &[0, 0, 0][..], &[1, 2, 3][..]] {
        let mut opts = vec![53, 1, 1, 255];
        opts.extend_from_slice(tail);
        let b = msg(&opts, &[], &[]);
        let m = Message::new_checked(&b[..]).unwrap();
        let mut o = m.options();
        assert_eq!(codes(&mut o), [53]);
        assert!(!o.end_missing());
        assert!(!m.end_option_missing());
        round_trips(&b);
    }
}

#[test]
fn options_that_end_in_pad_without_end_report_it_missing() {
    let b = msg(&[53, 1, 1, 0, 0, 0], &[], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!(codes(&mut m.options()), [53]);
    assert!(m.end_option_missing());
    round_trips(&b);
}

#[test]
fn an_empty_options_field_has_no_options_and_no_end() {
    let b = msg(&[], &[], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!(m.options().count(), 0);
    assert!(m.end_option_missing());
    round_trips(&b);
}

#[test]
fn an_overloaded_file_without_end_is_read_to_its_last_octet() {
    // Subnet mask, then pad to the end of file, no end option.
    let b = msg(&[53, 1, 2, 52, 1, 1, 255], &[1, 4, 255, 255, 255, 0], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    let mut o = m.options();
    assert_eq!(codes(&mut o), [53, 52, 1]);
    assert!(o.end_missing());
    round_trips(&b);
    // A host name filling file exactly: 2 + 126 = 128 octets.
    let mut file = vec![12, 126];
    file.extend_from_slice(&[b'x'; 126]);
    let b = msg(&[53, 1, 2, 52, 1, 1, 255], &file, &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    let host = m.options().nth(2).unwrap().unwrap();
    assert_eq!(host, DhcpOption::HostName(&[b'x'; 126]));
    assert!(m.end_option_missing());
    round_trips(&b);
}

#[test]
fn a_field_without_end_moves_on_to_the_next_overloaded_field() {
    // The options field and file end without an end option; sname has one.
    let b = msg(&[53, 1, 2, 52, 1, 3], &[1, 4, 255, 255, 255, 0], &[3, 4, 10, 0, 0, 1, 255]);
    let m = Message::new_checked(&b[..]).unwrap();
    let mut o = m.options();
    assert_eq!(codes(&mut o), [53, 52, 1, 3]);
    assert!(o.end_missing());
    round_trips(&b);
    // Only sname lacks it.
    let b = msg(&[53, 1, 2, 52, 1, 3, 255], &[1, 4, 255, 255, 255, 0, 255], &[3, 4, 10, 0, 0, 1]);
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!(codes(&mut m.options()), [53, 52, 1, 3]);
    assert!(m.end_option_missing());
    // Every field has one.
    let b =
        msg(&[53, 1, 2, 52, 1, 3, 255], &[1, 4, 255, 255, 255, 0, 255], &[3, 4, 10, 0, 0, 1, 255]);
    let m = Message::new_checked(&b[..]).unwrap();
    assert_eq!(codes(&mut m.options()), [53, 52, 1, 3]);
    assert!(!m.end_option_missing());
}

#[test]
fn a_long_option_split_across_a_field_without_end_is_joined() {
    // RFC 3396: host name "ab" in two instances, no end option after the second.
    let b = msg(&[12, 1, b'a', 53, 1, 1, 12, 1, b'b'], &[], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    let DhcpOption::Long(c) = m.options().next().unwrap().unwrap() else { panic!("long") };
    assert_eq!(c.to_vec(), b"ab");
    assert!(m.end_option_missing());
}

#[test]
fn an_option_past_the_end_is_still_an_error_and_stops_the_walk() {
    let b = msg(&[53, 1, 1, 12, 3, b'a'], &[], &[]);
    let m = Message::new_checked(&b[..]).unwrap();
    let mut o = m.options();
    assert!(o.next().unwrap().is_ok());
    let e = o.next().unwrap().unwrap_err();
    assert_eq!((e.field(), e.offset()), ("option data", 245));
    assert!(o.next().is_none());
    assert!(!o.end_missing(), "the walk did not reach the end of the field");
    assert!(!m.end_option_missing());
    assert!(Repr::parse(&m).is_err());
}
