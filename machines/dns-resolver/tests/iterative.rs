//! The iterative resolver against scripted servers: root 192.0.2.1, test. at
//! 192.0.2.2 (a.nic.test.), example.test. at 192.0.2.3 and 192.0.2.4
//! (ns1/ns2.example.test.), other.test. at 192.0.2.5.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_resolver::{Config, Event, Limit, ResolveError, Transport};

const ROOT_REF: &[&str] = &["test. 86400 IN NS a.nic.test."];
const ROOT_GLUE: &[&str] = &["a.nic.test. 86400 IN A 192.0.2.2"];
const TLD_REF: &[&str] =
    &["example.test. 3600 IN NS ns1.example.test.", "example.test. 3600 IN NS ns2.example.test."];
const TLD_GLUE: &[&str] =
    &["ns1.example.test. 3600 IN A 192.0.2.3", "ns2.example.test. 3600 IN A 192.0.2.4"];
const OTHER_REF: &[&str] = &["other.test. 3600 IN NS ns.other.test."];
const OTHER_GLUE: &[&str] = &["ns.other.test. 3600 IN A 192.0.2.5"];

/// Answers root and TLD queries as the tree above does, until a query reaches
/// a server of example.test. or other.test.; returns that query.
fn walk(h: &mut H) -> Sent {
    for _ in 0..20 {
        let q = h.one();
        match q.server().to_string().as_str() {
            "192.0.2.1" => h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE)),
            "192.0.2.2" if q.name.to_string().to_lowercase().ends_with("other.test.") => {
                h.answer(&q, &Reply::referral(OTHER_REF, OTHER_GLUE))
            }
            "192.0.2.2" => h.answer(&q, &Reply::referral(TLD_REF, TLD_GLUE)),
            _ => return q,
        }
    }
    panic!("no authoritative server reached");
}

fn answer_of(h: &mut H) -> wirestate_dns_resolver::Answer {
    let events = h.take_events();
    match events.as_slice() {
        [Event::Answer(_, a)] => (**a).clone(),
        other => panic!("{other:?}"),
    }
}

fn lower(s: &Sent) -> String {
    s.name.to_string().to_lowercase()
}

#[test]
fn rfc9156_each_server_sees_only_the_next_label() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::AAAA).unwrap();
    let q = h.one();
    assert_eq!((lower(&q), q.qtype), ("test.".into(), Type::A));
    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
    let q = h.one();
    assert_eq!((lower(&q), q.qtype), ("example.test.".into(), Type::A));
    h.answer(&q, &Reply::referral(TLD_REF, TLD_GLUE));
    let q = h.one();
    assert_eq!((lower(&q), q.qtype), ("www.example.test.".into(), Type::AAAA));
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN AAAA 2001:db8::80"]));
    let a = answer_of(&mut h);
    assert_eq!(a.addresses().map(|a| a.to_string()).collect::<Vec<_>>(), ["2001:db8::80"]);
    assert!(!q.rd, "iterative queries do not ask for recursion");
}

#[test]
fn without_minimisation_every_server_sees_the_whole_name() {
    let mut c = Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]);
    c.qname_minimisation = false;
    let mut h = H::new(c);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    assert_eq!((lower(&q), q.qtype), ("www.example.test.".into(), Type::A));
}

#[test]
fn rfc9156_an_empty_non_terminal_adds_a_label_and_nxdomain_ends_it() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("a.b.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    assert_eq!(lower(&q), "b.example.test.");
    h.answer(&q, &Reply::nodata(SOA_TEST)); // b.example.test. exists, no A
    let q = h.one();
    assert_eq!((lower(&q), q.qtype), ("a.b.example.test.".into(), Type::A));
    h.answer(&q, &Reply::answer(&["a.b.example.test. 60 IN A 192.0.2.99"]));
    assert_eq!(answer_of(&mut h).rcode, Rcode::NOERROR);
    // RFC 8020: NXDOMAIN for a minimised name ends the whole resolution.
    h.r.query(h.now, &name("x.y.example.test."), Type::A).unwrap();
    let q = h.one();
    assert_eq!(lower(&q), "y.example.test.");
    h.answer(&q, &Reply::nxdomain(SOA_TEST));
    let a = answer_of(&mut h);
    assert_eq!((a.rcode, a.name.to_string()), (Rcode::NXDOMAIN, "x.y.example.test.".into()));
}

#[test]
fn referrals_are_cached_so_the_next_name_starts_at_the_zone() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    answer_of(&mut h);
    h.r.query(h.now, &name("mail.example.test."), Type::A).unwrap();
    let q = h.one();
    assert!(q.server() == ip("192.0.2.3") || q.server() == ip("192.0.2.4"), "{q:?}");
}

#[test]
fn rfc2308_nxdomain_and_nodata_are_cached_for_the_soa_minimum() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("gone.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::nxdomain(SOA_TEST));
    let a = answer_of(&mut h);
    assert_eq!((a.rcode, a.ttl), (Rcode::NXDOMAIN, 300));
    // From the cache, for any type, until the negative TTL runs out.
    h.r.query(h.now, &name("gone.example.test."), Type::MX).unwrap();
    let a = answer_of(&mut h);
    assert_eq!((a.rcode, a.from_cache), (Rcode::NXDOMAIN, true));
    h.now += Duration::from_secs(300);
    h.r.query(h.now, &name("gone.example.test."), Type::A).unwrap();
    assert_eq!(h.sent().len(), 1, "the negative entry expired");
    // NODATA: the name exists, not the type.
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::MX).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::nodata(SOA_TEST));
    let a = answer_of(&mut h);
    assert_eq!((a.rcode, a.records().count(), a.ttl), (Rcode::NOERROR, 0, 300));
    h.r.query(h.now, &name("www.example.test."), Type::MX).unwrap();
    assert!(answer_of(&mut h).from_cache);
}

#[test]
fn rfc1034_5_3_3_a_referral_without_glue_resolves_the_name_server_first() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.noglue.test."), Type::A).unwrap();
    let q = h.one();
    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
    let q = h.one();
    assert_eq!(q.server(), ip("192.0.2.2"));
    h.answer(&q, &Reply::referral(&["noglue.test. 3600 IN NS ns.other.test."], &[]));
    // Now ns.other.test. A: from the test. server (the cut is cached).
    let q = h.one();
    assert_eq!((q.server(), lower(&q)), (ip("192.0.2.2"), "other.test.".into()));
    h.answer(&q, &Reply::referral(OTHER_REF, OTHER_GLUE));
    let q = h.one();
    assert_eq!(
        (q.server(), lower(&q), q.qtype),
        (ip("192.0.2.5"), "ns.other.test.".into(), Type::A)
    );
    h.answer(&q, &Reply::answer(&["ns.other.test. 3600 IN A 192.0.2.5"]));
    // Back to the first resolution, at ns.other.test.'s address.
    let q = h.one();
    assert_eq!((q.server(), lower(&q)), (ip("192.0.2.5"), "www.noglue.test.".into()));
    h.answer(&q, &Reply::answer(&["www.noglue.test. 300 IN A 192.0.2.81"]));
    let a = answer_of(&mut h);
    assert_eq!(a.addresses().next().unwrap().to_string(), "192.0.2.81");
}

#[test]
fn a_name_server_whose_only_name_is_inside_its_own_zone_without_glue_fails_without_looping() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.loop.test."), Type::A).unwrap();
    let q = h.one();
    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
    for _ in 0..30 {
        let sent = h.sent();
        if sent.is_empty() {
            break;
        }
        for q in sent {
            // test. always refers loop.test. to ns.loop.test., never with glue.
            h.answer(&q, &Reply::referral(&["loop.test. 3600 IN NS ns.loop.test."], &[]));
        }
    }
    let events = h.take_events();
    assert!(matches!(events.as_slice(), [Event::Failed(_, _)]), "{events:?}");
    assert_eq!(h.r.in_flight(), 0);
}

#[test]
fn a_refusing_server_is_skipped_for_the_query_only() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    let first = q.server();
    h.answer(&q, &Reply::rcode(5)); // REFUSED
    let q = h.one();
    assert_ne!(q.server(), first);
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    answer_of(&mut h);
    assert_eq!((h.r.stats().skipped, h.r.stats().lame), (1, 0));
    // Not remembered: one client's query must not take a server away from
    // the others, so both servers stay candidates.
    let mut asked = std::collections::BTreeSet::new();
    for i in 0..8 {
        h.r.query(h.now, &name(&format!("h{i}.example.test.")), Type::A).unwrap();
        let q = h.one();
        asked.insert(q.server());
        h.answer(&q, &Reply::answer(&[&format!("h{i}.example.test. 300 IN A 192.0.2.8")]));
        answer_of(&mut h);
    }
    assert!(asked.contains(&first), "{asked:?}");
}

#[test]
fn rfc2181_5_4_1_glue_from_a_referral_is_not_given_out_as_an_answer_nor_replaces_one() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("ns1.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["ns1.example.test. 3600 IN A 192.0.2.3"]));
    answer_of(&mut h);
    // A referral elsewhere glues a different address to the same name.
    h.r.query(h.now, &name("www.evil.test."), Type::A).unwrap();
    let q = h.one();
    h.answer(
        &q,
        &Reply::referral(
            &["evil.test. 3600 IN NS ns1.example.test."],
            &["ns1.example.test. 3600 IN A 203.0.113.66"],
        ),
    );
    h.sent();
    h.r.query(h.now, &name("ns1.example.test."), Type::A).unwrap();
    let events = h.take_events();
    let a = events.iter().find_map(|e| match e {
        Event::Answer(_, a) if a.name == name("ns1.example.test.") => Some(a.clone()),
        _ => None,
    });
    let a = a.expect("answered from the cache");
    assert_eq!(a.addresses().map(|x| x.to_string()).collect::<Vec<_>>(), ["192.0.2.3"]);
}

#[test]
fn only_the_records_the_name_owns_are_taken_from_an_answer() {
    // Kaminsky's attack: an answer for a random name carrying a CNAME to a
    // real name and an address for it. The address is not taken.
    let mut h = H::iterative();
    h.r.query(h.now, &name("rnd1.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(
        &q,
        &Reply::answer(&[
            "rnd1.example.test. 300 IN CNAME www.example.test.",
            "www.example.test. 86400 IN A 203.0.113.66",
        ]),
    );
    let q = h.one();
    assert_eq!(lower(&q), "www.example.test.", "the target is asked for on its own");
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    let a = answer_of(&mut h);
    assert_eq!(a.addresses().map(|x| x.to_string()).collect::<Vec<_>>(), ["192.0.2.80"]);
}

#[test]
fn rfc6895_meta_types_are_not_asked_for() {
    let mut h = H::iterative();
    for t in [252u16, 255, 41, 250] {
        assert!(h.r.query(h.now, &name("example.test."), Type(t)).is_err(), "{t}");
    }
}

#[test]
fn an_upward_referral_marks_the_server_lame() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    let first = q.server();
    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
    let q = h.one();
    assert_ne!(q.server(), first);
    assert_eq!(h.r.stats().lame, 1);
}

#[test]
fn a_timeout_moves_to_the_other_server_and_backs_its_estimate_off() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    let silent = q.server();
    let before = h.r.srtt(silent);
    h.fire();
    let q = h.one();
    assert_ne!(q.server(), silent);
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    answer_of(&mut h);
    assert!(h.r.srtt(silent) > before, "{} > {before}", h.r.srtt(silent));
    assert_eq!(h.r.stats().timeouts, 1);
}

#[test]
fn rfc7766_a_truncated_answer_is_asked_again_over_tcp() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("big.example.test."), Type::TXT).unwrap();
    let q = walk(&mut h);
    let mut tc = Reply::answer(&[]);
    tc.tc = true;
    h.answer(&q, &tc);
    let q2 = h.one();
    assert_eq!((q2.t.transport, q2.server()), (Transport::Tcp, q.server()));
    let lines: Vec<String> =
        (0..40).map(|i| format!("big.example.test. 60 IN TXT \"record {i}\"")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    h.answer(&q2, &Reply::answer(&refs));
    assert_eq!(answer_of(&mut h).records().count(), 40);
}

#[test]
fn rfc6891_7_formerr_to_edns_is_asked_again_without_it() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    assert!(q.edns);
    h.answer(&q, &Reply::rcode(1));
    let q2 = h.one();
    assert!(!q2.edns && q2.server() == q.server());
    h.answer(&q2, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    answer_of(&mut h);
    assert_eq!(h.r.stats().edns_fallbacks, 1);
}

#[test]
fn rfc1034_a_cname_into_another_zone_is_followed_from_the_closest_cut() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN CNAME web.other.test."]));
    let q = walk(&mut h);
    assert_eq!(q.server(), ip("192.0.2.5"));
    h.answer(&q, &Reply::answer(&["web.other.test. 120 IN A 192.0.2.90"]));
    let a = answer_of(&mut h);
    assert_eq!(a.chain.len(), 1);
    assert_eq!((a.ttl, a.addresses().next().unwrap().to_string()), (120, "192.0.2.90".into()));
    // The chain answers from the cache now.
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let a = answer_of(&mut h);
    assert!(a.from_cache && a.chain.len() == 1);
}

#[test]
fn a_cname_loop_ends_at_the_chain_limit() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("a.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(
        &q,
        &Reply::answer(&[
            "a.example.test. 300 IN CNAME b.example.test.",
            "b.example.test. 300 IN CNAME a.example.test.",
        ]),
    );
    for _ in 0..40 {
        let sent = h.sent();
        if sent.is_empty() {
            break;
        }
        for q in sent {
            h.answer(
                &q,
                &Reply::answer(&[
                    "a.example.test. 300 IN CNAME b.example.test.",
                    "b.example.test. 300 IN CNAME a.example.test.",
                ]),
            );
        }
    }
    let events = h.take_events();
    assert!(
        matches!(events.as_slice(), [Event::Failed(_, ResolveError::Limit(Limit::CnameChain))]),
        "{events:?}"
    );
}

#[test]
fn endless_referrals_end_at_the_referral_limit() {
    let mut h = H::iterative();
    let deep = (0..20).map(|i| format!("l{i}.")).collect::<String>() + "test.";
    h.r.query(h.now, &name(&deep), Type::A).unwrap();
    let mut depth = 0;
    for _ in 0..60 {
        let sent = h.sent();
        if sent.is_empty() {
            break;
        }
        for q in sent {
            // Each server refers one label further down, with glue.
            let labels: Vec<&str> = deep.trim_end_matches('.').split('.').collect();
            depth += 1;
            let zone = labels[labels.len().saturating_sub(depth)..].join(".") + ".";
            let ns = format!("{zone} 3600 IN NS ns.{zone}");
            let glue = format!("ns.{zone} 3600 IN A 192.0.2.{}", 10 + depth);
            h.answer(&q, &Reply::referral(&[&ns], &[&glue]));
        }
    }
    let events = h.take_events();
    assert!(
        matches!(events.as_slice(), [Event::Failed(_, ResolveError::Limit(Limit::Referrals))]),
        "{events:?}"
    );
}

#[test]
fn identical_queries_in_flight_are_merged() {
    let mut h = H::iterative();
    let a = h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let b = h.r.query(h.now, &name("WWW.example.test."), Type::A).unwrap();
    assert_ne!(a, b);
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    let events = h.take_events();
    assert_eq!(events.len(), 2);
    assert_eq!(h.r.stats().merged, 1);
}

#[test]
fn the_cache_never_answers_past_the_ttl_and_rotates_addresses() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(
        &q,
        &Reply::answer(&[
            "www.example.test. 60 IN A 192.0.2.1",
            "www.example.test. 60 IN A 192.0.2.2",
            "www.example.test. 60 IN A 192.0.2.3",
        ]),
    );
    answer_of(&mut h);
    let mut firsts = Vec::new();
    for _ in 0..3 {
        h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
        let a = answer_of(&mut h);
        assert_eq!(a.addresses().count(), 3);
        firsts.push(a.addresses().next().unwrap());
    }
    firsts.sort();
    firsts.dedup();
    assert_eq!(firsts.len(), 3, "each answer starts at another address");
    h.now += Duration::from_secs(59);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    assert_eq!(answer_of(&mut h).ttl, 1);
    h.now += Duration::from_secs(1);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    assert!(h.take_events().is_empty(), "expired: asked again");
}

#[test]
fn rfc8767_serve_stale_answers_with_ttl_30_when_the_servers_are_gone() {
    let mut c = Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]);
    c.serve_stale = Some(Duration::from_secs(86_400));
    let mut h = H::new(c);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 60 IN A 192.0.2.80"]));
    answer_of(&mut h);
    h.now += Duration::from_secs(120);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let events = h.silent_until_event();
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    assert!(a.stale && a.from_cache);
    assert_eq!((a.ttl, a.addresses().next().unwrap().to_string()), (30, "192.0.2.80".into()));
    assert_eq!(h.r.stats().stale_answers, 1);
    // Without serve-stale the same failure is a failure.
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 60 IN A 192.0.2.80"]));
    answer_of(&mut h);
    h.now += Duration::from_secs(120);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let events = h.silent_until_event();
    assert!(matches!(events.as_slice(), [Event::Failed(..)]), "{events:?}");
}

#[test]
fn too_many_queries_are_refused_and_every_query_ends_in_time() {
    let mut c = Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]);
    c.max_queries = 4;
    let mut h = H::new(c);
    for i in 0..4 {
        h.r.query(h.now, &name(&format!("h{i}.example.test.")), Type::A).unwrap();
    }
    assert!(h.r.query(h.now, &name("h9.example.test."), Type::A).is_err());
    let start = h.now;
    let mut failed = 0;
    while h.r.in_flight() > 0 {
        h.sent();
        h.fire();
        failed += h
            .take_events()
            .iter()
            .filter(|e| {
                matches!(e, Event::Failed(_, ResolveError::TimedOut | ResolveError::ServFail))
            })
            .count();
    }
    assert_eq!(failed, 4);
    assert!(h.now.saturating_duration_since(start) <= Duration::from_secs(10));
}

#[test]
fn rfc5452_5_two_resolutions_needing_the_same_name_server_address_share_one_lookup() {
    let mut h = H::iterative();
    for n in ["a.noglue.test.", "b.noglue2.test."] {
        h.r.query(h.now, &name(n), Type::A).unwrap();
    }
    // The root refers both to test., test. refers each zone to ns.other.test.
    // without glue.
    let mut lookups = 0;
    for _ in 0..30 {
        let sent = h.sent();
        if sent.is_empty() {
            break;
        }
        for q in sent {
            let qn = lower(&q);
            match q.server().to_string().as_str() {
                "192.0.2.1" => h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE)),
                "192.0.2.2" if qn.ends_with("other.test.") => {
                    h.answer(&q, &Reply::referral(OTHER_REF, OTHER_GLUE))
                }
                "192.0.2.2" => {
                    let zone =
                        if qn.contains("noglue2") { "noglue2.test." } else { "noglue.test." };
                    h.answer(
                        &q,
                        &Reply::referral(&[&format!("{zone} 3600 IN NS ns.other.test.")], &[]),
                    );
                }
                "192.0.2.5" if qn == "ns.other.test." => {
                    lookups += 1;
                    h.answer(&q, &Reply::answer(&["ns.other.test. 3600 IN A 192.0.2.5"]));
                }
                _ => {
                    let line = format!("{qn} 300 IN A 192.0.2.81");
                    h.answer(&q, &Reply::answer(&[&line]));
                }
            }
        }
    }
    assert_eq!(h.take_events().len(), 2);
    assert_eq!(lookups, 1, "one lookup of ns.other.test. for both");
}

#[test]
fn a_denial_of_a_cname_target_outside_the_servers_zone_is_not_believed() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    let mut r = Reply::answer(&["www.example.test. 300 IN CNAME web.other.test."]);
    r.rcode = 3; // NXDOMAIN for web.other.test., which example.test. cannot know
    r.authority = vec![SOA_TEST.into()];
    h.answer(&q, &r);
    let q = walk(&mut h);
    assert_eq!((q.server(), lower(&q)), (ip("192.0.2.5"), "web.other.test.".into()));
    h.answer(&q, &Reply::answer(&["web.other.test. 300 IN A 192.0.2.90"]));
    assert_eq!(answer_of(&mut h).rcode, Rcode::NOERROR);
}

#[test]
fn an_ns_query_answered_by_the_parent_is_followed_as_a_referral() {
    let mut h = H::iterative();
    h.r.query(h.now, &name("example.test."), Type::NS).unwrap();
    let q = h.one();
    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
    let q = h.one();
    assert_eq!(q.server(), ip("192.0.2.2"));
    // test. puts the delegation in the answer section, without AA.
    let mut r = Reply::referral(&[], TLD_GLUE);
    r.answer = TLD_REF.iter().map(|s| s.to_string()).collect();
    h.answer(&q, &r);
    let q = h.one();
    assert!(q.server() == ip("192.0.2.3") || q.server() == ip("192.0.2.4"), "asks the zone: {q:?}");
    let mut auth = Reply::answer(TLD_REF);
    auth.aa = true;
    h.answer(&q, &auth);
    assert_eq!(answer_of(&mut h).records().count(), 2);
}

#[test]
fn rfc5452_5_concurrent_cold_names_under_one_zone_ask_each_minimised_question_once() {
    let mut h = H::iterative();
    for i in 0..5 {
        h.r.query(h.now, &name(&format!("h{i}.example.test.")), Type::A).unwrap();
    }
    let mut to_root = 0;
    let mut to_tld = 0;
    for _ in 0..30 {
        let sent = h.sent();
        if sent.is_empty() {
            break;
        }
        for q in sent {
            match q.server().to_string().as_str() {
                "192.0.2.1" => {
                    to_root += 1;
                    h.answer(&q, &Reply::referral(ROOT_REF, ROOT_GLUE));
                }
                "192.0.2.2" => {
                    to_tld += 1;
                    h.answer(&q, &Reply::referral(TLD_REF, TLD_GLUE));
                }
                _ => {
                    let line = format!("{} 300 IN A 192.0.2.8", lower(&q));
                    h.answer(&q, &Reply::answer(&[&line]));
                }
            }
        }
    }
    assert_eq!(h.take_events().len(), 5);
    assert_eq!((to_root, to_tld), (1, 1), "one test. A to the root, one example.test. A to test.");
}

#[test]
fn rfc8767_5_a_stale_answer_comes_after_the_client_response_timer_not_the_query_timeout() {
    let mut c = Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]);
    c.serve_stale = Some(Duration::from_secs(86_400));
    let mut h = H::new(c);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 60 IN A 192.0.2.80"]));
    answer_of(&mut h);
    h.now += Duration::from_secs(120);
    let asked_at = h.now;
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let events = h.silent_until_event();
    assert_eq!(h.now.saturating_duration_since(asked_at), Duration::from_millis(1800));
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    assert!(a.stale && a.ttl == 30);
    // The resolution goes on, to refresh the cache, and ends without a second event.
    while h.r.in_flight() > 0 {
        h.sent();
        h.fire();
    }
    assert!(h.take_events().is_empty());
}

#[test]
fn rfc8767_4_after_a_failed_refresh_stale_data_answers_for_30_s_without_asking() {
    let mut c = Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]);
    c.serve_stale = Some(Duration::from_secs(86_400));
    let mut h = H::new(c);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = walk(&mut h);
    h.answer(&q, &Reply::answer(&["www.example.test. 60 IN A 192.0.2.80"]));
    answer_of(&mut h);
    h.now += Duration::from_secs(120);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    while h.r.in_flight() > 0 {
        h.sent(); // silent servers: the refresh fails
        h.fire();
    }
    h.take_events();
    let sent_before = h.r.stats().sent;
    h.now += Duration::from_secs(10);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let a = answer_of(&mut h);
    assert!(a.stale && h.r.stats().sent == sent_before, "answered stale at once, nothing sent");
    h.now += Duration::from_secs(30);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    assert!(!h.sent().is_empty(), "after the recheck time, a refresh is tried again");
}
