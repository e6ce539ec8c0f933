//! The knobs for tests of resolvers (lame, old and dead servers), the
//! bounded queues, the transmit buffer, and the event log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::{hierarchy, CallError, Config, Event, Lame, Outcome, Server, Transport};
use wirestate_wire::Instant;

#[test]
fn a_lame_server_refuses_everything() {
    let mut s = example();
    s.config_mut().lame = Some(Lame::Refused);
    let r = q(&mut s, "www.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::REFUSED, false));
}

#[test]
fn a_lame_delegation_in_the_tree_is_refused() {
    // test. sends lame.test. to ns1.other.test. (192.0.2.30), which does not serve it.
    let r = q(&mut at(30), "www.lame.test.", Type::A);
    assert_eq!(r.rcode, Rcode::REFUSED);
    // halflame.test.: its good server answers.
    let r = q(&mut at(51), "www.halflame.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, true));
}

#[test]
fn a_server_without_authority_answers_without_aa() {
    let mut s = example();
    s.config_mut().lame = Some(Lame::NotAuthoritative);
    let r = q(&mut s, "www.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa, r.answer.len()), (Rcode::NOERROR, false, 1));
    // The same per zone.
    let mut s = Server::new(Config::default());
    s.add_lame_zone(hierarchy::zone("example.test.").unwrap());
    let r = q(&mut s, "nope.example.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NXDOMAIN, false));
}

#[test]
fn an_upward_referral_points_at_the_root() {
    let cfg = Config {
        lame: Some(Lame::UpwardReferral),
        root_hints: hierarchy::root_hints(),
        ..Config::default()
    };
    let mut s = Server::new(cfg);
    let r = q(&mut s, "www.lame.test.", Type::A);
    assert_eq!((r.rcode, r.header.aa), (Rcode::NOERROR, false));
    assert!(r.answer.is_empty());
    assert_eq!(
        r.authority,
        [". 86400 IN NS a.root-servers.test.", ". 86400 IN NS b.root-servers.test."]
    );
    assert_eq!(r.additional.len(), 4);
    assert_eq!(s.stats().referrals, 1);
    // Without hints, REFUSED.
    s.config_mut().root_hints.clear();
    assert_eq!(q(&mut s, "www.lame.test.", Type::A).rcode, Rcode::REFUSED);
}

#[test]
fn a_dead_server_answers_nothing() {
    let mut s = example();
    s.config_mut().drop_all = true;
    let bytes = Ask::new("www.example.test.", Type::A).bytes();
    assert_eq!(send(&mut s, &bytes, Transport::Udp), None);
    assert_eq!(send(&mut s, &bytes, Transport::Tcp), None);
    assert_eq!(s.stats().dropped_by_config, 2);
    let Some(Event::Query { outcome, .. }) = s.poll_event() else { panic!() };
    assert_eq!(outcome, Outcome::Dropped);
}

#[test]
fn a_short_transmit_buffer_loses_nothing() {
    let mut s = example();
    s.handle_query(
        Instant::ZERO,
        client(),
        &Ask::new("www.example.test.", Type::A).bytes(),
        Transport::Udp,
    );
    let need = s.transmit_buffer_len();
    assert_eq!(need, 65537);
    let mut short = vec![0u8; need - 1];
    assert_eq!(s.poll_transmit(Instant::ZERO, &mut short), Err(CallError::BufferTooSmall { need }));
    assert_eq!(s.pending_responses(), 1);
    assert_eq!(drain(&mut s).len(), 1);
    assert_eq!((s.poll_timeout(), s.stats().sent), (None, 1));
}

#[test]
fn responses_beyond_max_pending_are_dropped_and_counted() {
    let mut s = example();
    s.config_mut().max_pending = 2;
    let bytes = Ask::new("www.example.test.", Type::A).bytes();
    for _ in 0..3 {
        s.handle_query(Instant::ZERO, client(), &bytes, Transport::Udp);
    }
    assert_eq!((s.pending_responses(), s.stats().dropped_queue_full), (2, 1));
    assert_eq!(drain(&mut s).len(), 2);
}

#[test]
fn every_query_is_logged_up_to_max_events() {
    let mut s = example();
    s.config_mut().max_events = 2;
    q(&mut s, "WWW.example.test.", Type::A);
    ask(&mut s, &Ask::new("big.example.test.", Type::TXT));
    q(&mut s, "nope.example.test.", Type::A);
    assert_eq!(s.pending_events(), 2);
    assert_eq!(s.stats().events_dropped, 1);
    let Some(Event::Query { from, transport, qname, qtype, rcode, outcome, truncated }) =
        s.poll_event()
    else {
        panic!()
    };
    assert_eq!((from, transport), (client(), Transport::Udp));
    assert_eq!(
        (qname.to_string(), qtype, rcode, outcome, truncated),
        ("WWW.example.test.".into(), Type::A, Rcode::NOERROR, Outcome::Answer, false)
    );
    assert!(matches!(s.poll_event(), Some(Event::Query { truncated: true, .. })));
    assert_eq!(s.poll_event(), None);
}

#[test]
fn the_same_queries_give_the_same_bytes() {
    let run = || {
        let mut out = vec![];
        for (_, mut server) in hierarchy::test_hierarchy() {
            for name in
                ["www.example.test.", "nope.test.", "big.example.test.", "x.wild.example.test."]
            {
                for t in [Transport::Udp, Transport::Tcp] {
                    let mut a = Ask::new(name, Type::A);
                    a.transport = t;
                    out.push(send(&mut server, &a.bytes(), t));
                }
            }
        }
        out
    };
    assert_eq!(run(), run());
}
