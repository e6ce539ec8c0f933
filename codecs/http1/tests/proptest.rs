//! Properties: no input panics (heads, chunked, URLs, targets, field values, whole
//! messages); any split of a message gives the result of the whole; written heads
//! parse back to what was written.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use proptest::prelude::*;
use wirestate_http1::fields::{
    cookies, expect, keep_alive, not_modified, ContentRange, CorsRequest, CorsResponse, EntityTag,
    HttpDate, IfNoneMatch, Ranges, SetCookie,
};
use wirestate_http1::message::Message;
use wirestate_http1::{
    Chunk, ChunkedDecoder, HeadWriter, Header, Parser, ParserConfig, Request, RequestTarget,
    Response, Status, Url, Version, EMPTY_HEADER,
};

fn configs() -> impl Strategy<Value = ParserConfig> {
    (any::<[bool; 5]>(), 16usize..300, 8usize..100, 0usize..12).prop_map(|(f, head, line, n)| {
        ParserConfig {
            allow_obs_fold: f[0],
            allow_bare_lf: f[1],
            allow_space_before_colon: f[2],
            allow_leading_empty_lines: f[3],
            allow_obs_fold_in_response: f[4],
            max_head_len: head,
            max_line_len: line,
            max_headers: n,
        }
    })
}

/// Bytes that look like HTTP often enough to reach deep paths.
fn http_ish() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop_oneof![
        Just(&b"GET / HTTP/1.1\r\n"[..]),
        Just(&b"HTTP/1.1 200 OK\r\n"[..]),
        Just(&b"Transfer-Encoding: chunked\r\n"[..]),
        Just(&b"Content-Length: 3\r\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r"[..]),
        Just(&b" "[..]),
        Just(&b":"[..]),
        Just(&b"5;a=\"b\"\r\n"[..]),
        Just(&b"0\r\n"[..]),
        Just(&b"abc"[..]),
        Just(&b"\0"[..]),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(atoms, 0..20).prop_map(|v| v.concat()),
    ]
}

fn touch_fields(headers: &[Header<'_>]) {
    let _ = keep_alive(Version::Http11, headers);
    let _ = expect(headers);
    let _ = not_modified(headers, None, None);
    let _ = CorsRequest::from_headers(headers).request_headers().count();
    let c = CorsResponse::from_headers(headers);
    let _ = (c.allows_origin(b"x", true), c.allows_method("GET"), c.allows_header(b"a"));
    for h in headers {
        let _ = (HttpDate::parse(h.value), ContentRange::parse(h.value), SetCookie::parse(h.value));
        let _ = cookies(h.value).count();
        let _ = Ranges::parse(h.value).map(|r| r.iter().filter_map(|r| r.resolve(100)).count());
        let _ = EntityTag::parse(h.value);
        let _ = IfNoneMatch::parse(h.value).map(|i| i.tags().count());
        let _ = wirestate_http1::fields::upgrade(headers).count();
    }
}

proptest! {
    #[test]
    fn no_input_panics(bytes in http_ish(), cfg in configs()) {
        let mut h = [EMPTY_HEADER; 8];
        let mut req = Request::new(&mut h);
        if let Ok(Status::Complete(n)) = req.parse_with(&cfg, &bytes) {
            prop_assert!(n <= bytes.len());
            // Both are made `&str` by an unchecked conversion after an ASCII check.
            prop_assert!(req.method.is_ascii() && req.target.is_ascii());
            let _ = RequestTarget::parse(req.method, req.target);
            touch_fields(req.headers);
        }
        let mut res = Response::new(&mut h);
        let _ = res.parse_with(&cfg, &bytes);
        let _ = Message::parse_request(&bytes, &cfg);
        let _ = Message::parse_response(&bytes, "GET", &cfg);
        let mut dec = ChunkedDecoder::new(&cfg);
        let mut at = 0;
        for _ in 0..bytes.len() + 2 {
            match dec.decode(&bytes[at..]) {
                Ok((n, Chunk::Data(d))) => { prop_assert!(n >= d.len()); at += n; }
                Ok((n, _)) => { at += n; break; }
                Err(_) => break,
            }
        }
        prop_assert!(at <= bytes.len());
        if let Ok(s) = core::str::from_utf8(&bytes) {
            if let Ok(u) = Url::parse(s) {
                let mut out = vec![0u8; u.path.len() + 1];
                prop_assert!(u.normalized_path(&mut out).is_ok());
            }
            let _ = RequestTarget::parse("CONNECT", s);
        }
    }

    #[test]
    fn any_split_of_any_input_agrees_with_the_whole(bytes in http_ish(), cfg in configs(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let mut h = [EMPTY_HEADER; 8];
        let mut req = Request::new(&mut h);
        let whole = req.parse_with(&cfg, &bytes);
        let whole_headers: Vec<Header<'_>> = req.headers.to_vec();
        let mut ends: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        ends.sort_unstable();
        ends.push(bytes.len());
        // Complete on the whole if and only if complete when split, with the same
        // head. (Refusals may differ: after a `Partial` the parser only checks a head
        // once its empty line arrives, so garbage in a head that never ends is
        // refused by the limits rather than at its first bad byte.)
        let mut parser = Parser::new(cfg);
        let mut h2 = [EMPTY_HEADER; 8];
        let mut split = Ok(Status::Partial);
        let mut split_headers = Vec::new();
        for &end in &ends {
            let mut req = Request::new(&mut h2);
            split = parser.parse_request(&mut req, &bytes[..end]);
            split_headers = req.headers.to_vec();
            if !matches!(split, Ok(Status::Partial)) {
                break;
            }
        }
        let whole_complete = matches!(whole, Ok(Status::Complete(_)));
        prop_assert_eq!(whole_complete, matches!(split, Ok(Status::Complete(_))));
        if whole_complete {
            prop_assert_eq!(&split, &whole);
            prop_assert_eq!(split_headers, whole_headers);
        }
    }
}

/// A valid request: method, origin target, fields, and a body framed by
/// Content-Length or chunked (with trailers).
fn valid_message() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let token = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}";
    let value = "[ -~]{0,40}".prop_map(|v: String| v.trim_matches(' ').to_string());
    (
        prop_oneof![Just("GET"), Just("POST"), Just("PATCH")],
        "/[a-z0-9/._~%-]{0,30}",
        proptest::collection::vec((token, value), 0..10),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..40), 0..5),
        any::<bool>(),
    )
        .prop_map(|(method, target, fields, chunks, chunked)| {
            let fields: Vec<_> = fields
                .into_iter()
                .filter(|(n, _)| {
                    !n.eq_ignore_ascii_case("content-length")
                        && !n.eq_ignore_ascii_case("transfer-encoding")
                })
                .collect();
            let body: Vec<u8> = chunks.concat();
            let mut buf = vec![0u8; 4096];
            let mut w = HeadWriter::new(&mut buf);
            w.request_line(method, &target, Version::Http11).unwrap();
            for (n, v) in &fields {
                w.header(n, v).unwrap();
            }
            if chunked {
                w.header("Transfer-Encoding", "chunked").unwrap();
            } else {
                w.header("Content-Length", body.len().to_string()).unwrap();
            }
            let n = w.finish().unwrap();
            let mut msg = buf[..n].to_vec();
            if chunked {
                for c in &chunks {
                    let mut out = vec![0u8; wirestate_http1::chunk_len(c.len())];
                    let k = wirestate_http1::write_chunk(c, &mut out).unwrap();
                    msg.extend_from_slice(&out[..k]);
                }
                let mut out = vec![0u8; 64];
                let k = wirestate_http1::write_last_chunk(
                    &[Header { name: b"T", value: b"v" }],
                    &mut out,
                )
                .unwrap();
                msg.extend_from_slice(&out[..k]);
            } else {
                msg.extend_from_slice(&body);
            }
            (msg, body)
        })
}

proptest! {
    #[test]
    fn valid_messages_read_back_and_any_split_agrees(
        (msg, body) in valid_message(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let cfg = ParserConfig::default();
        let whole = Message::parse_request(&msg, &cfg).unwrap();
        prop_assert_eq!(&whole.body, &body);
        prop_assert_eq!(whole.len, msg.len());
        // The head, fed in pieces.
        let mut ends: Vec<usize> = cuts.iter().map(|c| c.index(msg.len() + 1)).collect();
        ends.sort_unstable();
        ends.push(msg.len());
        let mut parser = Parser::new(cfg);
        let mut head = None;
        for &end in &ends {
            let mut h = [EMPTY_HEADER; 16];
            let mut req = Request::new(&mut h);
            if let Status::Complete(n) = parser.parse_request(&mut req, &msg[..end]).unwrap() {
                prop_assert_eq!(req.headers.to_vec(), whole.headers.clone());
                head = Some(n);
                break;
            }
        }
        let head = head.unwrap();
        prop_assert_eq!(head, whole.head_len);
        // The body, fed in the same pieces (a chunked decoder keeps unconsumed bytes).
        if whole.kind == wirestate_http1::BodyKind::Chunked {
            let mut dec = ChunkedDecoder::new(&cfg);
            let (mut at, mut got) = (head, Vec::new());
            for &end in ends.iter().filter(|&&e| e > head) {
                while !dec.is_done() {
                    let (n, chunk) = dec.decode(&msg[at..end]).unwrap();
                    at += n;
                    match chunk {
                        Chunk::Data(d) => got.extend_from_slice(d),
                        Chunk::Partial => break,
                        Chunk::End { trailers } => { prop_assert_eq!(trailers, &b"T: v\r\n\r\n"[..]); break; }
                    }
                }
            }
            prop_assert!(dec.is_done());
            prop_assert_eq!(got, body);
            prop_assert_eq!(at, msg.len());
        }
    }

    #[test]
    fn written_responses_parse_back(code in 100u16..600, reason in "[ -~]{0,20}", fields in proptest::collection::vec(("[A-Za-z-]{1,10}", "[!-~]{0,20}"), 0..8)) {
        let mut buf = vec![0u8; 2048];
        let mut w = HeadWriter::new(&mut buf);
        w.status_line(Version::Http10, code, &reason).unwrap();
        for (n, v) in &fields {
            w.header(n, v).unwrap();
        }
        let n = w.finish().unwrap();
        let mut h = [EMPTY_HEADER; 8];
        let mut res = Response::new(&mut h);
        prop_assert_eq!(res.parse(&buf[..n]).unwrap(), Status::Complete(n));
        prop_assert_eq!((res.code, res.version), (code, Version::Http10));
        prop_assert_eq!(res.reason, reason.as_bytes());
        let got: Vec<(Vec<u8>, Vec<u8>)> = res.headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect();
        let want: Vec<(Vec<u8>, Vec<u8>)> = fields.iter().map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec())).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn dates_round_trip(secs in 0u64..253_402_300_800) {
        let d = HttpDate::from_unix(secs);
        prop_assert_eq!(d.to_unix(), secs);
        prop_assert_eq!(HttpDate::parse(d.to_string().as_bytes()).unwrap(), d);
    }

    #[test]
    fn chunk_size_lines_round_trip(n in any::<u64>()) {
        let mut line = [0u8; wirestate_http1::MAX_CHUNK_HEADER_LEN];
        let k = wirestate_http1::write_chunk_header(n, &mut line).unwrap();
        let mut dec = ChunkedDecoder::new(&ParserConfig::default());
        let (used, chunk) = dec.decode(&line[..k]).unwrap();
        // The whole line is consumed; then the data (or, after size 0, the trailers)
        // is awaited.
        prop_assert_eq!((used, chunk), (k, Chunk::Partial));
        prop_assert!(!dec.is_done());
    }
}

/// A head in the shape the AVX2 fast path takes (names and values long enough to
/// cross its 32-byte steps, tabs and obs-text in values), then maybe one byte
/// changed and maybe cut short: enough near-misses to reach every place where the
/// fast path gives up.
fn near_heads() -> impl Strategy<Value = Vec<u8>> {
    let name = proptest::collection::vec(
        prop_oneof![Just(b'a'), Just(b'Z'), Just(b'-'), Just(b'_'), Just(b'9'), Just(b'~')],
        1..40,
    );
    let value = proptest::collection::vec(
        prop_oneof![
            4 => Just(b'x'),
            1 => Just(b' '),
            1 => Just(b'\t'),
            1 => Just(0xe9u8),
            1 => Just(b';'),
        ],
        0..100,
    );
    let field = (name, value).prop_map(|(n, v)| [n, b": ".to_vec(), v, b"\r\n".to_vec()].concat());
    let start = prop_oneof![
        Just(b"GET / HTTP/1.1\r\n".to_vec()),
        Just(b"POST /a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p?q=r&s=t HTTP/1.0\r\n".to_vec()),
        Just(b"HTTP/1.1 200 OK\r\n".to_vec()),
        Just(b"HTTP/1.0 404 Not Found, not here at all\r\n".to_vec()),
    ];
    (start, proptest::collection::vec(field, 0..12), any::<(usize, u8, bool, usize, bool)>())
        .prop_map(|(start, fields, (at, byte, change, cut, shorten))| {
            let mut head = [start, fields.concat(), b"\r\nbody".to_vec()].concat();
            if change {
                let at = at % head.len();
                head[at] = byte;
            }
            if shorten {
                head.truncate(cut % (head.len() + 1));
            }
            head
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// The fast path, where it answers, answers as the scalar parser does.
    #[test]
    fn fast_path_agrees_with_the_scalar_parser(
        head in prop_oneof![3 => near_heads(), 1 => http_ish()],
        cfg in prop_oneof![Just(ParserConfig::default()), configs()],
    ) {
        prop_assert!(wirestate_http1::simd::paths_agree(&head, &cfg));
    }
}
