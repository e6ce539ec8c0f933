#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! RFC 9112 §6.3, the message body length, rule by rule, in each role it applies
//! to: reading (the peer's octets in) and sending (what the machine frames from
//! the caller's heads and data).

mod common;

use common::*;
use wirestate_http1_conn::*;

const NEXT: &[u8] = b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n";

/// Server: `wire` followed by a valid request is refused: an `Error`, the
/// automatic status with `Connection: close`, `Closed`, and the next request is
/// never read. Returns the status sent.
fn server_refuses(wire: &[u8]) -> u16 {
    let mut s = server();
    let got = feed(&mut s, t(0), &[wire, NEXT].concat());
    let ctx = show(wire);
    assert!(got.iter().any(|e| matches!(e, Ev::Error(_))), "{ctx}: {got:?}");
    assert!(!targets(&got).contains(&"/next".to_string()), "{ctx}: {got:?}");
    assert!(matches!(got.last(), Some(Ev::Closed(c)) if c.reason == CloseReason::Error), "{got:?}");
    let out = s.take_transmit();
    assert_eq!(count(&out, b"Connection: close\r\n"), 1, "{ctx}: {}", show(&out));
    assert!(s.is_closed());
    show(&out[9..12]).parse().unwrap()
}

/// Client: sent one request with `method`, reads `wire`.
fn client_reads(method: &str, wire: &[u8]) -> (Connection, Vec<Ev>) {
    let mut c = client();
    ask(&mut c, method, "/", &[("Host", "h")]);
    c.take_transmit();
    let got = feed(&mut c, t(0), wire);
    (c, got)
}

/// Client: the response `wire` (followed by a valid one) fails the connection.
fn client_refuses(wire: &[u8]) {
    let mut c = client();
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(&mut c, t(0), &[wire, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"].concat());
    assert!(
        matches!(
            got[..],
            [
                Ev::Error(ConnectionError::Malformed(_)),
                Ev::Closed(Closed { reason: CloseReason::Error, unanswered: 1 })
            ]
        ),
        "{}: {got:?}",
        show(wire)
    );
    assert!(matches!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Lost(_))
    ));
}

/// Server: has read one request with `method` (and `version`), ready to answer.
fn server_with(method: &str, version: &str) -> Connection {
    let mut s = server();
    let host = if version == "HTTP/1.1" { "Host: h\r\n" } else { "" };
    let got = feed(&mut s, t(0), format!("{method} / {version}\r\n{host}\r\n").as_bytes());
    assert!(matches!(got[..], [Ev::Request { .. }, Ev::End]), "{got:?}");
    s
}

// Rule 1: HEAD, 1xx, 204, 304 end at the empty line.

#[test]
fn rfc9112_6_3_rule1_client_reads_no_body_after_head_whatever_the_fields() {
    let mut c = client();
    ask(&mut c, "HEAD", "/", &[("Host", "h")]);
    ask(&mut c, "HEAD", "/", &[("Host", "h")]);
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert!(
        matches!(
            &got[..],
            [
                Ev::Response { code: 200, body: BodyKind::None, keep_alive: true, .. },
                Ev::End,
                Ev::Response { body: BodyKind::None, .. },
                Ev::End,
                Ev::Response { body: BodyKind::Length(5), .. },
                Ev::Data(d),
                Ev::End,
            ] if d == b"hello"
        ),
        "{got:?}"
    );
    assert!(c.is_idle());
}

#[test]
fn rfc9112_6_3_rule1_server_head_response_keeps_content_length_refuses_body() {
    let mut s = server();
    feed(&mut s, t(0), &[b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n".as_slice(), NEXT].concat());
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "5")])).unwrap();
    assert_eq!(s.send_data(t(0), b"hello"), Err(CallError::NoBody));
    assert_eq!(s.send_data(t(0), b""), Ok(0));
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    // The HEAD response persists, and the next request was read.
    assert!(!s.is_closing());
    assert_eq!(s.in_flight(), 1);
    // Without framing fields nothing is added (no chunked: no body follows).
    let mut s = server_with("HEAD", "HTTP/1.1");
    respond(&mut s, 200, &[], b"");
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 X\r\n\r\n");
    assert!(!s.is_closing());
}

#[test]
fn rfc9112_6_3_rule1_client_reads_several_interim_responses_before_the_final_one() {
    let (c, got) = client_reads(
        "GET",
        b"HTTP/1.1 100 Continue\r\n\r\n\
HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n\
HTTP/1.1 103 Early Hints\r\nContent-Length: 4\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    );
    assert!(
        matches!(
            &got[..],
            [
                Ev::Response { code: 100, body: BodyKind::None, .. },
                Ev::Response { code: 103, body: BodyKind::None, .. },
                Ev::Response { code: 103, body: BodyKind::None, .. },
                Ev::Response { code: 200, body: BodyKind::Length(2), .. },
                Ev::Data(d),
                Ev::End,
            ] if d == b"hi"
        ),
        "{got:?}"
    );
    assert!(c.is_idle());
}

#[test]
fn rfc9112_6_3_rule1_server_sends_interim_responses_without_body() {
    let mut s = server_with("GET", "HTTP/1.1");
    s.send_response(t(0), &ResponseHead::new(103, "Early Hints", &[("Link", "</a>")])).unwrap();
    s.send_response(t(0), &ResponseHead::new(103, "Early Hints", &[])).unwrap();
    for framing in [("Content-Length", "0"), ("Transfer-Encoding", "chunked")] {
        assert!(matches!(
            s.send_response(t(0), &ResponseHead::new(103, "Early Hints", &[framing])),
            Err(CallError::Head(_))
        ));
    }
    // An interim response is no message in progress: data needs the final head.
    assert_eq!(s.send_data(t(0), b"x"), Err(CallError::NoMessage));
    respond(&mut s, 200, &[("Content-Length", "2")], b"ok");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n\
HTTP/1.1 200 X\r\nContent-Length: 2\r\n\r\nok"
    );
    // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
    let mut s = server_with("GET", "HTTP/1.0");
    assert_eq!(
        s.send_response(t(0), &ResponseHead::new(103, "Early Hints", &[])),
        Err(CallError::Status(103))
    );
}

#[test]
fn rfc9112_6_3_rule1_client_reads_no_body_in_204_or_304_even_with_content_length() {
    let mut c = client();
    for _ in 0..3 {
        ask(&mut c, "GET", "/", &[("Host", "h")]);
    }
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n\
HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(codes(&got), [204, 304, 200]);
    assert!(
        matches!(
            &got[..],
            [
                Ev::Response { body: BodyKind::None, keep_alive: true, .. },
                Ev::End,
                Ev::Response { body: BodyKind::None, keep_alive: true, .. },
                Ev::End,
                Ev::Response { .. },
                Ev::Data(d),
                Ev::End
            ] if d == b"hello"
        ),
        "{got:?}"
    );
}

#[test]
fn rfc9112_6_3_rule1_server_204_refuses_framing_304_keeps_content_length() {
    let mut s = server_with("GET", "HTTP/1.1");
    for framing in [("Content-Length", "5"), ("Transfer-Encoding", "chunked")] {
        assert!(matches!(
            s.send_response(t(0), &ResponseHead::new(204, "No Content", &[framing])),
            Err(CallError::Head(_))
        ));
    }
    s.send_response(t(0), &ResponseHead::new(204, "No Content", &[])).unwrap();
    assert_eq!(s.send_data(t(0), b"x"), Err(CallError::NoBody));
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 204 No Content\r\n\r\n", "no chunked added");
    assert!(!s.is_closing());

    // RFC 9110 §8.6: a 304 may carry the Content-Length the 200 would have had.
    let mut s = server_with("GET", "HTTP/1.1");
    s.send_response(t(0), &ResponseHead::new(304, "Not Modified", &[("Content-Length", "5")]))
        .unwrap();
    assert_eq!(s.send_data(t(0), b"hello"), Err(CallError::NoBody));
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    let mut s = server_with("GET", "HTTP/1.1");
    respond(&mut s, 304, &[], b"");
    assert_eq!(s.take_transmit(), b"HTTP/1.1 304 X\r\n\r\n");
    assert!(!s.is_closing());
}

// Rule 2: a 2xx to CONNECT is a tunnel.

fn client_connect(wire: &[u8]) -> (Connection, Vec<Ev>) {
    let mut c = client();
    ask(&mut c, "CONNECT", "o.test:443", &[("Host", "o.test:443")]);
    c.take_transmit();
    let got = feed(&mut c, t(0), wire);
    (c, got)
}

#[test]
fn rfc9112_6_3_rule2_client_2xx_to_connect_is_a_tunnel_whatever_the_fields() {
    for head in [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 201 Created\r\n\r\n",
    ] {
        let (c, got) = client_connect(&[head.as_bytes(), b"\x16\x03\x01HTTP/1.1 200"].concat());
        assert!(
            matches!(&got[..], [Ev::Response { body: BodyKind::Tunnel, .. }, Ev::Switched(r)] if r == b"\x16\x03\x01HTTP/1.1 200"),
            "{head}: {got:?}"
        );
        assert!(c.is_switched());
    }
}

#[test]
fn rfc9112_6_3_rule2_client_204_to_connect_is_a_tunnel_too() {
    // Rule 1 ends the 204 at its empty line; rule 2 still makes the connection a
    // tunnel after it (RFC 9110 §9.3.6: "Any 2xx (Successful) response"), as the
    // server role does when it sends one.
    let mut s = server();
    feed(&mut s, t(0), b"CONNECT o.test:443 HTTP/1.1\r\nHost: o.test:443\r\n\r\n");
    s.send_response(t(0), &ResponseHead::new(204, "No Content", &[])).unwrap();
    assert!(matches!(events(&mut s)[..], [Ev::Switched(_)]));
    let (c, got) = client_connect(b"HTTP/1.1 204 No Content\r\n\r\n\x16\x03");
    assert!(
        matches!(&got[..], [Ev::Response { .. }, Ev::Switched(r)] if r == b"\x16\x03"),
        "{got:?}"
    );
    assert!(c.is_switched());
}

#[test]
fn rfc9112_6_3_rule2_client_non_2xx_to_connect_reads_a_normal_body() {
    let (mut c, got) = client_connect(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 3\r\n\r\nabc",
    );
    assert!(
        matches!(&got[..], [Ev::Response { code: 407, body: BodyKind::Length(3), .. }, Ev::Data(d), Ev::End] if d == b"abc"),
        "{got:?}"
    );
    assert!(!c.is_switched());
    // The connection goes on as HTTP.
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(&mut c, t(0), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(matches!(got[..], [Ev::Response { code: 200, .. }, Ev::End]), "{got:?}");
}

#[test]
fn rfc9112_6_3_rule2_server_2xx_to_connect_switches_non_2xx_frames_a_body() {
    let connect = b"CONNECT o.test:443 HTTP/1.1\r\nHost: o.test:443\r\n\r\n";
    let mut s = server();
    feed(&mut s, t(0), &[connect.as_slice(), NEXT].concat());
    assert_eq!(s.in_flight(), 1, "nothing after CONNECT is read before its response");
    for framing in [("Content-Length", "0"), ("Transfer-Encoding", "chunked")] {
        assert!(matches!(
            s.send_response(t(0), &ResponseHead::new(200, "OK", &[framing])),
            Err(CallError::Head(_))
        ));
    }
    respond(&mut s, 403, &[("Content-Length", "3")], b"no!");
    assert_eq!(s.take_transmit(), b"HTTP/1.1 403 X\r\nContent-Length: 3\r\n\r\nno!");
    assert!(!s.is_switched());
    let got = events(&mut s);
    assert_eq!(targets(&got), ["/next"], "after a refused CONNECT the next request is HTTP");

    let mut s = server();
    feed(&mut s, t(0), &[connect.as_slice(), NEXT].concat());
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[])).unwrap();
    assert_eq!(events(&mut s), [Ev::Switched(NEXT.to_vec())]);
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\n\r\n");
}

// Rule 3: Transfer-Encoding with Content-Length is an error.

#[test]
fn rfc9112_6_3_rule3_server_refuses_te_with_cl_400_and_closes() {
    let te_cl = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n";
    let cl_te = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    for wire in [te_cl.as_slice(), cl_te] {
        assert_eq!(server_refuses(wire), 400);
        let mut s = server();
        let got = feed(&mut s, t(0), wire);
        assert!(
            matches!(got[..], [Ev::Error(ConnectionError::Malformed(_)), Ev::Closed(_)]),
            "{got:?}"
        );
        assert_eq!(
            s.take_transmit(),
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
}

#[test]
fn rfc9112_6_3_rule3_client_errors_on_te_with_cl() {
    client_refuses(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    );
    client_refuses(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
}

#[test]
fn rfc9112_6_3_rule3_senders_refuse_te_with_cl() {
    let both = [("Host", "h"), ("Transfer-Encoding", "chunked"), ("Content-Length", "5")];
    let mut c = client();
    assert!(matches!(
        c.send_request(t(0), &RequestHead::new("POST", "/", &both)),
        Err(CallError::Head(_))
    ));
    assert_eq!(c.take_transmit(), b"");
    let mut s = server_with("GET", "HTTP/1.1");
    assert!(matches!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &both[1..])),
        Err(CallError::Head(_))
    ));
    assert_eq!(s.take_transmit(), b"");
}

// Rule 4: Transfer-Encoding.

#[test]
fn rfc9112_6_3_rule4_server_reads_a_chunked_request_body() {
    let mut s = server();
    let got = feed(
        &mut s,
        t(0),
        &[
            b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n\
3;ext=\"x\"\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n"
                .as_slice(),
            NEXT,
        ]
        .concat(),
    );
    assert_eq!(
        got[1..4],
        [
            Ev::Data(b"abc0123456789".to_vec()),
            Ev::Trailers(vec![("T".into(), "v".into())]),
            Ev::End
        ]
    );
    assert!(matches!(&got[0], Ev::Request { body: BodyKind::Chunked, .. }));
    assert_eq!(targets(&got), ["/", "/next"]);
}

#[test]
fn rfc9112_6_3_rule4_client_reads_a_chunked_response_body() {
    let mut c = client();
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHTTP/\r\n0\r\n\r\n\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert!(
        matches!(
            &got[..],
            [
                Ev::Response { body: BodyKind::Chunked, .. },
                Ev::Data(d),
                Ev::End,
                Ev::Response { body: BodyKind::Chunked, .. },
                Ev::End
            ] if d == b"HTTP/"
        ),
        "{got:?}"
    );
    assert!(c.is_idle());
}

#[test]
fn rfc9112_6_3_rule4_senders_frame_chunked_one_chunk_per_send_data() {
    let mut c = client();
    c.send_request(
        t(0),
        &RequestHead::new("POST", "/", &[("Host", "h"), ("Transfer-Encoding", "chunked")]),
    )
    .unwrap();
    assert_eq!(c.send_data(t(0), b""), Ok(0), "an empty chunk would end the body");
    c.send_data(t(0), b"abc").unwrap();
    c.send_data(t(0), &[b'x'; 17]).unwrap();
    c.send_end(t(0), &[("T", "v")]).unwrap();
    let body = [b"3\r\nabc\r\n11\r\n".as_slice(), &[b'x'; 17], b"\r\n0\r\nT: v\r\n\r\n"].concat();
    let head = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(c.take_transmit(), [head.as_slice(), &body].concat());

    // The server reads what the client framed.
    let mut s = server();
    let got = feed(&mut s, t(0), &[head.as_slice(), &body].concat());
    assert_eq!(got[1], Ev::Data([b"abc".as_slice(), &[b'x'; 17]].concat()));

    // A server adds chunked to an HTTP/1.1 response without framing.
    respond(&mut s, 200, &[], b"hi");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
    );
    assert!(!s.is_closing());
}

#[test]
fn rfc9112_6_3_rule4_server_refuses_a_request_whose_final_coding_is_not_chunked() {
    for (te, status) in
        [("gzip", 400), ("chunked, gzip", 400), ("deflate", 400), ("foo, chunked", 501)]
    {
        let wire =
            format!("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: {te}\r\n\r\n0\r\n\r\n");
        assert_eq!(server_refuses(wire.as_bytes()), status, "{te}");
    }
}

#[test]
fn rfc9112_6_3_rule4_client_reads_a_non_chunked_final_coding_until_close() {
    let mut c = client();
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    );
    assert!(
        matches!(
            &got[..],
            [Ev::Response { body: BodyKind::UntilClose, keep_alive: false, .. }, Ev::Data(d)]
                if d == b"0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
        ),
        "{got:?}"
    );
    assert_eq!(
        c.send_request(t(0), &RequestHead::get("/", &[("Host", "h")])),
        Err(CallError::Closing)
    );
    c.handle_eof(t(0));
    let got = events(&mut c);
    assert!(matches!(got[..], [Ev::End, Ev::Closed(_)]), "{got:?}");
    assert!(closed_with(&got, CloseReason::NotPersistent, 1), "{got:?}");
}

#[test]
fn rfc9112_6_3_rule4_client_never_decodes_chunked_when_it_is_not_final() {
    // RFC 9112 §6.3 reads this until close; refusing it is safe too. Decoding
    // chunked, or persisting, is not.
    let (_, got) = client_reads(
        "GET",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
    );
    match &got[..] {
        [Ev::Response { body: BodyKind::UntilClose, keep_alive: false, .. }, Ev::Data(_)] => {}
        [Ev::Error(_), Ev::Closed(_)] => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn rfc9112_6_3_rule4_senders_frame_a_non_chunked_final_coding() {
    // A request must end in chunked (§6.1).
    let mut c = client();
    assert!(matches!(
        c.send_request(
            t(0),
            &RequestHead::new("POST", "/", &[("Host", "h"), ("Transfer-Encoding", "gzip")])
        ),
        Err(CallError::Head(_))
    ));
    // A response may: it is delimited by the close.
    let mut s = server_with("GET", "HTTP/1.1");
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Transfer-Encoding", "gzip")])).unwrap();
    s.send_data(t(0), b"\x1f\x8b").unwrap();
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n\x1f\x8b"
    );
    assert!(closed_with(&events(&mut s), CloseReason::NotPersistent, 0));
}

// Rule 5: an invalid Content-Length is an unrecoverable error.

const BAD_LENGTHS: [&str; 9] =
    ["abc", "-1", "+5", "0x5", "5.0", "5 5", "5, 6", "\"5\"", "18446744073709551616"];

#[test]
fn rfc9112_6_3_rule5_server_refuses_an_invalid_content_length_400() {
    for v in BAD_LENGTHS {
        let wire = format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {v}\r\n\r\nhello");
        assert_eq!(server_refuses(wire.as_bytes()), 400, "{v}");
    }
    let wire = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello";
    assert_eq!(server_refuses(wire), 400);
    let wire = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n";
    assert_eq!(server_refuses(wire), 400);
}

#[test]
fn rfc9112_6_3_rule5_equal_content_length_members_are_one_length() {
    for fields in ["Content-Length: 5, 5\r\n", "Content-Length: 5\r\nContent-Length: 5\r\n"] {
        let mut s = server();
        let wire = format!("POST / HTTP/1.1\r\nHost: h\r\n{fields}\r\nhello");
        let got = feed(&mut s, t(0), &[wire.as_bytes(), NEXT].concat());
        assert!(matches!(&got[0], Ev::Request { body: BodyKind::Length(5), .. }), "{got:?}");
        assert_eq!(got[1], Ev::Data(b"hello".to_vec()));
        assert_eq!(targets(&got), ["/", "/next"]);
    }
}

#[test]
fn rfc9112_6_3_rule5_client_closes_on_an_invalid_content_length() {
    for v in BAD_LENGTHS {
        client_refuses(format!("HTTP/1.1 200 OK\r\nContent-Length: {v}\r\n\r\nhello").as_bytes());
    }
    client_refuses(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello");
}

#[test]
fn rfc9112_6_3_rule5_senders_refuse_an_invalid_content_length() {
    for v in BAD_LENGTHS.iter().chain(&["5, 5"]) {
        let mut c = client();
        let h = [("Host", "h"), ("Content-Length", v)];
        assert!(
            matches!(
                c.send_request(t(0), &RequestHead::new("POST", "/", &h)),
                Err(CallError::Head(_))
            ),
            "{v}"
        );
        let mut s = server_with("GET", "HTTP/1.1");
        assert!(
            matches!(
                s.send_response(t(0), &ResponseHead::new(200, "OK", &h[1..])),
                Err(CallError::Head(_))
            ),
            "{v}"
        );
    }
}

// Rule 6: a valid Content-Length is the body's length.

#[test]
fn rfc9112_6_3_rule6_content_length_delimits_the_body_in_both_roles() {
    let mut s = server();
    let got = feed(
        &mut s,
        t(0),
        &[b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 31\r\n\r\n".as_slice(), NEXT, NEXT]
            .concat(),
    );
    assert_eq!(got[1..3], [Ev::Data(NEXT.to_vec()), Ev::End]);
    assert_eq!(targets(&got), ["/", "/next"], "the body is never a request");

    let mut c = client();
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    ask(&mut c, "GET", "/", &[("Host", "h")]);
    let got = feed(
        &mut c,
        t(0),
        b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\nHTTP/1.1 200 OK\r\n\r\nHTTP/1.1 204 OK\r\n\r\n",
    );
    assert_eq!(codes(&got), [200, 204]);
    assert_eq!(got[1], Ev::Data(b"HTTP/1.1 200 OK\r\n\r\n".to_vec()));
}

#[test]
fn rfc9112_6_3_rule6_senders_hold_to_the_content_length() {
    let mut s = server_with("GET", "HTTP/1.1");
    s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "4")])).unwrap();
    s.send_data(t(0), b"ab").unwrap();
    assert_eq!(s.send_data(t(0), b"cde"), Err(CallError::BodyTooLong { remaining: 2 }));
    assert_eq!(s.send_end(t(0), &[]), Err(CallError::BodyIncomplete { remaining: 2 }));
    assert_eq!(s.send_end(t(0), &[("T", "v")]), Err(CallError::BodyIncomplete { remaining: 2 }));
    s.send_data(t(0), b"cd").unwrap();
    assert_eq!(s.send_end(t(0), &[("T", "v")]), Err(CallError::Trailers));
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd");
    assert!(!s.is_closing());
}

// Rule 7: a request without framing has no body.

#[test]
fn rfc9112_6_3_rule7_a_request_without_framing_has_no_body() {
    let mut s = server();
    let got =
        feed(&mut s, t(0), &[b"POST / HTTP/1.1\r\nHost: h\r\n\r\n".as_slice(), NEXT].concat());
    assert!(matches!(&got[..2], [Ev::Request { body: BodyKind::None, .. }, Ev::End]), "{got:?}");
    assert_eq!(targets(&got), ["/", "/next"]);

    let mut c = client();
    c.send_request(t(0), &RequestHead::new("POST", "/", &[("Host", "h")])).unwrap();
    assert_eq!(c.send_data(t(0), b"x"), Err(CallError::NoBody));
    c.send_end(t(0), &[]).unwrap();
    assert_eq!(c.take_transmit(), b"POST / HTTP/1.1\r\nHost: h\r\n\r\n");
}

// Rule 8: a response without framing runs until the close.

#[test]
fn rfc9112_6_3_rule8_client_reads_an_unframed_response_until_close() {
    let (mut c, got) =
        client_reads("GET", b"HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(
        matches!(&got[..], [Ev::Response { body: BodyKind::UntilClose, keep_alive: false, .. }, Ev::Data(d)]
            if d == b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        "{got:?}"
    );
    assert_eq!(feed(&mut c, t(0), b"more"), [Ev::Data(b"more".to_vec())]);
    c.handle_eof(t(1));
    let got = events(&mut c);
    assert!(matches!(got[..], [Ev::End, Ev::Closed(_)]), "{got:?}");
    assert!(closed_with(&got, CloseReason::NotPersistent, 0));
}

#[test]
fn rfc9112_6_3_rule8_server_chunks_an_unframed_response_to_1_1_closes_it_for_1_0() {
    let mut s = server_with("GET", "HTTP/1.1");
    respond(&mut s, 200, &[], b"abc");
    assert_eq!(
        s.take_transmit(),
        b"HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );
    assert!(!s.is_closing());

    let mut s = server_with("GET", "HTTP/1.0");
    s.send_response(t(0), &ResponseHead::new(200, "X", &[])).unwrap();
    s.send_data(t(0), b"abc").unwrap();
    assert!(s.is_closing());
    s.send_data(t(0), b"def").unwrap();
    s.send_end(t(0), &[]).unwrap();
    assert_eq!(s.take_transmit(), b"HTTP/1.1 200 X\r\nConnection: close\r\n\r\nabcdef");
    assert!(closed_with(&events(&mut s), CloseReason::NotPersistent, 0));
}

// RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing.

#[test]
fn rfc9112_6_1_http10_with_transfer_encoding_is_refused() {
    let wire = b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(server_refuses(wire), 400);
    let wire =
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n";
    assert_eq!(server_refuses(wire), 400);
    client_refuses(b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

    let mut c = client();
    let head = RequestHead {
        version: Version::Http10,
        ..RequestHead::new("POST", "/", &[("Transfer-Encoding", "chunked")])
    };
    assert!(matches!(c.send_request(t(0), &head), Err(CallError::Head(_))));
    let mut s = server_with("GET", "HTTP/1.0");
    assert!(matches!(
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Transfer-Encoding", "chunked")])),
        Err(CallError::Head(_))
    ));
}

// Any split of the octets reads the same.

const SERVER_WIRE: &[u8] = b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello\
POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\
3;e=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\nU: w\r\n\r\n\r\n\
GET /c HTTP/1.1\r\nHost: h\r\n\r\n\
POST /d HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n\
PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";

const CLIENT_WIRE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n\
HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody\
HTTP/1.1 204 No Content\r\n\r\n\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nT: v\r\n\r\n\
HTTP/1.1 200 OK\r\n\r\nuntil the end";

fn client_for_wire() -> Connection {
    let mut c = client();
    for m in ["HEAD", "GET", "GET", "GET", "GET"] {
        ask(&mut c, m, "/", &[("Host", "h")]);
    }
    c
}

fn client_read(mut c: Connection, parts: &[&[u8]]) -> Vec<Ev> {
    let mut got = Vec::new();
    for p in parts {
        got.extend(feed(&mut c, t(0), p));
    }
    c.handle_eof(t(0));
    got.extend(events(&mut c));
    merge_data(got)
}

#[test]
fn rfc9112_6_3_bodies_split_at_every_octet_read_the_same() {
    let whole = merge_data(feed(&mut server(), t(0), SERVER_WIRE));
    assert_eq!(targets(&whole), ["/a", "/b", "/c", "/d", "/e"]);
    assert_eq!(feed_bytewise(&mut server(), t(0), SERVER_WIRE), whole);
    for at in 0..=SERVER_WIRE.len() {
        let mut s = server();
        let mut got = feed(&mut s, t(0), &SERVER_WIRE[..at]);
        got.extend(feed(&mut s, t(0), &SERVER_WIRE[at..]));
        assert_eq!(merge_data(got), whole, "split at {at}");
    }

    let whole = client_read(client_for_wire(), &[CLIENT_WIRE]);
    assert_eq!(codes(&whole), [200, 100, 103, 200, 204, 200, 200]);
    assert!(matches!(whole.last(), Some(Ev::Closed(c)) if c.reason == CloseReason::NotPersistent));
    let bytes: Vec<&[u8]> = CLIENT_WIRE.chunks(1).collect();
    assert_eq!(client_read(client_for_wire(), &bytes), whole);
    for at in 0..=CLIENT_WIRE.len() {
        let got = client_read(client_for_wire(), &[&CLIENT_WIRE[..at], &CLIENT_WIRE[at..]]);
        assert_eq!(got, whole, "split at {at}");
    }
}
