//! End-to-end flows of one connection in each role, byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{events, feed, t, Ev};
use wirestate_http1_conn::*;

fn server() -> Connection {
    Connection::new(Config::server())
}

fn client() -> Connection {
    Connection::new(Config::client())
}

fn respond(s: &mut Connection, code: u16, headers: &[(&str, &str)], body: &[u8]) {
    s.send_response(t(0), &ResponseHead::new(code, "X", headers)).unwrap();
    if !body.is_empty() {
        assert_eq!(s.send_data(t(0), body).unwrap(), body.len());
    }
    s.send_end(t(0), &[]).unwrap();
}

#[test]
fn pipelined_requests_are_read_in_order_and_answered_fifo() {
    let mut s = server();
    let wire = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: h\r\n\r\n";
    let got = feed(&mut s, t(0), wire);
    let targets: Vec<_> = got
        .iter()
        .filter_map(|e| match e {
            Ev::Request { target, .. } => Some(target.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(targets, ["/a", "/b", "/c"]);
    assert!(got.contains(&Ev::Data(b"xyz".to_vec())));
    assert_eq!(s.in_flight(), 3);
    respond(&mut s, 200, &[("Content-Length", "1")], b"a");
    respond(&mut s, 201, &[], b"bb");
    respond(&mut s, 204, &[], b"");
    let out = s.take_transmit();
    assert_eq!(
        out,
        b"HTTP/1.1 200 X\r\nContent-Length: 1\r\n\r\na\
HTTP/1.1 201 X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nbb\r\n0\r\n\r\n\
HTTP/1.1 204 X\r\n\r\n"
    );
    assert!(s.is_idle());
    assert!(s.timer(Timer::Idle).is_some());
}

#[test]
fn client_matches_responses_to_methods() {
    let mut c = client();
    for m in ["HEAD", "GET"] {
        c.send_request(t(0), &RequestHead::new(m, "/", &[("Host", "h")])).unwrap();
        c.send_end(t(0), &[]).unwrap();
    }
    let wire = c.take_transmit();
    assert!(wire.starts_with(b"HEAD / HTTP/1.1\r\n"));
    // The HEAD response's Content-Length frames nothing (RFC 9112 §6.3 rule 1).
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    );
    let kinds: Vec<_> = got
        .iter()
        .map(|e| match e {
            Ev::Response { body, .. } => format!("R{body:?}"),
            Ev::Data(d) => String::from_utf8_lossy(d).into_owned(),
            Ev::End => "E".into(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["RNone", "E", "RLength(5)", "hello", "E"]);
    assert!(c.is_idle());
}

#[test]
fn expect_continue_holds_the_body_until_100_or_the_deadline() {
    let mut c = client();
    let h = [("Host", "h"), ("Content-Length", "4"), ("Expect", "100-continue")];
    c.send_request(t(0), &RequestHead::new("PUT", "/f", &h)).unwrap();
    c.send_data(t(0), b"data").unwrap();
    c.send_end(t(0), &[]).unwrap();
    let head = c.take_transmit();
    assert!(head.ends_with(b"\r\n\r\n"), "only the head goes");
    assert_eq!(c.poll_timeout(), Some(t(1000)));
    assert_eq!(c.take_transmit(), b"");
    // 100 arrives: the body goes.
    let got = feed(&mut c, t(10), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert!(matches!(got[..], [Ev::Response { code: 100, .. }]));
    assert_eq!(c.take_transmit(), b"data");
    assert_eq!(c.timer(Timer::Continue), None);

    // No 100: after the deadline the body goes anyway (RFC 9110 §10.1.1).
    let mut c = client();
    c.send_request(t(0), &RequestHead::new("PUT", "/f", &h)).unwrap();
    c.send_data(t(0), b"data").unwrap();
    c.send_end(t(0), &[]).unwrap();
    c.take_transmit();
    c.handle_timeout(t(999));
    assert_eq!(c.take_transmit(), b"");
    c.handle_timeout(t(1000));
    assert_eq!(c.take_transmit(), b"data");
}

#[test]
fn server_continue_and_early_final_response_closes() {
    let mut s = server();
    let got = feed(
        &mut s,
        t(0),
        b"PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
    );
    assert!(matches!(got[..], [Ev::Request { expects_continue: true, .. }]));
    s.send_continue(t(0)).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 100 Continue\r\n\r\n");
    let got = feed(&mut s, t(0), b"data");
    assert_eq!(got, [Ev::Data(b"data".to_vec()), Ev::End]);

    // A final response instead of 100: the client may or may not send the body,
    // so the connection closes after it.
    let mut s = server();
    feed(
        &mut s,
        t(0),
        b"PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
    );
    respond(&mut s, 417, &[("Content-Length", "0")], b"");
    let out = s.take_transmit();
    assert_eq!(out, b"HTTP/1.1 417 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let got = events(&mut s);
    assert!(
        matches!(got.last(), Some(Ev::Closed(Closed { reason: CloseReason::NotPersistent, .. }))),
        "{got:?}"
    );
}

#[test]
fn upgrade_hands_the_stream_over_after_101() {
    let mut s = server();
    let req = b"GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello";
    let got = feed(&mut s, t(0), req);
    assert!(matches!(got[..], [Ev::Request { .. }, Ev::End]), "{got:?}");
    s.send_response(
        t(0),
        &ResponseHead::new(
            101,
            "Switching Protocols",
            &[("Upgrade", "websocket"), ("Connection", "Upgrade")],
        ),
    )
    .unwrap();
    let got = events(&mut s);
    assert_eq!(got, [Ev::Switched(b"\x81\x05hello".to_vec())]);
    assert!(s.take_transmit().starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    assert_eq!(s.handle_input(t(0), b"x"), Err(CallError::Switched));

    let mut c = client();
    c.send_request(
        t(0),
        &RequestHead::new(
            "GET",
            "/chat",
            &[("Host", "h"), ("Upgrade", "websocket"), ("Connection", "upgrade")],
        ),
    )
    .unwrap();
    c.send_end(t(0), &[]).unwrap();
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::SwitchPending)
    );
    let got = feed(&mut c, t(0), b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\x81\x00");
    assert!(
        matches!(got[..], [Ev::Response { code: 101, .. }, Ev::Switched(ref r)] if r == b"\x81\x00"),
        "{got:?}"
    );
}

#[test]
fn upgrade_declined_goes_on_as_http() {
    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_eq!(s.in_flight(), 1, "nothing after an Upgrade request is read before its response");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    let got = events(&mut s);
    assert!(
        matches!(&got[..], [Ev::Request { target, .. }, Ev::End] if target == "/next"),
        "{got:?}"
    );
}

#[test]
fn connect_2xx_is_a_tunnel() {
    let mut c = client();
    c.send_request(
        t(0),
        &RequestHead::new("CONNECT", "origin.test:443", &[("Host", "origin.test:443")]),
    )
    .unwrap();
    c.send_end(t(0), &[]).unwrap();
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 Connection Established\r\nContent-Length: 10\r\n\r\n\x16\x03\x01",
    );
    assert!(
        matches!(got[..], [Ev::Response { body: BodyKind::Tunnel, .. }, Ev::Switched(ref r)] if r == b"\x16\x03\x01"),
        "{got:?}"
    );

    let mut s = server();
    feed(
        &mut s,
        t(0),
        b"CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\r\n\x16\x03",
    );
    assert!(matches!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "0")])),
        Err(CallError::Head(_))
    ));
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[])).unwrap();
    assert_eq!(events(&mut s), [Ev::Switched(b"\x16\x03".to_vec())]);
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\n\r\n");
}

#[test]
fn malformed_request_is_answered_400_after_earlier_responses_then_closed() {
    let mut s = server();
    let got = feed(&mut s, t(0), b"GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
    assert!(
        matches!(got[..], [Ev::Request { .. }, Ev::End, Ev::Error(ConnectionError::Malformed(_))]),
        "{got:?}"
    );
    assert_eq!(s.take_transmit(), b"", "the 400 waits its turn");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    let out = s.take_transmit();
    // The 200 is not the last response, so it does not say close; the 400 does.
    assert_eq!(out, b"HTTP/1.1 200 X\r\nContent-Length: 0\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let got = events(&mut s);
    assert!(
        matches!(got[..], [Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 0 })]),
        "{got:?}"
    );
}

#[test]
fn limits_answer_413_414_431() {
    let cfg = Config {
        max_body: 10,
        parser: ParserConfig { max_line_len: 64, max_head_len: 256, ..ParserConfig::SERVER },
        ..Config::server()
    };
    let cases: [(&[u8], &[u8]); 4] = [
        (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", b"HTTP/1.1 413 "),
        (b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n", b"HTTP/1.1 413 "),
        (&[b"GET /".as_slice(), &[b'a'; 100], b" HTTP/1.1\r\n"].concat(), b"HTTP/1.1 414 "),
        (&[b"GET / HTTP/1.1\r\n".as_slice(), &b"X-Y: zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\r\n".repeat(8)].concat(), b"HTTP/1.1 431 "),
    ];
    for (wire, status) in cases {
        let mut s = Connection::new(cfg);
        feed(&mut s, t(0), wire);
        let out = s.take_transmit();
        assert!(
            out.starts_with(status),
            "{:?} -> {:?}",
            String::from_utf8_lossy(wire),
            String::from_utf8_lossy(&out)
        );
        assert!(s.is_closed());
    }
}

#[test]
fn head_timeout_answers_408_and_idle_timeout_closes() {
    let mut s = server();
    feed(&mut s, t(0), b"GET / HT");
    assert_eq!(s.timer(Timer::HeadRead), Some(t(30_000)));
    s.handle_timeout(t(30_000));
    assert!(s.take_transmit().starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
    assert!(matches!(events(&mut s)[..], [Ev::Error(ConnectionError::HeadTimeout), Ev::Closed(_)]));

    let mut s = server();
    assert_eq!(s.poll_timeout(), None, "no deadline before anything happened");
    feed(&mut s, t(5), b"\r\n");
    assert_eq!(s.timer(Timer::HeadRead), None, "empty lines do not start a head");
    assert_eq!(s.timer(Timer::Idle), Some(t(60_005)));
    s.handle_timeout(t(60_005));
    assert!(matches!(
        events(&mut s)[..],
        [Ev::Closed(Closed { reason: CloseReason::IdleTimeout, .. })]
    ));
}

#[test]
fn http10_keep_alive_and_close() {
    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    respond(&mut s, 200, &[], b"abc");
    // No chunked to HTTP/1.0: delimited by close, and the connection ends.
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 X\r\nConnection: close\r\n\r\nabc");
    assert!(s.is_closed());

    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    respond(&mut s, 200, &[("Content-Length", "3")], b"abc");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc"
    );
    assert!(!s.is_closing());

    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.0\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n");
    assert_eq!(s.in_flight(), 1);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert!(s.is_closed());
}

#[test]
fn client_close_delimited_response_ends_at_eof() {
    let mut c = client();
    c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])).unwrap();
    c.send_end(t(0), &[]).unwrap();
    let got = feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\n\r\npart");
    assert!(matches!(
        got[..],
        [Ev::Response { body: BodyKind::UntilClose, keep_alive: false, .. }, Ev::Data(_)]
    ));
    c.handle_eof(t(1));
    let got = events(&mut c);
    assert!(
        matches!(
            got[..],
            [Ev::End, Ev::Closed(Closed { reason: CloseReason::NotPersistent, unanswered: 0 })]
        ),
        "{got:?}"
    );
}

#[test]
fn chunked_trailers_reach_the_caller() {
    let mut s = server();
    let got = feed(&mut s, t(0), b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nDigest: x\r\n\r\n");
    assert_eq!(
        got[1..],
        [Ev::Data(b"abc".to_vec()), Ev::Trailers(vec![("Digest".into(), "x".into())]), Ev::End]
    );
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Transfer-Encoding", "chunked")]))
        .unwrap();
    s.send_data(t(0), b"hi").unwrap();
    s.send_end(t(0), &[("Digest", "y")]).unwrap();
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nDigest: y\r\n\r\n"
    );
}

#[test]
fn refused_sends_change_nothing() {
    let mut s = server();
    assert_eq!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[])),
        Err(CallError::NoRequest)
    );
    feed(&mut s, t(0), b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
    let two = [("Content-Length", "1"), ("Content-Length", "1")];
    assert!(matches!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &two)),
        Err(CallError::Head(_))
    ));
    assert!(matches!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[("X", "a\r\nY: b")])),
        Err(CallError::Head(_))
    ));
    assert_eq!(s.take_transmit(), b"");
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "5")])).unwrap();
    assert_eq!(s.send_data(t(0), b"hello"), Err(CallError::NoBody));
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");

    let mut c = client();
    assert!(
        matches!(c.send_request(t(0), &RequestHead::get("/", &[])), Err(CallError::Head(_))),
        "Host is required"
    );
    c.send_request(t(0), &RequestHead::new("POST", "/", &[("Host", "h"), ("Content-Length", "2")]))
        .unwrap();
    assert_eq!(c.send_data(t(0), b"abc"), Err(CallError::BodyTooLong { remaining: 2 }));
    assert_eq!(c.send_end(t(0), &[]), Err(CallError::BodyIncomplete { remaining: 2 }));
    c.send_data(t(0), b"ab").unwrap();
    c.send_end(t(0), &[]).unwrap();
    c.send_request(t(0), &RequestHead::get("/", &[("Host", "h"), ("Connection", "close")]))
        .unwrap();
    c.send_end(t(0), &[]).unwrap();
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Closing)
    );
}

#[test]
fn a_stalled_body_is_answered_408_but_a_client_told_to_wait_is_not_timed() {
    let mut s = server();
    feed(&mut s, t(0), b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    assert_eq!(s.timer(Timer::BodyRead), Some(t(60_000)));
    // An octet resets the gap.
    feed(&mut s, t(50_000), b"d");
    assert_eq!(s.timer(Timer::BodyRead), Some(t(110_000)));
    s.handle_timeout(t(109_999));
    assert!(!s.is_closed());
    s.handle_timeout(t(110_000));
    assert!(s.take_transmit().starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
    assert!(matches!(events(&mut s)[..], [Ev::Error(ConnectionError::BodyTimeout), Ev::Closed(_)]));

    // Expect: 100-continue and no 100 yet: the client waits as told, no deadline.
    let mut s = server();
    feed(
        &mut s,
        t(0),
        b"PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    assert_eq!(s.timer(Timer::BodyRead), None);
    s.send_continue(t(5)).unwrap();
    assert_eq!(s.timer(Timer::BodyRead), Some(t(60_005)));
}

#[test]
fn after_the_peer_closed_the_answer_to_the_last_request_says_close() {
    // RFC 9112 §9.6: the server "SHOULD send a "close" connection option in its
    // final response"; here the reader was paused behind an Upgrade offer when
    // the client half-closed.
    let mut s = server();
    feed(&mut s, t(0), b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n");
    s.handle_eof(t(1));
    events(&mut s);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    let out = s.take_transmit();
    assert_eq!(
        out,
        b"HTTP/1.1 200 X\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert!(s.is_closed());
}
