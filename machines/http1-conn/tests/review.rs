#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Review of the connection against RFC 9110 / RFC 9112 and h11's state model:
//! each test names the clause it checks.

mod common;

use common::*;
use wirestate_http1_conn::*;

// RFC 9110 §15: "A single request can have multiple associated responses: zero or
// more interim (non-final) responses [...] followed by exactly one final response."

/// The status lines in `out`.
fn status_lines(out: &[u8]) -> Vec<String> {
    show(out).split("\r\n").filter(|l| l.starts_with("HTTP/1.1 ")).map(String::from).collect()
}

#[test]
fn rfc9110_15_a_body_error_after_the_response_was_sent_adds_no_second_response() {
    // The server answers before reading the body (allowed, it then reads and
    // discards it); the body then turns out malformed, too large, or cut short.
    let head = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    let cases: [(&str, &[u8], bool); 3] = [
        ("malformed chunk", b"zz\r\n", false),
        ("too large", b"10\r\n0123456789abcdef\r\n", false),
        ("cut short", b"3\r\nab", true),
    ];
    let mut wrong = Vec::new();
    for (what, rest, eof) in cases {
        let mut s = Connection::new(Config { max_body: 8, ..Config::server() });
        feed(&mut s, t(0), head);
        respond(&mut s, 200, &[("Content-Length", "0")], b"");
        feed(&mut s, t(0), rest);
        if eof {
            s.handle_eof(t(0));
        }
        events(&mut s);
        let out = s.take_transmit();
        if status_lines(&out) != ["HTTP/1.1 200 X"] || !s.is_closed() {
            wrong.push(format!("{what}: {:?}", status_lines(&out)));
        }
    }
    assert!(wrong.is_empty(), "one request, one final response: {wrong:#?}");
}

// RFC 9112 §7.1 / §8: a chunked body cut short is incomplete; the connection must
// say so and end even when the octets and the end of the stream come together.

#[test]
fn rfc9112_8_eof_buffered_with_a_partial_chunk_line_still_fails_and_closes() {
    let mut wrong = Vec::new();
    for cut in [&b"3\r\nabc\r\n0\r\n"[..], b"3\r\nabc\r\n5\r\n", b"3\r\nabc\r\n0\r\nT: v\r\n"] {
        let ended = |got: &[Ev]| {
            got.contains(&Ev::Error(ConnectionError::ClosedInMessage))
                && matches!(got.last(), Some(Ev::Closed(_)))
        };
        // Client.
        let mut c = client();
        ask(&mut c, "GET", "/", &[("Host", "h")]);
        let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        c.handle_input(t(0), &[head.as_slice(), cut].concat()).unwrap();
        c.handle_eof(t(0));
        let got = events(&mut c);
        if !ended(&got) {
            wrong.push(format!("client {:?}: {got:?}", show(cut)));
        }
        // Server.
        let mut s = server();
        let head = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        s.handle_input(t(0), &[head.as_slice(), cut].concat()).unwrap();
        s.handle_eof(t(0));
        let got = events(&mut s);
        if !ended(&got) {
            wrong.push(format!("server {:?}: {got:?}", show(cut)));
        }
    }
    assert!(wrong.is_empty(), "polled to None, no Error, no Closed: {wrong:#?}");
}

// RFC 9110 §9.3.6 / RFC 9112 §6.3 rule 2: "Any 2xx (Successful) response to a
// CONNECT request implies that the connection will become a tunnel immediately
// after the empty line that concludes the header fields."

const CONNECT10: &[u8] = b"CONNECT o.test:443 HTTP/1.0\r\n\r\n";

#[test]
fn rfc9110_9_3_6_a_2xx_sent_as_the_connect_request_is_read_still_switches() {
    // "A server may answer as it reads": the 200 goes right after the Request event.
    let mut s = server();
    s.handle_input(t(0), CONNECT10).unwrap();
    assert!(matches!(s.poll_event(), Some(Event::Request(_))));
    s.send_response(t(0), &ResponseHead::new(200, "Connection Established", &[])).unwrap();
    let got = events(&mut s);
    assert!(
        got.iter().any(|e| matches!(e, Ev::Switched(_) | Ev::Closed(_))),
        "neither a switch nor an end: the connection hangs: {got:?}"
    );
    assert!(s.is_switched(), "{got:?}");
}

#[test]
fn rfc9110_9_3_6_tunnel_octets_sent_before_the_2xx_reach_the_caller() {
    // A client may send tunnel octets (a TLS ClientHello) before the 2xx arrives.
    let mut s = server();
    feed(&mut s, t(0), CONNECT10);
    assert_eq!(s.handle_input(t(0), b"\x16\x03\x01").unwrap(), 3);
    s.send_response(t(0), &ResponseHead::new(200, "Connection Established", &[])).unwrap();
    assert_eq!(events(&mut s), [Ev::Switched(b"\x16\x03\x01".to_vec())]);
}

#[test]
fn rfc9112_2_2_tunnel_octets_after_connect_are_not_skipped_as_empty_lines() {
    // RFC 9112 §2.2 lets a server skip empty lines "prior to the request-line";
    // after a CONNECT (or an Upgrade offer) what follows may be no request-line.
    let connect = b"CONNECT o.test:443 HTTP/1.1\r\nHost: o.test:443\r\n\r\n";
    let mut s = server();
    feed(&mut s, t(0), &[connect.as_slice(), b"\r\n\r\nhello"].concat());
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[])).unwrap();
    assert_eq!(events(&mut s), [Ev::Switched(b"\r\n\r\nhello".to_vec())]);
}

// RFC 9110 §7.8: "If a server receives both an Upgrade and an Expect header field
// with the "100-continue" expectation (Section 10.1.1), the server MUST send a 100
// (Continue) response before sending a 101 (Switching Protocols) response."
// "A client cannot begin using an upgraded protocol on the connection until it has
// completely sent the request message".

const UPGRADE_EXPECT: &[(&str, &str)] = &[
    ("Host", "h"),
    ("Connection", "upgrade"),
    ("Upgrade", "x"),
    ("Expect", "100-continue"),
    ("Content-Length", "3"),
];

#[test]
fn rfc9110_7_8_server_sends_no_101_before_the_100_an_expectation_asks_for() {
    let mut s = server();
    feed(
        &mut s,
        t(0),
        b"POST /up HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
    );
    let r = s.send_response(
        t(0),
        &ResponseHead::new(
            101,
            "Switching Protocols",
            &[("Upgrade", "x"), ("Connection", "upgrade")],
        ),
    );
    let out = s.take_transmit();
    let lines = status_lines(&out);
    assert!(
        r.is_err() || lines.first().is_some_and(|l| l.starts_with("HTTP/1.1 100")),
        "a 101 went out without a 100 first: {r:?} {lines:?}"
    );
}

#[test]
fn rfc9110_7_8_client_sends_its_held_body_when_a_101_ends_the_wait() {
    let mut c = client();
    c.send_request(t(0), &RequestHead::new("POST", "/up", UPGRADE_EXPECT)).unwrap();
    c.send_data(t(0), b"abc").unwrap();
    c.send_end(t(0), &[]).unwrap();
    assert!(c.take_transmit().ends_with(b"\r\n\r\n"), "the body waits for a 100");
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
    );
    assert!(matches!(got[..], [Ev::Response { code: 101, .. }, Ev::Switched(_)]), "{got:?}");
    // The request must be complete on the wire before the new protocol starts: the
    // held body goes now (the module's own rule: "any interim response ends the
    // wait"), else it is lost with the stream handed over.
    assert_eq!(c.take_transmit(), b"abc");
}

#[test]
fn rfc9110_7_8_client_finishes_its_request_body_after_an_early_101() {
    // The server role answers 101 before the body is read and switches once it
    // is; the client role must then be able to finish the body it is sending.
    let mut c = client();
    let mut s = server();
    let h = [
        ("Host", "h"),
        ("Connection", "upgrade"),
        ("Upgrade", "x"),
        ("Transfer-Encoding", "chunked"),
    ];
    c.send_request(t(0), &RequestHead::new("POST", "/up", &h)).unwrap();
    c.send_data(t(0), b"ab").unwrap();
    let got = feed(&mut s, t(0), &c.take_transmit());
    assert!(matches!(got[..], [Ev::Request { .. }, Ev::Data(_)]), "{got:?}");
    s.send_response(
        t(0),
        &ResponseHead::new(
            101,
            "Switching Protocols",
            &[("Upgrade", "x"), ("Connection", "upgrade")],
        ),
    )
    .unwrap();
    events(&mut s);
    let got = feed(&mut c, t(0), &s.take_transmit());
    // The switch waits for the request to be sent in full.
    assert!(matches!(got[..], [Ev::Response { code: 101, .. }]), "{got:?}");
    // The rest of the request body, then its end: the server waits for them.
    assert_eq!(c.send_data(t(0), b"cd"), Ok(2));
    assert_eq!(c.send_end(t(0), &[]), Ok(()));
    assert!(matches!(events(&mut c)[..], [Ev::Switched(_)]));
    let got = feed(&mut s, t(0), &c.take_transmit());
    assert!(got.iter().any(|e| matches!(e, Ev::Switched(_))), "{got:?}");
}
