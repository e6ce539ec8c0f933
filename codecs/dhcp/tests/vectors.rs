//! Every vector in spec-vectors/dhcp: the valid ones parse and emit back to the
//! same bytes, the invalid ones fail with the expected field and offset, the
//! BOOTP ones (no magic cookie) read through the lax constructor only, and the
//! lenient ones (no end option) are accepted and say so.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

mod common;

use wirestate_dhcp::{Message, Options, Repr, Result};

fn check(bytes: &[u8]) -> Result<usize> {
    let msg = Message::new_checked(bytes)?;
    let repr = Repr::parse(&msg)?;
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..]));
    assert_eq!(out, bytes, "emit(parse(bytes)) == bytes");
    Options::new(bytes).validate()
}

#[test]
fn valid_vectors_round_trip_and_invalid_ones_fail_where_expected() {
    let expected_errors = [
        ("invalid-option-length-missing", "option length", 244),
        ("invalid-option-past-end", "option data", 245),
        ("invalid-overload-reused", "option overload", 108),
        ("invalid-route-width", "classless static route", 245),
        ("invalid-short-header", "header", 0),
        ("invalid-subnet-mask-length", "subnet mask", 243),
    ];
    let all = common::vectors();
    assert!(all.len() >= 26, "vectors present");
    for (name, bytes) in &all {
        let lax = Message::new_checked_bootp(&bytes[..]);
        if name.starts_with("bootp-") {
            let m = lax.unwrap();
            assert!(!m.has_magic_cookie() && m.options().next().is_none(), "{name}");
            assert_eq!(check(bytes).unwrap_err().field(), "magic cookie", "{name}");
            continue;
        }
        if let Ok(m) = lax {
            let missing = m.end_option_missing();
            assert_eq!(missing, name.starts_with("lenient-"), "{name}: end option missing");
        }
        let r = check(bytes);
        match expected_errors.iter().find(|(n, ..)| n == name) {
            Some((_, field, offset)) => {
                let e = r.unwrap_err();
                assert_eq!((e.field(), e.offset()), (*field, *offset), "{name}: {e}");
            }
            None => assert!(r.unwrap() > 0, "{name}"),
        }
    }
    let invalid = all.iter().filter(|(n, _)| n.starts_with("invalid-")).count();
    assert_eq!(invalid, expected_errors.len(), "every invalid vector has an expectation");
}
