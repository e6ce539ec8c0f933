//! RFC 6672: a DNAME redirects the names below its owner; the server sends
//! the DNAME and a CNAME it synthesizes (§3.3), follows it within the zone,
//! and answers YXDOMAIN when the new name is too long (§2.2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::Config;

#[test]
fn a_name_below_a_dname_gets_the_dname_and_a_synthesized_cname() {
    let r = q(&mut example(), "www.old.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
    assert_eq!(
        r.answer,
        [
            "old.example.test. 3600 IN DNAME new.example.test.",
            "www.old.example.test. 3600 IN CNAME www.new.example.test.",
            "www.new.example.test. 3600 IN A 198.51.100.81",
        ]
    );
}

#[test]
fn the_dnames_owner_itself_is_not_redirected() {
    let mut s = example();
    let r = q(&mut s, "old.example.test.", Type::DNAME);
    assert_eq!(r.answer, ["old.example.test. 3600 IN DNAME new.example.test."]);
    let r = q(&mut s, "old.example.test.", Type::A);
    assert!(r.answer.is_empty() && r.rcode == Rcode::NOERROR);
}

#[test]
fn a_redirected_name_that_does_not_exist_is_nxdomain() {
    let r = q(&mut example(), "nope.old.example.test.", Type::A);
    assert_eq!(r.rcode, Rcode::NXDOMAIN);
    assert_eq!(r.answer.len(), 2);
    assert_eq!(r.authority.len(), 1);
}

#[test]
fn a_substitution_longer_than_a_name_is_yxdomain() {
    let long = "a".repeat(60);
    let zone = format!(
        "$ORIGIN d.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n\
         x DNAME {long}.{long}.{long}.d.\n"
    );
    let mut s = serving(Config::default(), &[&zone]);
    // 4 x 60-octet labels below x.d. fit a name; 3 more labels in the target do not.
    let q_name = format!("{long}.{long}.{long}.{long}.x.d.");
    let r = q(&mut s, &q_name, Type::A);
    assert_eq!(r.rcode, Rcode(6));
    assert_eq!(r.answer.len(), 1, "the DNAME, no CNAME");
    assert_eq!(s.stats().yxdomain, 1);
}
