//! RFC 6891: a response has an OPT record when the query had one (§6.1.1),
//! advertising this server's payload size; the query's size is honoured
//! between 512 and the server's maximum (§6.2.5); a version above 0 is
//! BADVERS (§6.1.3); a server without EDNS answers FORMERR (§7).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::Config;

#[test]
fn opt_is_sent_only_when_the_query_had_one() {
    let mut s = example();
    let r = q(&mut s, "www.example.test.", Type::A);
    assert_eq!(r.opt, Some((1232, 0, false)));
    let r = ask(&mut s, &Ask::new("www.example.test.", Type::A).no_edns());
    assert_eq!(r.opt, None);
    assert_eq!(r.answer.len(), 1);
    // Errors too: REFUSED with OPT.
    let r = q(&mut s, "www.other.test.", Type::A);
    assert_eq!((r.rcode, r.opt), (Rcode::REFUSED, Some((1232, 0, false))));
}

#[test]
fn do_is_copied() {
    // RFC 3225 §3: "the DO bit of the query MUST be copied in the response".
    let mut a = Ask::new("www.example.test.", Type::A);
    a.edns = Some((4096, 0, true));
    assert_eq!(ask(&mut example(), &a).opt, Some((1232, 0, true)));
}

#[test]
fn a_version_above_0_is_badvers_with_an_opt_of_version_0() {
    let mut a = Ask::new("www.example.test.", Type::A);
    a.edns = Some((1232, 1, false));
    let mut s = example();
    let r = ask(&mut s, &a);
    // 16 = extended rcode 1 in the OPT, 0 in the header.
    assert_eq!((r.rcode, r.header.rcode), (Rcode::BADVERS, 0));
    assert_eq!(r.opt, Some((1232, 0, false)));
    assert_eq!(r.question, ["www.example.test. A"]);
    assert!(r.answer.is_empty());
    assert_eq!(s.stats().badvers, 1);
}

#[test]
fn a_server_without_edns_answers_formerr_to_any_opt() {
    let mut s = example();
    s.config_mut().edns = false;
    let r = q(&mut s, "www.example.test.", Type::A);
    assert_eq!((r.rcode, r.opt), (Rcode::FORMERR, None));
    assert_eq!(r.question, ["www.example.test. A"], "echoed, so the resolver can match it");
    // Asked again without EDNS, it answers.
    let r = ask(&mut s, &Ask::new("www.example.test.", Type::A).no_edns());
    assert_eq!(r.answer, ["www.example.test. 3600 IN A 198.51.100.80"]);
}

#[test]
fn the_udp_size_is_the_queries_between_512_and_the_servers_maximum() {
    // wide.example.test.: 40 A records, about 700 octets.
    let mut s = example();
    let wide = |size: Option<u16>| {
        let a = Ask::new("wide.example.test.", Type::A);
        match size {
            Some(n) => a.edns(n),
            None => a.no_edns(),
        }
    };
    // Without EDNS: 512, so TC and no partial RRset.
    let r = ask(&mut s, &wide(None));
    assert!(r.header.tc && r.answer.is_empty() && r.len <= 512);
    // A size under 512 counts as 512.
    let r = ask(&mut s, &wide(Some(100)));
    assert!(r.header.tc && r.len <= 512);
    assert_eq!(r.opt, Some((1232, 0, false)), "the OPT record is kept");
    let r = ask(&mut s, &wide(Some(1232)));
    assert!(!r.header.tc);
    assert_eq!(r.answer.len(), 40);
    // big.example.test.: about 2.9 KB, more than the server's 1232 even when
    // the query offers 4096.
    let r = ask(&mut s, &Ask::new("big.example.test.", Type::TXT).edns(4096));
    assert!(r.header.tc && r.answer.is_empty() && r.len <= 1232);
    // A server configured for 4096 sends it whole over UDP.
    s.config_mut().max_udp_payload = 4096;
    let r = ask(&mut s, &Ask::new("big.example.test.", Type::TXT).edns(4096));
    assert!(!r.header.tc);
    assert_eq!(r.answer.len(), 40);
    assert_eq!(r.opt, Some((4096, 0, false)));
}

#[test]
fn a_server_of_512_octets_never_sends_more() {
    let mut s = serving(Config { max_udp_payload: 100, ..Config::default() }, &[]);
    s.add_zone(wirestate_dns_server::hierarchy::zone("example.test.").unwrap());
    let r = ask(&mut s, &Ask::new("wide.example.test.", Type::A).edns(4096));
    assert!(r.header.tc && r.len <= 512);
    assert_eq!(r.opt, Some((512, 0, false)));
}
