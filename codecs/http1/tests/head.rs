//! Request and response heads: fields read from real heads, every error path with
//! its field and offset, the leniencies, the limits, and incremental parsing.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use wirestate_http1::{
    suggested_status, Error, Parser, ParserConfig, Request, Response, Status, Version, EMPTY_HEADER,
};

/// curl 7.88 in a network namespace (see spec-vectors/http1/capture.sh).
const CURL: &[u8] =
    b"GET /big.txt HTTP/1.1\r\nHost: 10.99.0.1\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

fn req_err(bytes: &[u8]) -> Error {
    req_err_with(bytes, &ParserConfig::default())
}

fn req_err_with(bytes: &[u8], cfg: &ParserConfig) -> Error {
    let mut h = [EMPTY_HEADER; 8];
    Request::new(&mut h).parse_with(cfg, bytes).unwrap_err()
}

fn res_err(bytes: &[u8]) -> Error {
    let mut h = [EMPTY_HEADER; 8];
    Response::new(&mut h).parse(bytes).unwrap_err()
}

fn at(e: Error) -> (&'static str, usize) {
    (e.field(), e.offset())
}

#[test]
fn reads_a_curl_request() {
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    assert_eq!(req.parse(CURL).unwrap(), Status::Complete(CURL.len()));
    assert_eq!((req.method, req.target, req.version), ("GET", "/big.txt", Version::Http11));
    let names: Vec<&str> = req.headers.iter().map(|h| h.name_str()).collect();
    assert_eq!(names, ["Host", "User-Agent", "Accept"]);
    assert_eq!(req.header("user-agent"), Some(&b"curl/7.88.1"[..]));
}

#[test]
fn reads_an_nginx_response_and_leaves_the_body() {
    let bytes =
        b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 17\r\n\r\nhello from nginx\n";
    let mut h = [EMPTY_HEADER; 8];
    let mut res = Response::new(&mut h);
    assert_eq!(res.parse(bytes).unwrap(), Status::Complete(bytes.len() - 17));
    assert_eq!((res.version, res.code, res.reason_str()), (Version::Http11, 200, Some("OK")));
}

#[test]
fn values_keep_inner_whitespace_and_lose_outer() {
    let bytes = b"GET / HTTP/1.0\r\nA:\t x \t y\t \r\nB:\r\nC: \xff\xfe\r\n\r\n";
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    req.parse(bytes).unwrap();
    assert_eq!(req.version, Version::Http10);
    assert_eq!(
        [req.headers[0].value, req.headers[1].value, req.headers[2].value],
        [&b"x \t y"[..], b"", b"\xff\xfe"]
    );
}

#[test]
fn status_lines() {
    let mut h = [EMPTY_HEADER; 2];
    let mut res = Response::new(&mut h);
    assert_eq!(res.parse(b"HTTP/1.1 200\r\n\r\n").unwrap(), Status::Complete(16));
    assert_eq!((res.code, res.reason), (200, &b""[..]));
    let mut res = Response::new(&mut h);
    assert_eq!(res.parse(b"HTTP/1.1 599 \r\n\r\n").unwrap(), Status::Complete(17));
    let mut res = Response::new(&mut h);
    assert_eq!(res.parse(b"HTTP/1.1 404 Not \xe9\tFound\r\n\r\n").unwrap(), Status::Complete(28));
    assert_eq!(res.reason, b"Not \xe9\tFound");
    assert_eq!(res.reason_str(), None);
}

#[test]
fn request_line_errors() {
    assert_eq!(at(req_err(b"\r\nGET / HTTP/1.1\r\n\r\n")), ("request-line", 0));
    assert_eq!(at(req_err(b"G@T / HTTP/1.1\r\n\r\n")), ("method", 1));
    assert_eq!(at(req_err(b" GET / HTTP/1.1\r\n\r\n")), ("method", 0));
    assert_eq!(at(req_err(b"GET  / HTTP/1.1\r\n\r\n")), ("request-target", 4));
    assert_eq!(at(req_err(b"GET /a\"b HTTP/1.1\r\n\r\n")), ("request-target", 6));
    assert_eq!(at(req_err(b"GET /#f HTTP/1.1\r\n\r\n")), ("request-target", 5));
    assert_eq!(at(req_err(b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n")), ("request-target", 5));
    assert_eq!(at(req_err(b"GET / HTTP/1.1 \r\n\r\n")), ("request-line", 14));
    assert_eq!(at(req_err(b"GET / http/1.1\r\n\r\n")), ("http-version", 6));
    assert_eq!(at(req_err(b"GET / HTTP/1.x\r\n\r\n")), ("http-version", 6));
    assert_eq!(at(req_err(b"GET / XTTP")), ("http-version", 6));
    let e = req_err(b"GET / HTTP/2.0\r\n\r\n");
    assert_eq!(e, Error::unsupported("http-version", 6, 20));
    assert_eq!(suggested_status(&e), 505);
}

#[test]
fn status_line_errors() {
    assert_eq!(at(res_err(b"HTTP/1.1 20 OK\r\n\r\n")), ("status-code", 8));
    assert_eq!(at(res_err(b"HTTP/1.1  200 OK\r\n\r\n")), ("status-code", 8));
    assert_eq!(at(res_err(b"HTTP/1.1 2000 OK\r\n\r\n")), ("status-code", 8));
    assert_eq!(at(res_err(b"HTTP/1.1 099 OK\r\n\r\n")), ("status-code", 9));
    assert_eq!(at(res_err(b"HTTP/1.1 600 OK\r\n\r\n")), ("status-code", 9));
    assert_eq!(at(res_err(b"HTTP/1.1 2x")), ("status-code", 8));
    assert_eq!(at(res_err(b"HTTP/1.1 200 O\x00K\r\n\r\n")), ("reason-phrase", 14));
    assert_eq!(at(res_err(b"HTTP/1.1 200 OK\rX\r\n\r\n")), ("line ending", 15));
    assert_eq!(at(res_err(b"ICY 200 OK\r\n\r\n")), ("http-version", 0));
}

#[test]
fn field_errors() {
    let base = b"GET / HTTP/1.1\r\n";
    let e = |fields: &[u8]| at(req_err(&[&base[..], fields].concat()));
    assert_eq!(e(b": x\r\n\r\n"), ("field-name", 16));
    assert_eq!(e(b"A B: x\r\n\r\n"), ("field-name", 17));
    assert_eq!(e(b"A : x\r\n\r\n"), ("field-name", 17));
    assert_eq!(e(b"A\t: x\r\n\r\n"), ("field-name", 17));
    assert_eq!(e(b"A\r\n\r\n"), ("field-name", 17));
    assert_eq!(e(b"A\x00: x\r\n\r\n"), ("field-name", 17));
    assert_eq!(e(b"A: x\x00y\r\n\r\n"), ("field-value", 20));
    assert_eq!(e(b"A: x\x7f\r\n\r\n"), ("field-value", 20));
    assert_eq!(e(b"A: x\ry\r\n\r\n"), ("line ending", 20));
    assert_eq!(e(b"A: x\n\r\n"), ("line ending", 20));
    assert_eq!(e(b"A: x\r\n\n"), ("line ending", 22));
    assert_eq!(e(b"A: x\r\n\r\r\n"), ("line ending", 22));
    assert_eq!(e(b" A: x\r\n\r\n"), ("obs-fold", 16));
    assert_eq!(e(b"A: x\r\n y\r\n\r\n"), ("obs-fold", 22));
    assert_eq!(at(req_err(b"GET / HTTP/1.1\n\n")), ("line ending", 14));
    assert_eq!(at(req_err(b"GET / HTTP/1.1\r\r\n")), ("line ending", 14));
}

#[test]
fn leniencies_each_named() {
    let mut cfg = ParserConfig::default();
    let parse = |bytes: &[u8], cfg: &ParserConfig| {
        let mut h = [EMPTY_HEADER; 4];
        let mut req = Request::new(&mut h);
        let n = req.parse_with(cfg, bytes).unwrap().complete().unwrap();
        (n, req.headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect::<Vec<_>>())
    };
    let folded = b"GET / HTTP/1.1\r\nA: x\r\n  y \r\n\tz\r\nB: w\r\n\r\n";
    assert!(cfg.enable("obs_fold"));
    let (_, h) = parse(folded, &cfg);
    assert_eq!(h[0], (b"A".to_vec(), b"x\r\n  y \r\n\tz".to_vec()));
    assert_eq!(h[1].1, b"w");
    let lf = b"GET / HTTP/1.1\nA: x\r\nB: y\n\n";
    assert!(cfg.enable("bare_lf"));
    assert_eq!(parse(lf, &cfg).0, lf.len());
    let sp = b"GET / HTTP/1.1\r\nA \t: x\r\n\r\n";
    assert!(cfg.enable("space_before_colon"));
    assert_eq!(parse(sp, &cfg).1[0], (b"A".to_vec(), b"x".to_vec()));
    let empty = b"\r\n\nGET / HTTP/1.1\r\n\r\n";
    assert!(cfg.enable("leading_empty_lines"));
    assert_eq!(parse(empty, &cfg).0, empty.len());
    // Still refused with every leniency on: bare CR, NUL, a lone leading fold.
    assert_eq!(at(req_err_with(b"GET / HTTP/1.1\r\nA: x\ry\r\n\r\n", &cfg)), ("line ending", 20));
    assert_eq!(at(req_err_with(b"GET / HTTP/1.1\r\nA: \0\r\n\r\n", &cfg)), ("field-value", 19));
    assert_eq!(at(req_err_with(b"GET / HTTP/1.1\r\n x\r\n\r\n", &cfg)), ("obs-fold", 16));
}

#[test]
fn limits_with_their_statuses() {
    let cfg = ParserConfig { max_headers: 2, ..ParserConfig::default() };
    let e = req_err_with(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", &cfg);
    assert_eq!(e, Error::unsupported("header count", 28, 3));
    assert_eq!(suggested_status(&e), 431);
    // The caller's slots are a limit too.
    let mut h = [EMPTY_HEADER; 1];
    let e = Request::new(&mut h).parse(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n").unwrap_err();
    assert_eq!(at(e), ("header count", 22));
    let cfg = ParserConfig { max_line_len: 20, ..ParserConfig::default() };
    let e = req_err_with(b"GET /aaaaaaaaaaaaaaa HTTP/1.1\r\n\r\n", &cfg);
    assert_eq!((at(e), suggested_status(&e)), (("request-line", 0), 414));
    let e = req_err_with(b"GET / HTTP/1.1\r\nA: aaaaaaaaaaaaaaaaaaa\r\n\r\n", &cfg);
    assert_eq!((at(e), suggested_status(&e)), (("field-line", 16), 431));
    let e = req_err_with(
        b"GET / HTTP/1.1\r\nA: a\r\n aaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
        &ParserConfig { allow_obs_fold: true, ..cfg },
    );
    assert_eq!(at(e), ("field-line", 22));
    let mut h = [EMPTY_HEADER; 2];
    let e = Response::new(&mut h)
        .parse_with(&cfg, b"HTTP/1.1 200 aaaaaaaaaaaaaaaaaaaa\r\n\r\n")
        .unwrap_err();
    assert_eq!(at(e), ("status-line", 0));
    let cfg = ParserConfig { max_head_len: 24, ..ParserConfig::default() };
    let e = req_err_with(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", &cfg);
    assert_eq!((at(e), suggested_status(&e)), (("head", 24), 431));
    // Exactly at the limit is fine.
    let mut h = [EMPTY_HEADER; 2];
    let ok = b"GET / HTTP/1.1\r\nA: 1\r\n\r\n";
    assert_eq!(
        Request::new(&mut h)
            .parse_with(&ParserConfig { max_head_len: ok.len(), ..cfg }, ok)
            .unwrap(),
        Status::Complete(ok.len())
    );
}

#[test]
fn incremental_one_byte_at_a_time_with_trailing_bytes() {
    let mut msg = CURL.to_vec();
    msg.extend_from_slice(b"NEXT");
    let mut parser = Parser::new(ParserConfig::default());
    let mut h = [EMPTY_HEADER; 8];
    for end in 0..CURL.len() {
        let mut req = Request::new(&mut h);
        assert_eq!(parser.parse_request(&mut req, &msg[..end]).unwrap(), Status::Partial, "{end}");
    }
    let mut req = Request::new(&mut h);
    assert_eq!(parser.parse_request(&mut req, &msg).unwrap(), Status::Complete(CURL.len()));
    assert_eq!(req.headers.len(), 3);
    // The parser is ready for the next message.
    let mut req = Request::new(&mut h);
    assert_eq!(parser.parse_request(&mut req, CURL).unwrap(), Status::Complete(CURL.len()));
}

#[test]
fn incremental_limits_fire_before_the_line_ends() {
    let cfg = ParserConfig { max_line_len: 32, max_head_len: 64, ..ParserConfig::default() };
    let mut parser = Parser::new(cfg);
    let mut bytes = b"GET / HTTP/1.1\r\nA: ".to_vec();
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    assert_eq!(parser.parse_request(&mut req, &bytes).unwrap(), Status::Partial);
    bytes.extend_from_slice(&[b'x'; 40]);
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    assert_eq!(at(parser.parse_request(&mut req, &bytes).unwrap_err()), ("field-line", 16));
    let mut parser = Parser::new(cfg);
    let mut bytes = b"GET / HTTP/1.1\r\n".to_vec();
    for _ in 0..10 {
        bytes.extend_from_slice(b"A: 1\r\n");
        let mut h = [EMPTY_HEADER; 8];
        let mut req = Request::new(&mut h);
        match parser.parse_request(&mut req, &bytes) {
            Ok(Status::Partial) => {}
            Err(e) => return assert_eq!(at(e), ("head", 64)),
            other => panic!("{other:?}"),
        }
    }
    panic!("no head limit");
}

/// Found by the http1_head fuzz target: a configured header limit near `usize::MAX`
/// made the owned `Message` parser allocate that many slots and abort.
#[test]
fn a_huge_max_headers_does_not_allocate_that_many_slots() {
    let cfg = wirestate_http1::ParserConfig { max_headers: usize::MAX, ..Default::default() };
    let m = wirestate_http1::message::Message::parse_request(
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        &cfg,
    )
    .unwrap();
    assert_eq!(m.headers.len(), 1);
    let r = wirestate_http1::message::Message::parse_response(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n\r\n",
        "GET",
        &cfg,
    )
    .unwrap();
    assert_eq!(r.trailers.len(), 1);
}

/// RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line
/// SHOULD ignore at least one empty line (CRLF) received prior to the request-line."
#[test]
fn rfc9112_2_2_server_ignores_empty_lines_before_a_request_line() {
    let cfg = ParserConfig::SERVER;
    for prefix in [&b"\r\n"[..], b"\r\n\r\n", b"\r\n\r\n\r\n\r\n\r\n"] {
        let bytes = [prefix, CURL].concat();
        let mut h = [EMPTY_HEADER; 8];
        let mut req = Request::new(&mut h);
        assert_eq!(req.parse_with(&cfg, &bytes).unwrap(), Status::Complete(bytes.len()));
        assert_eq!((req.method, req.target, req.headers.len()), ("GET", "/big.txt", 3));
        assert_eq!(wirestate_http1::leading_empty_lines(&bytes, &cfg), prefix.len());
        // The same, a byte at a time through the incremental parser.
        let mut parser = Parser::new(cfg);
        for end in 1..bytes.len() {
            let mut req = Request::new(&mut h);
            assert_eq!(parser.parse_request(&mut req, &bytes[..end]).unwrap(), Status::Partial);
        }
        let mut req = Request::new(&mut h);
        assert_eq!(parser.parse_request(&mut req, &bytes).unwrap(), Status::Complete(bytes.len()));
        // Strict: refused where the empty line is, as a 400.
        let e = req_err(&bytes);
        assert_eq!((at(e), suggested_status(&e)), (("request-line", 0), 400));
    }
    // Bare LF empty lines only with allow_bare_lf, as for every other line end.
    let bytes = [&b"\n\r\n"[..], CURL].concat();
    assert_eq!(at(req_err_with(&bytes, &cfg)), ("line ending", 0));
    assert_eq!(wirestate_http1::leading_empty_lines(&bytes, &cfg), 0);
    let lf = ParserConfig { allow_bare_lf: true, ..cfg };
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    assert_eq!(req.parse_with(&lf, &bytes).unwrap(), Status::Complete(bytes.len()));
    assert_eq!(wirestate_http1::leading_empty_lines(&bytes, &lf), 3);
    // A bare CR is no empty line.
    assert_eq!(at(req_err_with(&[&b"\r\r\n"[..], CURL].concat(), &cfg)), ("line ending", 0));
}

/// RFC 9112 §2.2 between pipelined requests: the CRLF some clients send after a body.
#[test]
fn rfc9112_2_2_server_ignores_empty_lines_between_pipelined_requests() {
    let cfg = ParserConfig::SERVER;
    let first = b"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi";
    let second = b"GET /b HTTP/1.1\r\nHost: a\r\n\r\n";
    for gap in [&b""[..], b"\r\n", b"\r\n\r\n\r\n"] {
        let stream = [&first[..], gap, second].concat();
        let mut parser = Parser::new(cfg);
        let mut h = [EMPTY_HEADER; 8];
        let mut req = Request::new(&mut h);
        let Status::Complete(n) = parser.parse_request(&mut req, &stream).unwrap() else {
            panic!("first head")
        };
        assert_eq!((req.method, req.target), ("POST", "/a"));
        let rest = &stream[n + 2..];
        assert_eq!(wirestate_http1::leading_empty_lines(rest, &cfg), gap.len());
        let mut req = Request::new(&mut h);
        assert_eq!(parser.parse_request(&mut req, rest).unwrap(), Status::Complete(rest.len()));
        assert_eq!((req.method, req.target), ("GET", "/b"));
        // Only empty lines so far: need more, not an error, and nothing to read yet.
        let mut req = Request::new(&mut h);
        assert_eq!(Parser::new(cfg).parse_request(&mut req, gap).unwrap(), Status::Partial);
    }
}

/// Empty lines count against the head limit: a stream of them cannot hold a parser.
#[test]
fn rfc9112_2_2_leading_empty_lines_count_against_max_head_len() {
    let cfg = ParserConfig { max_head_len: 64, ..ParserConfig::SERVER };
    let bytes = b"\r\n".repeat(40);
    let mut h = [EMPTY_HEADER; 8];
    let mut parser = Parser::new(cfg);
    let mut req = Request::new(&mut h);
    assert_eq!(parser.parse_request(&mut req, &bytes[..60]).unwrap(), Status::Partial);
    let mut req = Request::new(&mut h);
    let e = parser.parse_request(&mut req, &bytes).unwrap_err();
    assert_eq!((at(e), suggested_status(&e)), (("head", 64), 431));
}

/// RFC 9112 §2.2 speaks of a request-line only: a response stays strict even with
/// the leniency on, and a status-line after an empty line is refused.
#[test]
fn rfc9112_2_2_empty_lines_before_a_status_line_stay_refused() {
    let cfg = ParserConfig { allow_leading_empty_lines: true, ..ParserConfig::USER_AGENT };
    let mut h = [EMPTY_HEADER; 8];
    let e = Response::new(&mut h).parse_with(&cfg, b"\r\nHTTP/1.1 200 OK\r\n\r\n").unwrap_err();
    assert_eq!(at(e), ("http-version", 0));
    let mut res = Response::new(&mut h);
    let bytes = b"HTTP/1.1 200 OK\r\n\r\n";
    assert_eq!(res.parse_with(&cfg, bytes).unwrap(), Status::Complete(bytes.len()));
}
