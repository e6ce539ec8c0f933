//! RFC 4592: a wildcard stands for the names that do not exist below its
//! parent (the closest encloser), answered under the asked name; names that
//! exist, empty non-terminals included, block it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::Config;

#[test]
fn a_wildcard_answers_under_the_asked_name() {
    let mut s = example();
    let r = q(&mut s, "anything.wild.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
    assert_eq!(r.answer, ["anything.wild.example.test. 3600 IN A 198.51.100.99"]);
    // Several labels below the closest encloser match too (§3.3.1).
    let r = q(&mut s, "a.b.c.wild.example.test.", Type::A);
    assert_eq!(r.answer, ["a.b.c.wild.example.test. 3600 IN A 198.51.100.99"]);
    // The wildcard's name asked literally.
    let r = q(&mut s, "*.wild.example.test.", Type::A);
    assert_eq!(r.answer, ["*.wild.example.test. 3600 IN A 198.51.100.99"]);
}

#[test]
fn a_wildcard_without_the_type_is_nodata() {
    let r = q(&mut example(), "x.wild.example.test.", Type::AAAA);
    assert_eq!(r.rcode, Rcode::NOERROR);
    assert!(r.answer.is_empty());
    assert_eq!(r.authority.len(), 1);
}

#[test]
fn the_wildcards_parent_is_an_empty_non_terminal() {
    let r = q(&mut example(), "wild.example.test.", Type::A);
    assert_eq!(r.rcode, Rcode::NOERROR);
    assert!(r.answer.is_empty());
}

#[test]
fn existing_names_block_the_wildcard() {
    let zone = "$ORIGIN w.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n\
                * A 192.0.2.99\n* MX 10 ns\nhost TXT \"here\"\nsub.deep A 192.0.2.5\n\
                alias.w. CNAME *.w.\nc CNAME target\n*.c A 192.0.2.7\n";
    let mut s = serving(Config::default(), &[zone]);
    assert_eq!(q(&mut s, "other.w.", Type::A).answer, ["other.w. 60 IN A 192.0.2.99"]);
    // host exists: no A there, NODATA rather than the wildcard (§2.2.2).
    let r = q(&mut s, "host.w.", Type::A);
    assert!(r.answer.is_empty() && r.rcode == Rcode::NOERROR);
    // deep is an empty non-terminal: it blocks *.w. for itself and below (§2.2.2).
    assert!(q(&mut s, "deep.w.", Type::A).answer.is_empty());
    assert_eq!(q(&mut s, "x.deep.w.", Type::A).rcode, Rcode::NXDOMAIN);
    // The wildcard's MX, with the additional address of its target.
    let r = q(&mut s, "mailer.w.", Type::MX);
    assert_eq!(r.answer, ["mailer.w. 60 IN MX 10 ns.w."]);
    assert_eq!(r.additional, ["ns.w. 60 IN A 192.0.2.1"]);
    // A CNAME to the wildcard's own name is followed to it.
    let r = q(&mut s, "alias.w.", Type::A);
    assert_eq!(r.answer, ["alias.w. 60 IN CNAME *.w.", "*.w. 60 IN A 192.0.2.99"]);
    // Below a CNAME owner: the name does not exist, *.c. stands for it.
    assert_eq!(q(&mut s, "x.c.w.", Type::A).answer, ["x.c.w. 60 IN A 192.0.2.7"]);
}
