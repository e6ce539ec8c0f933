//! Poisoning attempts, each its own test: every forged reply is ignored, and
//! nothing it carried is cached.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;

use common::*;
use wirestate_dns::Type;
use wirestate_dns_resolver::{Config, Event, Transport};

/// A stub with 0x20 off unless said, asking 192.0.2.53.
fn stub(case: bool) -> H {
    let mut c = Config::stub(vec!["192.0.2.53:53".parse().unwrap()]);
    c.case_randomization = case;
    H::new(c)
}

const REAL: &str = "www.example.test. 300 IN A 192.0.2.80";
const FORGED: &str = "www.example.test. 300 IN A 203.0.113.66";

fn answered_with(h: &mut H, want: &str) {
    let events = h.take_events();
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    let got: Vec<String> = a.addresses().map(|a| a.to_string()).collect();
    assert_eq!(got, [want]);
}

#[test]
fn a_reply_with_the_wrong_id_is_ignored() {
    let mut h = stub(false);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    let mut forged = Reply::answer(&[FORGED]);
    forged.id = Some(q.id.wrapping_add(1));
    h.answer(&q, &forged);
    assert_eq!(h.r.stats().mismatched, 1);
    h.answer(&q, &Reply::answer(&[REAL]));
    answered_with(&mut h, "192.0.2.80");
}

#[test]
fn a_reply_to_another_question_is_ignored() {
    let mut h = stub(false);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    let mut forged = Reply::answer(&["mail.example.test. 300 IN A 203.0.113.66"]);
    forged.qname = Some(name("mail.example.test."));
    h.answer(&q, &forged);
    assert_eq!(h.r.stats().mismatched, 1);
    h.answer(&q, &Reply::answer(&[REAL]));
    answered_with(&mut h, "192.0.2.80");
}

#[test]
fn a_reply_from_the_wrong_address_or_port_is_ignored() {
    let mut h = stub(false);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    let bytes = Reply::answer(&[FORGED]).to(&q);
    let elsewhere: SocketAddr = "198.51.100.9:53".parse().unwrap();
    h.r.handle_datagram(h.now, elsewhere, q.t.src_port, &bytes);
    h.r.handle_datagram(h.now, q.t.dst, q.t.src_port.wrapping_add(1), &bytes);
    let from_port_5353: SocketAddr = "192.0.2.53:5353".parse().unwrap();
    h.r.handle_datagram(h.now, from_port_5353, q.t.src_port, &bytes);
    assert_eq!(h.r.stats().mismatched, 3);
    h.answer(&q, &Reply::answer(&[REAL]));
    answered_with(&mut h, "192.0.2.80");
}

#[test]
fn with_0x20_a_reply_that_does_not_echo_the_case_is_ignored() {
    let mut h = stub(true);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    let sent = q.name.to_string();
    assert_ne!(sent, sent.to_lowercase(), "the name went out in mixed case: {sent}");
    let mut forged = Reply::answer(&[FORGED]);
    forged.qname = Some(name(&sent.to_lowercase()));
    h.answer(&q, &forged);
    // Not taken: the question is asked again over TCP, which a forger off the
    // path cannot answer (and a server that does not keep case can).
    assert!(h.take_events().is_empty());
    let tcp = h.one();
    assert_eq!((tcp.t.transport, tcp.server()), (Transport::Tcp, q.server()));
    assert_eq!(h.r.stats().case_fallbacks, 1);
    // The UDP query is no longer awaited.
    h.answer(&q, &Reply::answer(&[FORGED]));
    assert!(h.take_events().is_empty());
    let mut real = Reply::answer(&[REAL]);
    real.qname = Some(name(&sent.to_lowercase()));
    h.answer(&tcp, &real);
    answered_with(&mut h, "192.0.2.80");
}

#[test]
fn out_of_bailiwick_records_are_dropped_and_never_cached() {
    // The example.test. server adds an address for a name in another zone.
    let mut h = H::iterative();
    h.r.config();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one(); // to the root
    h.answer(
        &q,
        &Reply::referral(&["test. 3600 IN NS a.nic.test."], &["a.nic.test. 3600 IN A 192.0.2.2"]),
    );
    let q = h.one(); // to test.
    h.answer(
        &q,
        &Reply::referral(
            &["example.test. 3600 IN NS ns1.example.test."],
            &["ns1.example.test. 3600 IN A 192.0.2.3"],
        ),
    );
    let q = h.one(); // to example.test.
    assert_eq!(q.server(), ip("192.0.2.3"));
    let mut r = Reply::answer(&[REAL]);
    r.additional = vec!["www.bank.test. 86400 IN A 203.0.113.66".into()];
    r.authority = vec!["bank.test. 86400 IN NS ns.attacker.test.".into()];
    h.answer(&q, &r);
    answered_with(&mut h, "192.0.2.80");
    assert_eq!(h.r.stats().out_of_bailiwick, 2);
    // Asking for the poisoned name goes to the network: nothing was cached.
    h.r.query(h.now, &name("www.bank.test."), Type::A).unwrap();
    assert_eq!(h.r.stats().cache_hits, 0);
    let q = h.one();
    assert_ne!(q.server(), ip("203.0.113.66"));
}

#[test]
fn glue_for_a_name_outside_the_servers_zone_is_not_used() {
    // The test. server refers to example.test. but glues its server address
    // for a name under another TLD: that glue is out of its bailiwick.
    let mut h = H::iterative();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    h.answer(
        &q,
        &Reply::referral(&["test. 3600 IN NS a.nic.test."], &["a.nic.test. 3600 IN A 192.0.2.2"]),
    );
    let q = h.one();
    h.answer(
        &q,
        &Reply::referral(
            &["example.test. 3600 IN NS ns.example.org."],
            &["ns.example.org. 3600 IN A 203.0.113.66"],
        ),
    );
    // The resolver must look ns.example.org. up itself (from the root).
    let q = h.one();
    assert_eq!(q.server(), ip("192.0.2.1"), "asks the root, not the forged glue: {q:?}");
    assert!(h.r.stats().out_of_bailiwick >= 1);
}

#[test]
fn an_answer_for_a_name_never_asked_is_not_taken_or_cached() {
    let mut h = stub(false);
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    h.answer(&q, &Reply::answer(&[REAL, "login.bank.test. 86400 IN A 203.0.113.66"]));
    answered_with(&mut h, "192.0.2.80");
    h.r.query(h.now, &name("login.bank.test."), Type::A).unwrap();
    assert_eq!(h.r.stats().cache_hits, 0);
    assert_eq!(h.sent().len(), 1, "asked the server: nothing came from the cache");
}
