#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Persistence (RFC 9112 §9.3, §9.6, RFC 9110 §7.6.1): when a connection carries
//! another exchange and when it ends, pipelining's bound, and the idle and head
//! deadlines.

mod common;

use core::time::Duration;

use common::*;
use wirestate_http1_conn::*;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n";
const NEXT: &[u8] = b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

fn get(c: &mut Connection) {
    ask(c, "GET", "/", &[("Host", "h")]);
}

// RFC 9112 §9.3: HTTP/1.1 persists by default; HTTP/1.0 with keep-alive only.

#[test]
fn rfc9112_9_3_http11_persists_by_default() {
    let mut s = server();
    let got = feed(&mut s, t(0), &[GET, NEXT].concat());
    assert!(matches!(got[0], Ev::Request { keep_alive: true, .. }));
    assert_eq!(targets(&got), ["/", "/next"]);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(count(&s.take_transmit(), b"Connection"), 0);
    assert!(!s.is_closing());
    assert_eq!(feed(&mut s, t(0), NEXT).len(), 2);

    let mut c = client();
    get(&mut c);
    let got = feed(&mut c, t(0), OK);
    assert!(matches!(got[..], [Ev::Response { keep_alive: true, .. }, Ev::End]));
    assert!(!c.is_closing());
    get(&mut c);
}

#[test]
fn rfc9112_9_3_server_http10_persists_only_with_keep_alive() {
    let mut s = server();
    let got = feed(&mut s, t(0), b"GET / HTTP/1.0\r\n\r\nGET /next HTTP/1.0\r\n\r\n");
    assert!(matches!(got[..], [Ev::Request { keep_alive: false, .. }, Ev::End]), "{got:?}");
    respond(&mut s, 200, &[("Content-Length", "2")], b"ok");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
    assert!(closed_with(&events(&mut s), CloseReason::NotPersistent, 0));

    let mut s = server();
    let ka = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    let got = feed(&mut s, t(0), &[ka.as_slice(), b"GET /next HTTP/1.0\r\n\r\n"].concat());
    assert!(matches!(got[0], Ev::Request { keep_alive: true, .. }), "{got:?}");
    assert_eq!(targets(&got), ["/", "/next"]);
    respond(&mut s, 200, &[("Content-Length", "2")], b"ok");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok\
HTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    // The caller's own keep-alive is not repeated.
    let mut s = server();
    feed(&mut s, t(0), ka);
    respond(&mut s, 200, &[("Content-Length", "0"), ("Connection", "Keep-Alive")], b"");
    assert_eq!(count(&s.take_transmit(), b"Connection:"), 1);
    assert!(!s.is_closing());
}

#[test]
fn rfc9112_9_3_client_http10_persists_only_with_keep_alive() {
    let http10 = |h: &'static [(&'static str, &'static str)]| RequestHead {
        version: Version::Http10,
        ..RequestHead::new("GET", "/", h)
    };
    // Its own HTTP/1.0 request without keep-alive is the last.
    let mut c = client();
    c.send_request(t(0), &http10(&[])).unwrap();
    c.send_end(t(0), &[]).unwrap();
    assert_eq!(c.send_request(t(0), &http10(&[])), Err(CallError::Closing));
    let got = feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(matches!(got[0], Ev::Response { keep_alive: false, .. }), "{got:?}");
    assert!(closed_with(&got, CloseReason::NotPersistent, 0), "{got:?}");

    // With keep-alive both ways it persists.
    let mut c = client();
    c.send_request(t(0), &http10(&[("Connection", "keep-alive")])).unwrap();
    c.send_end(t(0), &[]).unwrap();
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(matches!(got[..], [Ev::Response { keep_alive: true, .. }, Ev::End]), "{got:?}");
    c.send_request(t(0), &http10(&[("Connection", "keep-alive")])).unwrap();
    c.send_end(t(0), &[]).unwrap();
    // An HTTP/1.0 response without it does not.
    let got = feed(&mut c, t(0), b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(matches!(got[0], Ev::Response { keep_alive: false, .. }), "{got:?}");
    assert!(closed_with(&got, CloseReason::NotPersistent, 0), "{got:?}");
}

// RFC 9110 §7.6.1, RFC 9112 §9.6: the "close" option.

#[test]
fn rfc9112_9_6_close_from_the_client_stops_the_server_reading() {
    for close in ["close", "Close", "keep-alive, close"] {
        let mut s = server();
        let req = format!(
            "POST / HTTP/1.1\r\nHost: h\r\nConnection: {close}\r\nContent-Length: 1\r\n\r\nx"
        );
        let got = feed(&mut s, t(0), &[req.as_bytes(), NEXT].concat());
        assert!(matches!(got[0], Ev::Request { keep_alive: false, .. }), "{got:?}");
        assert_eq!(targets(&got), ["/"], "{close}: nothing after a close request is read");
        assert_eq!(got[1..], [Ev::Data(b"x".to_vec()), Ev::End]);
        assert!(feed(&mut s, t(0), NEXT).is_empty());
        respond(&mut s, 200, &[("Content-Length", "0")], b"");
        assert_eq!(
            s.take_transmit(),
            b"HTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            events(&mut s),
            [Ev::Closed(Closed { reason: CloseReason::NotPersistent, unanswered: 0 })]
        );
        assert!(feed(&mut s, t(0), NEXT).is_empty());
    }
    // The caller's own close is not repeated.
    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    respond(&mut s, 200, &[("Content-Length", "0"), ("Connection", "close")], b"");
    assert_eq!(count(&s.take_transmit(), b"Connection:"), 1);
    assert!(s.is_closed());
}

#[test]
fn rfc9112_9_6_close_from_the_server_stops_the_client() {
    let mut c = client();
    for _ in 0..3 {
        get(&mut c);
    }
    let got =
        feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nh");
    assert!(matches!(got[..], [Ev::Response { keep_alive: false, .. }, Ev::Data(_)]), "{got:?}");
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Closing),
        "no new request once the close is read"
    );
    let got = feed(&mut c, t(0), &[b"i".as_slice(), OK].concat());
    assert_eq!(
        got,
        [
            Ev::Data(b"i".to_vec()),
            Ev::End,
            Ev::Closed(Closed { reason: CloseReason::NotPersistent, unanswered: 2 })
        ]
    );
}

#[test]
fn rfc9112_9_6_a_server_that_sends_close_reads_no_further_request() {
    // "A server that sends a "close" connection option MUST initiate closure of
    // the connection [...] The server MUST NOT process any further requests".
    let mut s = server();
    feed(&mut s, t(0), GET);
    respond(&mut s, 200, &[("Content-Length", "0"), ("Connection", "close")], b"");
    assert!(s.is_closed());
    assert!(feed(&mut s, t(0), NEXT).iter().all(|e| matches!(e, Ev::Closed(_))));

    let mut s = server();
    feed(&mut s, t(0), &[GET, NEXT].concat());
    respond(&mut s, 200, &[("Content-Length", "0"), ("Connection", "close")], b"");
    let got = events(&mut s);
    assert!(closed_with(&got, CloseReason::NotPersistent, 1), "{got:?}");

    // Nor does it add a contradicting keep-alive for an HTTP/1.0 client.
    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    respond(&mut s, 200, &[("Content-Length", "0"), ("Connection", "close")], b"");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert!(s.is_closed());
}

#[test]
fn rfc9112_9_6_local_close_on_the_server() {
    // Idle: over at once.
    let mut s = server();
    s.close(t(0));
    assert_eq!(events(&mut s), [Ev::Closed(Closed { reason: CloseReason::Local, unanswered: 0 })]);
    assert!(feed(&mut s, t(0), GET).is_empty());

    // With requests read: the oldest is answered with close, the rest are not.
    let mut s = server();
    feed(&mut s, t(0), &[GET, NEXT, NEXT].concat());
    s.close(t(0));
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let got = events(&mut s);
    // The reason reads NotPersistent (the response said close) rather than Local.
    assert!(matches!(got[..], [Ev::Closed(Closed { unanswered: 2, .. })]), "{got:?}");
    assert_eq!(s.send_response(t(0), &ResponseHead::new(200, "OK", &[])), Err(CallError::Closing));

    // Inside a body: the body is still read, the request after it is not.
    let mut s = server();
    let got = feed(&mut s, t(0), b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
    assert_eq!(got.len(), 2);
    s.close(t(0));
    let got = feed(&mut s, t(0), &[b"cd".as_slice(), NEXT].concat());
    assert_eq!(got, [Ev::Data(b"cd".to_vec()), Ev::End]);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert!(s.take_transmit().ends_with(b"Connection: close\r\n\r\n"));
    assert!(matches!(events(&mut s)[..], [Ev::Closed(Closed { unanswered: 0, .. })]));
}

#[test]
fn rfc9112_9_6_local_close_on_the_client() {
    let mut c = client();
    c.close(t(0));
    assert_eq!(events(&mut c), [Ev::Closed(Closed { reason: CloseReason::Local, unanswered: 0 })]);

    let mut c = client();
    get(&mut c);
    get(&mut c);
    c.close(t(0));
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Closing)
    );
    let got = feed(&mut c, t(0), OK);
    assert_eq!(got.len(), 2, "the responses awaited are still read: {got:?}");
    let got = feed(&mut c, t(0), OK);
    assert_eq!(got[2], Ev::Closed(Closed { reason: CloseReason::Local, unanswered: 0 }));
}

// RFC 9112 §9.6, §8: the peer's close.

#[test]
fn rfc9112_9_6_peer_eof_between_messages_ends_cleanly() {
    let mut s = server();
    feed(&mut s, t(0), GET);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    s.handle_eof(t(0));
    assert_eq!(
        events(&mut s),
        [Ev::Closed(Closed { reason: CloseReason::PeerClosed, unanswered: 0 })]
    );

    let mut c = client();
    get(&mut c);
    feed(&mut c, t(0), OK);
    c.handle_eof(t(0));
    assert_eq!(
        events(&mut c),
        [Ev::Closed(Closed { reason: CloseReason::PeerClosed, unanswered: 0 })]
    );
}

#[test]
fn rfc9112_8_peer_eof_inside_a_head_is_an_incomplete_message() {
    let mut s = server();
    feed(&mut s, t(0), b"GET / HTTP/1.1\r\nHos");
    s.handle_eof(t(0));
    assert_eq!(
        events(&mut s),
        [
            Ev::Error(ConnectionError::ClosedInMessage),
            Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 0 })
        ]
    );

    let mut c = client();
    get(&mut c);
    feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\nContent-Len");
    c.handle_eof(t(0));
    assert_eq!(
        events(&mut c),
        [
            Ev::Error(ConnectionError::ClosedInMessage),
            Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 1 })
        ]
    );
}

#[test]
fn rfc9112_6_3_rule6_peer_eof_inside_a_content_length_body_is_incomplete() {
    let mut s = server();
    feed(&mut s, t(0), b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabc");
    s.handle_eof(t(0));
    let got = events(&mut s);
    assert!(
        matches!(got[..], [Ev::Error(ConnectionError::ClosedInMessage), Ev::Closed(_)]),
        "{got:?}"
    );
    assert!(!got.contains(&Ev::End));

    let mut c = client();
    get(&mut c);
    feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc");
    c.handle_eof(t(0));
    assert_eq!(
        events(&mut c),
        [
            Ev::Error(ConnectionError::ClosedInMessage),
            Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 1 })
        ]
    );
}

#[test]
fn rfc9112_7_1_peer_eof_inside_a_chunked_body_is_incomplete() {
    let cuts: [&[u8]; 5] =
        [b"", b"3\r\nab", b"3\r\nabc", b"3\r\nabc\r\n0\r\n", b"3\r\nabc\r\n0\r\nT: v\r\n"];
    for cut in cuts {
        let mut s = server();
        let head = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        feed(&mut s, t(0), &[head.as_slice(), cut].concat());
        s.handle_eof(t(0));
        let got = events(&mut s);
        assert!(
            matches!(got[..], [Ev::Error(ConnectionError::ClosedInMessage), Ev::Closed(_)]),
            "{}: {got:?}",
            show(cut)
        );

        let mut c = client();
        get(&mut c);
        feed(
            &mut c,
            t(0),
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".as_slice(), cut].concat(),
        );
        c.handle_eof(t(0));
        let got = events(&mut c);
        assert!(
            matches!(
                got[..],
                [
                    Ev::Error(ConnectionError::ClosedInMessage),
                    Ev::Closed(Closed { unanswered: 1, .. })
                ]
            ),
            "{}: {got:?}",
            show(cut)
        );
    }
}

#[test]
fn rfc9112_9_3_1_peer_eof_leaves_the_clients_outstanding_requests_unanswered() {
    let mut c = client();
    for _ in 0..3 {
        get(&mut c);
    }
    feed(&mut c, t(0), OK);
    c.handle_eof(t(0));
    assert_eq!(
        events(&mut c),
        [Ev::Closed(Closed { reason: CloseReason::PeerClosed, unanswered: 2 })]
    );
    assert!(c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])).is_err());
}

#[test]
fn rfc9112_9_6_peer_eof_server_still_answers_the_requests_it_read() {
    let mut s = server();
    feed(&mut s, t(0), &[GET, NEXT].concat());
    s.handle_eof(t(0));
    assert!(events(&mut s).is_empty(), "nothing ends before the answers");
    respond(&mut s, 200, &[("Content-Length", "1")], b"a");
    assert!(events(&mut s).is_empty());
    respond(&mut s, 200, &[("Content-Length", "1")], b"b");
    assert_eq!(count(&s.take_transmit(), b"HTTP/1.1 200 X\r\n"), 2);
    assert_eq!(
        events(&mut s),
        [Ev::Closed(Closed { reason: CloseReason::PeerClosed, unanswered: 0 })]
    );

    // A head cut short after them is an error, yet the complete ones are answered.
    let mut s = server();
    feed(&mut s, t(0), &[GET, NEXT, b"GET /cut HT"].concat());
    s.handle_eof(t(0));
    assert_eq!(events(&mut s), [Ev::Error(ConnectionError::ClosedInMessage)]);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(count(&s.take_transmit(), b"HTTP/1.1 200 X\r\n"), 2);
    assert!(matches!(events(&mut s)[..], [Ev::Closed(Closed { unanswered: 0, .. })]));
}

#[test]
fn rfc9112_9_3_no_persistence_after_a_framing_error() {
    let bad: [&[u8]; 4] = [
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT\r\n\r\n",
    ];
    for wire in bad {
        let mut s = server();
        let got = feed(&mut s, t(0), &[wire, NEXT].concat());
        assert!(got.iter().any(|e| matches!(e, Ev::Error(_))), "{}: {got:?}", show(wire));
        assert!(!targets(&got).contains(&"/next".into()), "{}: {got:?}", show(wire));
        assert!(s.is_closed(), "{}", show(wire));
        assert!(s.take_transmit().ends_with(b"Connection: close\r\n\r\n"));
        assert!(feed(&mut s, t(0), NEXT).is_empty());
        assert_eq!(s.handle_input(t(0), NEXT), Ok(NEXT.len()), "taken and dropped");
        let flood = NEXT.repeat(10_000);
        assert_eq!(s.handle_input(t(0), &flood), Ok(flood.len()), "dropped, not buffered");
    }
    // A body error after the response began: no automatic status, still no
    // persistence.
    let mut s = server();
    feed(&mut s, t(0), b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "0")])).unwrap();
    let got = feed(&mut s, t(0), &[b"q\r\n".as_slice(), NEXT].concat());
    assert!(matches!(got[..], [Ev::Error(_)]), "{got:?}");
    s.send_end(t(0), &[]).unwrap();
    assert!(matches!(events(&mut s)[..], [Ev::Closed(Closed { reason: CloseReason::Error, .. })]));
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

    let mut c = client();
    get(&mut c);
    get(&mut c);
    let got = feed(
        &mut c,
        t(0),
        &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nx\r\n".as_slice(), OK].concat(),
    );
    assert!(
        matches!(
            got[..],
            [Ev::Response { .. }, Ev::Error(_), Ev::Closed(Closed { unanswered: 2, .. })]
        ),
        "{got:?}"
    );
    assert!(feed(&mut c, t(0), OK).is_empty());
    assert!(matches!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Lost(_))
    ));
}

// RFC 9112 §9.3.2: pipelining.

#[test]
fn rfc9112_9_3_2_server_reads_at_most_max_pipeline_requests_ahead() {
    let mut s = Connection::new(Config { max_pipeline: 2, ..Config::server() });
    let got = feed(&mut s, t(0), &[GET, GET, NEXT, NEXT].concat());
    assert_eq!(targets(&got), ["/", "/"]);
    assert_eq!(s.in_flight(), 2);
    assert_eq!(s.timer(Timer::HeadRead), None, "a request waiting its turn is no slow head");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(targets(&events(&mut s)), ["/next"]);
    assert!(events(&mut s).is_empty());
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(targets(&events(&mut s)), ["/next"]);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert!(s.is_idle());
    assert_eq!(count(&s.take_transmit(), b"HTTP/1.1 200"), 4);
}

#[test]
fn rfc9112_9_3_2_client_sends_at_most_max_pipeline_requests_ahead() {
    let mut c = Connection::new(Config { max_pipeline: 2, ..Config::client() });
    get(&mut c);
    get(&mut c);
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::PipelineFull)
    );
    assert_eq!(c.take_transmit(), [GET, GET].concat(), "the refused one sent nothing");
    feed(&mut c, t(0), OK);
    get(&mut c);
    assert_eq!(c.in_flight(), 2);
}

// Deadlines.

#[test]
fn timers_server_idle_is_armed_when_idle_and_cleared_by_any_octet() {
    let mut s = server();
    feed(&mut s, t(0), GET);
    assert_eq!(s.timer(Timer::Idle), None, "a request awaits its answer");
    s.send_response(t(100), &ResponseHead::new(200, "OK", &[("Content-Length", "1")])).unwrap();
    assert_eq!(s.poll_timeout(), None, "a response is being sent");
    s.send_data(t(200), b"x").unwrap();
    s.send_end(t(300), &[]).unwrap();
    assert_eq!(s.timer(Timer::Idle), Some(t(60_300)));
    feed(&mut s, t(400), b"G");
    assert_eq!(s.timer(Timer::Idle), None);
    assert_eq!(s.timer(Timer::HeadRead), Some(t(30_400)));
    feed(&mut s, t(500), &GET[1..]);
    assert_eq!(s.poll_timeout(), None);
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert_eq!(s.timer(Timer::Idle), Some(t(60_500)));
    s.handle_timeout(t(60_499));
    assert!(events(&mut s).is_empty());
    s.handle_timeout(t(60_500));
    assert_eq!(
        events(&mut s),
        [Ev::Closed(Closed { reason: CloseReason::IdleTimeout, unanswered: 0 })]
    );
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn timers_head_read_counts_from_the_first_octet_and_stops_with_the_head() {
    let mut s = server();
    feed(&mut s, t(0), b"\r\n");
    assert_eq!(s.timer(Timer::HeadRead), None);
    feed(&mut s, t(10), b"POST / HTTP/1.1\r\n");
    assert_eq!(s.timer(Timer::HeadRead), Some(t(30_010)));
    feed(&mut s, t(20), b"Host: h\r\n");
    assert_eq!(s.timer(Timer::HeadRead), Some(t(30_010)), "later octets do not extend it");
    feed(&mut s, t(30), b"Content-Length: 3\r\n\r\na");
    assert_eq!(s.timer(Timer::HeadRead), None, "a body is no head");
    assert_eq!(s.poll_timeout(), Some(t(60_030)), "the body's own deadline");
    feed(&mut s, t(40), b"bcGET");
    assert_eq!(s.timer(Timer::HeadRead), Some(t(30_040)), "the next head's first octet");
    s.handle_timeout(t(30_039));
    assert!(events(&mut s).is_empty());
    s.handle_timeout(t(30_040));
    let got = events(&mut s);
    assert!(matches!(got[..], [Ev::Error(ConnectionError::HeadTimeout)]), "{got:?}");
    // The 408 waits for the answer to the request before.
    respond(&mut s, 200, &[("Content-Length", "0")], b"");
    assert!(matches!(events(&mut s)[..], [Ev::Closed(Closed { reason: CloseReason::Error, .. })]));
    let out = s.take_transmit();
    assert!(
        show(&out).ends_with(
            "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        "{}",
        show(&out)
    );
}

#[test]
fn timers_client_head_read_and_idle() {
    let cfg = Config {
        head_timeout: Some(Duration::from_secs(5)),
        idle_timeout: Some(Duration::from_secs(10)),
        ..Config::client()
    };
    let mut c = Connection::new(cfg);
    get(&mut c);
    assert_eq!(c.poll_timeout(), None, "waiting for a response is not idle");
    feed(&mut c, t(100), b"HTTP/1.1 200 OK\r\n");
    assert_eq!(c.timer(Timer::HeadRead), Some(t(5_100)));
    feed(&mut c, t(200), b"Content-Length: 0\r\n\r\n");
    assert_eq!(c.timer(Timer::HeadRead), None);
    assert_eq!(c.timer(Timer::Idle), Some(t(10_200)));
    get(&mut c);
    assert_eq!(c.poll_timeout(), None);
    feed(&mut c, t(300), b"HTTP/1.1 200");
    c.handle_timeout(t(5_300));
    assert_eq!(
        events(&mut c),
        [
            Ev::Error(ConnectionError::HeadTimeout),
            Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 1 })
        ]
    );

    let mut c = Connection::new(cfg);
    get(&mut c);
    feed(&mut c, t(0), OK);
    c.handle_timeout(t(10_000));
    assert_eq!(
        events(&mut c),
        [Ev::Closed(Closed { reason: CloseReason::IdleTimeout, unanswered: 0 })]
    );
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Closing)
    );
}
