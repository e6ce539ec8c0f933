//! RFC 1034 §4.3.2, the authoritative answer: the exact RRset with AA, CNAMEs
//! followed within the zone, referrals below a delegation with glue, the
//! deepest zone chosen, REFUSED outside every zone, the question echoed with
//! its case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::{hierarchy, Config, Zone};

#[test]
fn an_authoritative_answer_is_the_exact_rrset_with_aa() {
    let mut s = example();
    let r = q(&mut s, "www.example.test.", Type::A);
    assert_eq!(
        (r.rcode, r.header.aa, r.header.ra, r.header.tc),
        (Rcode::NOERROR, true, false, false)
    );
    assert_eq!(r.answer, ["www.example.test. 3600 IN A 198.51.100.80"]);
    assert!(r.authority.is_empty() && r.additional.is_empty());
    let r = q(&mut s, "www.example.test.", Type::AAAA);
    assert_eq!(r.answer, ["www.example.test. 3600 IN AAAA 2001:db8:100::80"]);
    let r = q(&mut s, "example.test.", Type::TXT);
    assert_eq!(r.answer, ["example.test. 3600 IN TXT \"v=spf1 -all\""]);
}

#[test]
fn the_question_is_echoed_with_its_case_and_the_header_copied() {
    let mut s = example();
    let mut a = Ask::new("wWw.EXample.TesT.", Type::A);
    a.id = 0xbeef;
    a.cd = true;
    let r = ask(&mut s, &a);
    assert_eq!(r.question, ["wWw.EXample.TesT. A"]);
    // The owner is written as the question's name (compressed to it).
    assert_eq!(r.answer, ["wWw.EXample.TesT. 3600 IN A 198.51.100.80"]);
    assert_eq!((r.header.id, r.header.rd, r.header.cd), (0xbeef, true, true));
    a.rd = false;
    assert!(!ask(&mut s, &a).header.rd);
}

#[test]
fn mx_ns_and_srv_answers_carry_the_addresses_the_zone_has() {
    let mut s = example();
    let r = q(&mut s, "example.test.", Type::MX);
    assert_eq!(r.answer, ["example.test. 3600 IN MX 10 mail.example.test."]);
    assert_eq!(r.additional, ["mail.example.test. 3600 IN A 198.51.100.25"]);
    let r = q(&mut s, "example.test.", Type::NS);
    assert_eq!(r.answer.len(), 2);
    assert_eq!(
        r.additional,
        [
            "ns1.example.test. 3600 IN A 192.0.2.20",
            "ns1.example.test. 3600 IN AAAA 2001:db8::20",
            "ns2.example.test. 3600 IN A 192.0.2.21",
        ]
    );
    let r = q(&mut s, "_http._tcp.example.test.", Type::SRV);
    assert_eq!(r.answer, ["_http._tcp.example.test. 3600 IN SRV 0 5 80 www.example.test."]);
    assert_eq!(r.additional.len(), 2);
}

#[test]
fn the_priming_answer_carries_the_root_servers_glue() {
    // RFC 8109 §3.3: the addresses of the root servers come with the NS.
    let r = q(&mut at(1), ".", Type::NS);
    assert!(r.header.aa);
    assert_eq!(
        r.answer,
        [". 86400 IN NS a.root-servers.test.", ". 86400 IN NS b.root-servers.test."]
    );
    assert_eq!(r.additional.len(), 4);
}

#[test]
fn a_cname_is_followed_within_the_zone() {
    let mut s = example();
    let r = q(&mut s, "alias.example.test.", Type::A);
    assert_eq!(
        r.answer,
        [
            "alias.example.test. 3600 IN CNAME www.example.test.",
            "www.example.test. 3600 IN A 198.51.100.80"
        ]
    );
    let r = q(&mut s, "chain1.example.test.", Type::AAAA);
    assert_eq!(r.answer.len(), 4);
    assert_eq!(r.answer[3], "www.example.test. 3600 IN AAAA 2001:db8:100::80");
    // Asked for the CNAME itself, or ANY: the CNAME alone.
    let r = q(&mut s, "alias.example.test.", Type::CNAME);
    assert_eq!(r.answer, ["alias.example.test. 3600 IN CNAME www.example.test."]);
    let r = q(&mut s, "alias.example.test.", Type::ANY);
    assert_eq!(r.answer, ["alias.example.test. 3600 IN CNAME www.example.test."]);
}

#[test]
fn a_cname_out_of_the_zone_is_answered_alone_for_the_resolver_to_follow() {
    let r = q(&mut example(), "outside.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
    assert_eq!(r.answer, ["outside.example.test. 3600 IN CNAME www.other.test."]);
    assert!(r.authority.is_empty());
}

#[test]
fn a_cname_loop_ends_when_a_name_comes_again() {
    let r = q(&mut example(), "loop1.example.test.", Type::A);
    assert_eq!(r.rcode, Rcode::NOERROR);
    assert_eq!(
        r.answer,
        [
            "loop1.example.test. 3600 IN CNAME loop2.example.test.",
            "loop2.example.test. 3600 IN CNAME loop1.example.test."
        ]
    );
}

#[test]
fn a_chain_stops_at_max_chain() {
    let mut text =
        String::from("$ORIGIN c.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n");
    for i in 0..20 {
        text.push_str(&format!("n{i} CNAME n{}\n", i + 1));
    }
    text.push_str("n20 A 192.0.2.9\n");
    let mut s = serving(Config::default(), &[&text]);
    // 8 CNAMEs followed: n0..n8 give nine CNAME records, then it stops.
    let r = q(&mut s, "n0.c.", Type::A);
    assert_eq!(r.answer.len(), 9);
    assert!(r.answer.iter().all(|l| l.contains("CNAME")));
    let r = q(&mut s, "n12.c.", Type::A);
    assert_eq!(r.answer.len(), 9);
    assert_eq!(r.answer[8], "n20.c. 60 IN A 192.0.2.9");
}

#[test]
fn below_a_delegation_the_answer_is_a_referral_with_glue() {
    // RFC 1034 §4.3.2 step 3b: NS in authority, addresses in additional, no AA.
    let r = q(&mut at(10), "www.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, false));
    assert!(r.answer.is_empty());
    assert_eq!(
        r.authority,
        [
            "example.test. 172800 IN NS ns1.example.test.",
            "example.test. 172800 IN NS ns2.example.test."
        ]
    );
    assert_eq!(
        r.additional,
        [
            "ns1.example.test. 172800 IN A 192.0.2.20",
            "ns1.example.test. 172800 IN AAAA 2001:db8::20",
            "ns2.example.test. 172800 IN A 192.0.2.21",
        ]
    );
    // At the cut itself too.
    let r = q(&mut at(10), "example.test.", Type::A);
    assert!(!r.header.aa && r.answer.is_empty() && r.authority.len() == 2);
    // And from inside a zone: example.test. delegates sub.example.test.
    let r = q(&mut example(), "a.b.www.sub.example.test.", Type::MX);
    assert_eq!(r.authority, ["sub.example.test. 3600 IN NS ns1.sub.example.test."]);
    assert_eq!(r.additional, ["ns1.sub.example.test. 3600 IN A 192.0.2.40"]);
}

#[test]
fn a_referral_to_a_server_named_in_another_zone_has_no_glue() {
    let r = q(&mut at(10), "www.noglue.test.", Type::A);
    assert_eq!(r.authority, ["noglue.test. 172800 IN NS ns.other.test."]);
    assert!(r.additional.is_empty());
    // Sibling glue the zone has is sent (lame.test. is served by ns1.other.test.).
    let r = q(&mut at(10), "www.lame.test.", Type::A);
    assert_eq!(r.additional, ["ns1.other.test. 172800 IN A 192.0.2.30"]);
}

#[test]
fn ds_at_a_cut_is_answered_by_the_parent() {
    // RFC 4035 §3.1.4.1: the DS RRset lives on the parent side.
    let r = q(&mut at(10), "example.test.", Type::DS);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
    assert!(r.answer.is_empty());
    assert_eq!(r.authority.len(), 1);
    assert!(r.authority[0].starts_with("test. 900 IN SOA"));
    // A server with both zones answers DS from the parent, the rest from the child.
    let mut s = serving(Config::default(), &[]);
    s.add_zone(hierarchy::zone("test.").unwrap());
    s.add_zone(hierarchy::zone("example.test.").unwrap());
    assert!(q(&mut s, "example.test.", Type::DS).authority[0].starts_with("test. "));
    assert!(
        q(&mut s, "example.test.", Type::SOA).answer[0].starts_with("example.test. 3600 IN SOA")
    );
    let r = q(&mut s, "www.example.test.", Type::A);
    assert!(r.header.aa);
    assert_eq!(r.answer, ["www.example.test. 3600 IN A 198.51.100.80"]);
}

#[test]
fn any_is_answered_with_one_rrset() {
    // RFC 8482 §4.1.
    let r = q(&mut example(), "www.example.test.", Type::ANY);
    assert_eq!(r.answer, ["www.example.test. 3600 IN A 198.51.100.80"]);
}

#[test]
fn a_name_outside_every_zone_is_refused_without_recursion() {
    let mut s = example();
    for name in ["www.other.test.", "test.", ".", "www.example.test.invalid."] {
        let r = q(&mut s, name, Type::A);
        assert_eq!((r.rcode, r.header.aa, r.header.ra), (Rcode::REFUSED, false, false), "{name}");
        assert_eq!(r.question, [format!("{name} A")]);
        assert!(r.answer.is_empty() && r.authority.is_empty());
    }
    // The class matters too: CHAOS is in no zone.
    let mut a = Ask::new("www.example.test.", Type::TXT);
    a.qclass = wirestate_dns::Class::CH;
    assert_eq!(ask(&mut s, &a).rcode, Rcode::REFUSED);
    assert_eq!(s.stats().refused, 5);
}

#[test]
fn zones_are_replaced_and_removed_by_apex() {
    let mut s = example();
    let old = s.add_zone(hierarchy::zone("example.test.").unwrap());
    assert!(old.is_some());
    assert_eq!(s.zones().count(), 1);
    let zone = Zone::parse(None, "x. 60 SOA ns.x. h.x. 1 2 3 4 5\nx. 60 NS ns.x.\n").unwrap();
    s.add_zone(zone);
    assert_eq!(s.zones().count(), 2);
    let apex: wirestate_dns::NameBuf = "example.test.".parse().unwrap();
    assert!(s.remove_zone(&apex.as_name(), wirestate_dns::Class::IN).is_some());
    assert_eq!(q(&mut s, "www.example.test.", Type::A).rcode, Rcode::REFUSED);
}
