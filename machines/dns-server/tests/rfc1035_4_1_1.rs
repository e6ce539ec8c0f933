//! RFC 1035 §4.1.1: the header of a response: FORMERR when the query cannot
//! be read (its header can), NOTIMP for what is not a QUERY; a message that
//! is not even a header, or is a response, is dropped; RFC 9619: exactly one
//! question.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::*;
use wirestate_dns::{Opcode, Rcode, Type};
use wirestate_dns_server::Transport;

#[test]
fn a_query_that_does_not_parse_is_formerr_with_its_id() {
    let mut s = example();
    let mut bytes = Ask::new("www.example.test.", Type::A).bytes();
    bytes.truncate(bytes.len() - 3); // into the OPT record
    let r = read(&send(&mut s, &bytes, Transport::Udp).unwrap());
    assert_eq!(
        (r.header.id, r.rcode, r.header.qr, r.header.rd),
        (0x1234, Rcode::FORMERR, true, true)
    );
    assert!(r.question.is_empty() && r.opt.is_none());
    // Trailing garbage after the last record.
    let mut bytes = Ask::new("www.example.test.", Type::A).bytes();
    bytes.push(0);
    assert_eq!(read(&send(&mut s, &bytes, Transport::Udp).unwrap()).rcode, Rcode::FORMERR);
    // A header and nothing else, though QDCOUNT says 1.
    let r = read(
        &send(&mut s, b"\x00\x07\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", Transport::Udp).unwrap(),
    );
    assert_eq!((r.header.id, r.rcode), (7, Rcode::FORMERR));
    assert_eq!(s.stats().formerr, 3);
}

#[test]
fn a_query_without_exactly_one_question_is_formerr() {
    let mut s = example();
    let none = b"\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    assert_eq!(read(&send(&mut s, none, Transport::Udp).unwrap()).rcode, Rcode::FORMERR);
    let q1 = Ask::new("www.example.test.", Type::A).no_edns().bytes();
    let mut two = q1.clone();
    two[5] = 2;
    two.extend_from_slice(&q1[12..]);
    let r = read(&send(&mut s, &two, Transport::Udp).unwrap());
    assert_eq!(r.rcode, Rcode::FORMERR);
    assert!(r.question.is_empty());
}

#[test]
fn a_query_with_answer_records_is_formerr() {
    let mut s = example();
    // The response to a query, its QR bit cleared, sent back as a query.
    let mut answer =
        send(&mut s, &Ask::new("www.example.test.", Type::A).bytes(), Transport::Udp).unwrap();
    answer[2] &= 0x7f;
    assert_eq!(read(&send(&mut s, &answer, Transport::Udp).unwrap()).rcode, Rcode::FORMERR);
}

#[test]
fn other_opcodes_and_meta_types_are_notimp() {
    let mut s = example();
    let mut update = Ask::new("example.test.", Type::SOA).bytes();
    update[2] = (update[2] & 0x87) | (5 << 3); // UPDATE
    let r = read(&send(&mut s, &update, Transport::Udp).unwrap());
    assert_eq!((r.rcode, r.header.opcode), (Rcode::NOTIMP, Opcode::UPDATE));
    assert_eq!(r.question, ["example.test. SOA"]);
    for t in [Type::AXFR, Type::IXFR, Type(253)] {
        assert_eq!(ask(&mut s, &Ask::new("example.test.", t).tcp()).rcode, Rcode::NOTIMP);
    }
    assert_eq!(s.stats().notimp, 4);
}

#[test]
fn no_header_or_a_response_is_dropped_unanswered() {
    let mut s = example();
    assert_eq!(send(&mut s, b"\x12\x34\x01", Transport::Udp), None);
    assert_eq!(send(&mut s, b"", Transport::Udp), None);
    let mut response = Ask::new("www.example.test.", Type::A).bytes();
    response[2] |= 0x80;
    assert_eq!(send(&mut s, &response, Transport::Udp), None);
    assert_eq!((s.stats().dropped_malformed, s.stats().received), (3, 3));
}
