//! RFC 2181 §9 and RFC 1035 §4.2: what does not fit a UDP response is left
//! out by whole RRsets with TC set, and the client asks again over TCP,
//! where each message goes after a two-octet length (§4.2.2) and the whole
//! answer fits; RFC 9471 §3: in-domain glue must fit a referral or TC is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::{Config, Transport};
use wirestate_wire::Instant;

#[test]
fn a_big_rrset_is_truncated_over_udp_and_whole_over_tcp() {
    let mut s = example();
    let a = Ask::new("big.example.test.", Type::TXT);
    let r = ask(&mut s, &a);
    assert!(r.header.tc && r.header.aa);
    assert!(r.answer.is_empty(), "no partial RRset");
    assert_eq!(r.question, ["big.example.test. TXT"]);
    let r = ask(&mut s, &a.clone().tcp());
    assert!(!r.header.tc);
    assert_eq!(r.answer.len(), 40);
    assert!(r.len > 2500);
    assert_eq!((s.stats().truncated, s.stats().tcp), (1, 1));
}

#[test]
fn rrsets_that_fit_are_kept_and_extra_additional_data_does_not_truncate() {
    // MX answers whose additional addresses do not fit: no TC (RFC 2181 §9).
    let mut text =
        String::from("$ORIGIN m.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n");
    for i in 0..20 {
        text.push_str(&format!("@ MX {i} mx{i}\nmx{i} AAAA 2001:db8::{i}\n"));
    }
    let mut s = serving(Config::default(), &[&text]);
    let r = ask(&mut s, &Ask::new("m.", Type::MX).no_edns());
    assert!(!r.header.tc);
    assert_eq!(r.answer.len(), 20);
    assert!(!r.additional.is_empty() && r.additional.len() < 20);
}

#[test]
fn in_domain_glue_that_does_not_fit_truncates_a_referral() {
    let mut text =
        String::from("$ORIGIN p.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n");
    for i in 0..8 {
        text.push_str(&format!("child NS a-rather-long-server-name-{i}.child\n"));
        text.push_str(&format!("a-rather-long-server-name-{i}.child AAAA 2001:db8::{i}\n"));
    }
    let mut s = serving(Config::default(), &[&text]);
    let r = ask(&mut s, &Ask::new("www.child.p.", Type::A).no_edns());
    assert!(r.header.tc, "RFC 9471 §3");
    assert_eq!(r.authority.len(), 8);
    let r = ask(&mut s, &Ask::new("www.child.p.", Type::A).tcp());
    assert!(!r.header.tc);
    assert_eq!(r.additional.len(), 8);
}

#[test]
fn tcp_messages_may_come_together_or_in_pieces() {
    let mut s = example();
    let from = client();
    let framed = |name: &str, id: u16| {
        let mut a = Ask::new(name, Type::A);
        a.id = id;
        let m = a.bytes();
        [&(m.len() as u16).to_be_bytes()[..], &m].concat()
    };
    // Two queries in one segment.
    let both = [framed("www.example.test.", 1), framed("mail.example.test.", 2)].concat();
    s.handle_query(Instant::ZERO, from, &both, Transport::Tcp);
    let out = drain(&mut s);
    assert_eq!(out.len(), 2);
    assert_eq!(read(&out[0].1).header.id, 1);
    assert_eq!(read(&out[1].1).answer, ["mail.example.test. 3600 IN A 198.51.100.25"]);
    // One query an octet at a time: nothing until the last octet.
    let one = framed("www.example.test.", 3);
    for (i, octet) in one.iter().enumerate() {
        s.handle_query(Instant::ZERO, from, &[*octet], Transport::Tcp);
        assert_eq!(s.pending_responses(), usize::from(i + 1 == one.len()));
    }
    assert_eq!(read(&drain(&mut s)[0].1).header.id, 3);
    // A closed connection's partial message is forgotten.
    s.handle_query(Instant::ZERO, from, &one[..5], Transport::Tcp);
    s.handle_tcp_close(from);
    s.handle_query(Instant::ZERO, from, &framed("www.example.test.", 4), Transport::Tcp);
    let out = drain(&mut s);
    assert_eq!(out.len(), 1);
    assert_eq!(read(&out[0].1).header.id, 4);
}

#[test]
fn partial_tcp_messages_are_bounded_by_max_tcp_streams() {
    let mut s = serving(Config { max_tcp_streams: 1, ..Config::default() }, &[]);
    let a: core::net::SocketAddr = "192.0.2.100:1".parse().unwrap();
    let b: core::net::SocketAddr = "192.0.2.100:2".parse().unwrap();
    s.handle_query(Instant::ZERO, a, &[0, 40, 1], Transport::Tcp);
    s.handle_query(Instant::ZERO, b, &[0, 40, 1], Transport::Tcp);
    assert_eq!(s.stats().dropped_tcp, 1);
}

#[test]
fn a_tcp_message_too_short_for_a_header_is_dropped() {
    let mut s = example();
    s.handle_query(Instant::ZERO, client(), &[0, 3, 1, 2, 3], Transport::Tcp);
    assert_eq!(s.pending_responses(), 0);
    assert_eq!(s.stats().dropped_malformed, 1);
    // And the stream goes on.
    let r = ask(&mut s, &Ask::new("www.example.test.", Type::A).tcp());
    assert_eq!(r.rcode, Rcode::NOERROR);
}
