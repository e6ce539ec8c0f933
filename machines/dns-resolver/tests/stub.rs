//! The stub: recursion-desired queries to the configured servers, failover,
//! and the search list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_resolver::{Config, Event};

fn stub() -> H {
    let mut c =
        Config::stub(vec!["192.0.2.53:53".parse().unwrap(), "192.0.2.54:53".parse().unwrap()]);
    c.search = vec![name("corp.test."), name("test.")];
    c.ndots = 1;
    H::new(c)
}

#[test]
fn a_stub_asks_with_rd_and_takes_the_recursive_servers_answer() {
    let mut h = stub();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    assert!(q.rd && q.server() == ip("192.0.2.53"));
    h.answer(
        &q,
        &Reply::answer(&[
            "www.example.test. 300 IN CNAME web.example.test.",
            "web.example.test. 300 IN A 192.0.2.80",
        ]),
    );
    let events = h.take_events();
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((a.chain.len(), a.addresses().count()), (1, 1));
}

#[test]
fn a_stub_fails_over_on_timeout_and_servfail() {
    let mut h = stub();
    h.r.query(h.now, &name("www.example.test."), Type::A).unwrap();
    let q = h.one();
    h.fire();
    let q2 = h.one();
    assert_eq!((q.server(), q2.server()), (ip("192.0.2.53"), ip("192.0.2.54")));
    h.answer(&q2, &Reply::rcode(2));
    // A second round, back to the first server.
    let q3 = h.one();
    assert_eq!(q3.server(), ip("192.0.2.53"));
    h.answer(&q3, &Reply::answer(&["www.example.test. 300 IN A 192.0.2.80"]));
    assert_eq!(h.take_events().len(), 1);
}

#[test]
fn the_search_list_is_tried_first_for_a_short_name_and_nxdomain_moves_on() {
    let mut h = stub();
    h.r.query_str(h.now, "intranet", Type::A).unwrap();
    let q = h.one();
    assert_eq!(q.name.to_string().to_lowercase(), "intranet.corp.test.");
    h.answer(&q, &Reply::nxdomain("corp.test. 300 IN SOA ns.corp.test. h.corp.test. 1 2 3 4 60"));
    let q = h.one();
    assert_eq!(q.name.to_string().to_lowercase(), "intranet.test.");
    h.answer(&q, &Reply::answer(&["intranet.test. 300 IN A 192.0.2.7"]));
    let events = h.take_events();
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((a.name.to_string(), a.rcode), ("intranet.test.".into(), Rcode::NOERROR));
}

#[test]
fn a_name_with_enough_dots_is_tried_as_is_first_and_an_absolute_one_only_as_is() {
    let mut h = stub();
    h.r.query_str(h.now, "www.example", Type::A).unwrap();
    assert_eq!(h.one().name.to_string().to_lowercase(), "www.example.");
    let mut h = stub();
    h.r.query_str(h.now, "www.example.", Type::A).unwrap();
    let q = h.one();
    h.answer(&q, &Reply::nxdomain("example. 300 IN SOA ns.example. h.example. 1 2 3 4 60"));
    let events = h.take_events();
    let [Event::Answer(_, a)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(a.rcode, Rcode::NXDOMAIN);
}
