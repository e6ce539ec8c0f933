//! The resolver against a hierarchy of wirestate-dns-server machines (root,
//! test., example.test., other.test., noglue.test., lame delegations) on the
//! in-memory network: what the issue asks the resolver to show, against real
//! server machines rather than scripted replies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::net::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_resolver::{Answer, Config, Event, ResolveError};
use wirestate_dns_server::{hierarchy, Config as ServerConfig};

fn answer(e: Event) -> Answer {
    match e {
        Event::Answer(_, a) => *a,
        other => panic!("{other:?}"),
    }
}

fn addrs(a: &Answer) -> Vec<String> {
    let mut v: Vec<String> = a.addresses().map(|a| a.to_string()).collect();
    v.sort();
    v
}

#[test]
fn plain_a_and_aaaa_from_the_root_down() {
    let mut n = Net::hierarchy(Link::default(), 1);
    let a = answer(n.resolve("www.example.test.", Type::A));
    assert_eq!(addrs(&a), ["198.51.100.80"]);
    let cold = n.queries;
    let a = answer(n.resolve("www.example.test.", Type::AAAA));
    assert_eq!(addrs(&a), ["2001:db8:100::80"]);
    assert!(n.queries - cold <= 2, "the second name starts at the cached zone cut");
}

#[test]
fn cname_chains_within_and_across_zones() {
    let mut n = Net::hierarchy(Link::default(), 2);
    let a = answer(n.resolve("chain1.example.test.", Type::A));
    assert_eq!((a.chain.len(), addrs(&a)), (3, vec!["198.51.100.80".to_string()]));
    let a = answer(n.resolve("outside.example.test.", Type::A));
    assert_eq!(a.chain.len(), 1);
    assert_eq!(a.chain[0].name.to_string(), "outside.example.test.");
    assert!(!addrs(&a).is_empty(), "www.other.test. resolved from other.test.'s server");
}

#[test]
fn nxdomain_and_nodata_are_cached_with_the_negative_ttl() {
    let mut n = Net::hierarchy(Link::default(), 3);
    let a = answer(n.resolve("nope.example.test.", Type::A));
    assert_eq!((a.rcode, a.ttl), (Rcode::NXDOMAIN, 300));
    let before = n.queries;
    let a = answer(n.resolve("nope.example.test.", Type::AAAA));
    assert!(a.from_cache && a.rcode == Rcode::NXDOMAIN && n.queries == before);
    let a = answer(n.resolve("www.example.test.", Type::MX));
    assert_eq!((a.rcode, a.records().count(), a.ttl), (Rcode::NOERROR, 0, 300));
    // The TLD's SOA TTL (900) is under its MINIMUM: that is the negative TTL.
    let a = answer(n.resolve("nothing-here.test.", Type::A));
    assert_eq!((a.rcode, a.ttl), (Rcode::NXDOMAIN, 900));
    let a = answer(n.resolve("dangling.example.test.", Type::A));
    assert_eq!((a.rcode, a.chain.len()), (Rcode::NXDOMAIN, 1));
}

#[test]
fn a_referral_without_glue_resolves_the_name_server_on_the_way() {
    let mut n = Net::hierarchy(Link::default(), 4);
    let e = n.resolve("www.noglue.test.", Type::A);
    let a = answer(e);
    assert_eq!(a.rcode, Rcode::NOERROR);
    assert!(!addrs(&a).is_empty());
}

#[test]
fn a_lame_delegation_fails_and_a_half_lame_one_is_answered_by_the_good_server() {
    let mut n = Net::hierarchy(Link::default(), 5);
    match n.resolve("www.lame.test.", Type::A) {
        Event::Failed(_, e) => assert_eq!(e, ResolveError::ServFail),
        other => panic!("{other:?}"),
    }
    assert!(n.r.stats().skipped >= 1, "REFUSED: the next server, nothing remembered");
    let a = answer(n.resolve("www.halflame.test.", Type::A));
    assert_eq!(a.rcode, Rcode::NOERROR);
}

#[test]
fn a_server_that_never_answers_times_out_and_the_other_answers() {
    let dead: IpAddr = "192.0.2.20".parse().unwrap();
    let servers = hierarchy::test_hierarchy_with(|a| ServerConfig {
        drop_all: a == dead || a == "2001:db8::20".parse::<IpAddr>().unwrap(),
        ..ServerConfig::default()
    });
    let mut n = Net::new(Config::iterative(root_hints()), servers, Link::default(), 6);
    let a = answer(n.resolve("www.example.test.", Type::A));
    assert_eq!(addrs(&a), ["198.51.100.80"]);
    assert!(n.r.stats().timeouts >= 1);
    assert!(n.r.srtt(dead) > n.r.srtt("192.0.2.21".parse().unwrap()));
}

#[test]
fn a_truncated_answer_is_fetched_over_tcp() {
    let mut n = Net::hierarchy(Link::default(), 7);
    let a = answer(n.resolve("big.example.test.", Type::TXT));
    assert_eq!(a.records().count(), 40);
    assert!(n.r.stats().tcp_retries >= 1);
}

#[test]
fn a_server_without_edns_is_asked_again_without_it() {
    let servers =
        hierarchy::test_hierarchy_with(|_| ServerConfig { edns: false, ..ServerConfig::default() });
    let mut n = Net::new(Config::iterative(root_hints()), servers, Link::default(), 8);
    let a = answer(n.resolve("www.example.test.", Type::A));
    assert_eq!(addrs(&a), ["198.51.100.80"]);
    assert!(n.r.stats().edns_fallbacks >= 1);
    // Remembered per server: each falls back once, however many names follow.
    for name in ["alias.example.test.", "chain1.example.test.", "www.other.test."] {
        answer(n.resolve(name, Type::A));
    }
    assert!(n.r.stats().edns_fallbacks as usize <= n.asked.len());
}

#[test]
fn a_wide_rrset_over_plain_dns_is_truncated_then_whole_over_tcp() {
    let mut c = Config::iterative(root_hints());
    c.edns_udp_size = None;
    let mut n = Net::new(c, hierarchy::test_hierarchy(), Link::default(), 9);
    let a = answer(n.resolve("wide.example.test.", Type::A));
    assert_eq!(a.records().count(), 40);
}

#[test]
fn wildcards_dname_and_a_delegated_subzone() {
    let mut n = Net::hierarchy(Link::default(), 10);
    let a = answer(n.resolve("anything.wild.example.test.", Type::A));
    assert_eq!(a.rcode, Rcode::NOERROR);
    assert!(a.records().count() >= 1);
    let a = answer(n.resolve("www.old.example.test.", Type::A));
    assert!(!a.chain.is_empty(), "DNAME: the synthesized CNAME is in the chain");
    let e = n.resolve("www.sub.example.test.", Type::A);
    assert!(matches!(e, Event::Answer(..)), "{e:?}");
}

#[test]
fn a_cold_resolution_costs_a_handful_of_messages_and_little_virtual_time() {
    let mut n = Net::hierarchy(Link { loss_per_mille: 0, max_delay_ms: 20 }, 11);
    let start = n.now;
    answer(n.resolve("www.example.test.", Type::A));
    let took = n.now.saturating_duration_since(start);
    println!("cold iterative resolution: {} queries, {took:?} virtual", n.queries);
    assert!(n.queries <= 6, "{} queries", n.queries);
    assert!(took <= Duration::from_millis(6 * 20));
}
