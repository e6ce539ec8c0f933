//! RFC 2308 §3 (and §2.1, §2.2): NXDOMAIN and NODATA carry the zone's SOA in
//! authority, its TTL the lesser of the SOA's TTL and MINIMUM; RFC 8020 §2:
//! an empty non-terminal exists, so it is NODATA; RFC 6604 §2.1: at the end
//! of a chain the rcode is the last name's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};

const EXAMPLE_SOA: &str =
    "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300";

#[test]
fn nxdomain_carries_the_soa_with_the_minimum_as_ttl() {
    let mut s = example();
    let r = q(&mut s, "nope.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NXDOMAIN, true));
    assert!(r.answer.is_empty());
    // TTL 3600, MINIMUM 300: the SOA goes with 300.
    assert_eq!(r.authority, [EXAMPLE_SOA]);
    assert_eq!(s.stats().nxdomain, 1);
}

#[test]
fn the_negative_ttl_is_the_soa_ttl_when_it_is_lower() {
    // test.: SOA TTL 900, MINIMUM 86400.
    let r = q(&mut at(10), "nope.test.", Type::A);
    assert_eq!(r.rcode, Rcode::NXDOMAIN);
    assert_eq!(
        r.authority,
        ["test. 900 IN SOA ns1.nic.test. hostmaster.nic.test. 2024010101 1800 900 604800 86400"]
    );
}

#[test]
fn nodata_is_noerror_with_no_answer_and_the_soa() {
    let mut s = example();
    let r = q(&mut s, "mail.example.test.", Type::AAAA);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
    assert!(r.answer.is_empty());
    assert_eq!(r.authority, [EXAMPLE_SOA]);
    assert_eq!(s.stats().nodata, 1);
}

#[test]
fn an_empty_non_terminal_is_nodata_not_nxdomain() {
    let mut s = example();
    for name in ["ent.example.test.", "b.ent.example.test.", "B.Ent.Example.Test."] {
        let r = q(&mut s, name, Type::A);
        assert_eq!(r.rcode, Rcode::NOERROR, "{name}");
        assert!(r.answer.is_empty());
        assert_eq!(r.authority, [EXAMPLE_SOA]);
    }
    assert_eq!(q(&mut s, "a.b.ent.example.test.", Type::A).answer.len(), 1);
    assert_eq!(q(&mut s, "c.b.ent.example.test.", Type::A).rcode, Rcode::NXDOMAIN);
    assert_eq!(q(&mut s, "c.ent.example.test.", Type::A).rcode, Rcode::NXDOMAIN);
}

#[test]
fn a_chain_to_a_missing_name_is_nxdomain_with_the_chain() {
    let r = q(&mut example(), "dangling.example.test.", Type::A);
    assert_eq!(r.rcode, Rcode::NXDOMAIN);
    assert_eq!(r.answer, ["dangling.example.test. 3600 IN CNAME nowhere.example.test."]);
    assert_eq!(r.authority, [EXAMPLE_SOA]);
    // To a name without the type: NOERROR, the chain, the SOA.
    let r = q(&mut example(), "alias.example.test.", Type::MX);
    assert_eq!(r.rcode, Rcode::NOERROR);
    assert_eq!(r.answer, ["alias.example.test. 3600 IN CNAME www.example.test."]);
    assert_eq!(r.authority, [EXAMPLE_SOA]);
}
