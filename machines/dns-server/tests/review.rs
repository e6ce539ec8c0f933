//! Bugs a review found, each kept as a test (RFC 4592 §4.9, RFC 2181 §5,
//! RFC 1035 §4.2.2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
mod common;
use common::*;
use wirestate_dns::{Rcode, Type};
use wirestate_dns_server::{Config, Transport};
use wirestate_wire::Instant;

const HEAD: &str = "$ORIGIN z.\n$TTL 3600\n@ SOA ns h 1 2 3 4 300\n NS ns\nns A 192.0.2.1\n";

/// RFC 4592 §4.9: a source of synthesis that is an empty non-terminal gives NODATA.
#[test]
fn ent_wildcard_source_of_synthesis_is_nodata_not_nxdomain() {
    let mut s = serving(Config::default(), &[&format!("{HEAD}sub.*.z. A 192.0.2.9\n")]);
    let r = q(&mut s, "foo.z.", Type::A);
    assert_eq!(r.rcode, Rcode::NOERROR, "*.z. exists (ENT): no NXDOMAIN");
    assert!(r.answer.is_empty());
}

/// RFC 2181 §5: no two identical records in a response; a chain through one DNAME twice.
#[test]
fn a_dname_crossed_twice_is_written_once() {
    let z = format!("{HEAD}c1 CNAME a.d.z.\nd DNAME e.z.\na.e CNAME b.d.z.\nb.e A 192.0.2.9\n");
    let mut s = serving(Config::default(), &[&z]);
    let r = q(&mut s, "c1.z.", Type::A);
    let dnames = r.answer.iter().filter(|l| l.contains(" DNAME ")).count();
    assert_eq!(dnames, 1, "{:?}", r.answer);
}

/// RFC 1035 §4.2.2 / RFC 7766 §8: after a peer's partial message is dropped at
/// max_tcp_streams, the rest of that message must not be read as new frames.
#[test]
fn a_dropped_partial_tcp_message_does_not_desynchronise_the_stream() {
    let cfg = Config { max_tcp_streams: 1, ..Config::default() };
    let mut s = serving(cfg, &[&format!("{HEAD}www A 192.0.2.9\n")]);
    let (a, b) = ("198.51.100.1:1000".parse().unwrap(), "198.51.100.2:1000".parse().unwrap());
    let m = Ask::new("www.z.", Type::A).bytes();
    let f = [&(m.len() as u16).to_be_bytes()[..], &m].concat();
    s.handle_query(Instant::ZERO, a, &f[..5], Transport::Tcp);
    s.handle_query(Instant::ZERO, b, &f[..5], Transport::Tcp); // dropped: limit
    s.handle_query(Instant::ZERO, b, &f[5..], Transport::Tcp); // read as a new frame
    assert_eq!(s.stats().dropped_malformed, 0, "mid-message bytes parsed as a length prefix");
    assert!(s.tcp_broken(b), "the host is told to close that stream");
    s.handle_tcp_close(b);
    assert!(!s.tcp_broken(b));
}
