#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Request smuggling through the server role: the codec's classic cases and the
//! Transfer-Encoding / Content-Length variants the codec's test uses too
//! (`wirestate_testkit::smuggling`), each sent as
//! `head + body + "GET /smuggled ..."`. The server either refuses the message (an
//! `Error`, an automatic 4xx/5xx with `Connection: close`, never a request read
//! after it) or frames it exactly as an independent reading of RFC 9112 §6.3 does,
//! so that `/smuggled` is read as the next request only when that reading says the
//! body ended right before it. No request is ever read out of a body, and no
//! connection persists after an error.

mod common;

use common::*;
use wirestate_http1_conn::*;
use wirestate_testkit::smuggling::variants;

const PREFIX: &[u8] = b"POST / HTTP/1.1\r\nHost: a\r\n";
const SMUGGLED: &[u8] = b"GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

/// Bodies that several framings read differently: as chunked, as 5 octets, as
/// nothing. Each is valid chunked; what is left under the other framings is never
/// a valid request.
const BODIES: [&[u8]; 2] = [b"0\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n"];

/// What chunked decoding of each body gives: its data and its length.
fn chunked_reading(body: &[u8]) -> (&'static [u8], usize) {
    match body {
        b"0\r\n\r\n" => (b"", 5),
        b"5\r\nhello\r\n0\r\n\r\n" => (b"hello", 15),
        _ => unreachable!(),
    }
}

fn ows(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !matches!(b, b' ' | b'\t')).map_or(start, |e| e + 1);
    &v[start..end.max(start)]
}

/// RFC 9112 §6.3 for a request with these fields (names and unfolded values as
/// the server reported them), computed without the codec; `None` where the RFC
/// says the request is an error (rules 3, 4, 5 and §6.1).
fn expected(headers: &Fields) -> Option<BodyKind> {
    let values = |name: &[u8]| -> Vec<&[u8]> {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .collect()
    };
    let (te, cl) = (values(b"transfer-encoding"), values(b"content-length"));
    if !te.is_empty() {
        if !cl.is_empty() {
            return None; // Rule 3.
        }
        let codings: Vec<&[u8]> = te
            .iter()
            .flat_map(|v| v.split(|&b| b == b','))
            .map(ows)
            .filter(|c| !c.is_empty())
            .collect();
        let chunked: Vec<usize> =
            (0..codings.len()).filter(|&i| codings[i].eq_ignore_ascii_case(b"chunked")).collect();
        // Rule 4: chunked once and last, else 400 (a request).
        return (chunked == [codings.len() - 1]).then_some(BodyKind::Chunked);
    }
    let mut length = None;
    for v in cl {
        let mut members = 0;
        for m in v.split(|&b| b == b',').map(ows).filter(|m| !m.is_empty()) {
            members += 1;
            if !m.iter().all(u8::is_ascii_digit) {
                return None; // Rule 5.
            }
            let n: u64 = std::str::from_utf8(m)
                .ok()?
                .trim_start_matches('0')
                .parse()
                .or_else(|_| if m.iter().all(|&b| b == b'0') { Ok(0) } else { Err(()) })
                .ok()?;
            if length.is_some_and(|l| l != n) {
                return None; // Rule 5: differing values.
            }
            length = Some(n);
        }
        if members == 0 {
            return None;
        }
    }
    // Rule 6, else rule 7.
    Some(length.map_or(BodyKind::None, BodyKind::Length))
}

/// A head line a lax reader could take for Transfer-Encoding.
fn te_ish(head: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(|line| {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        let name: Vec<u8> =
            name.iter().copied().filter(|b| !b.is_ascii_whitespace() && *b > 0x0c).collect();
        name.eq_ignore_ascii_case(b"transfer-encoding")
    })
}

/// A request's fields as reported: names, and values with any fold unfolded.
type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// Every event after feeding `msg` whole (or one octet at a time), with the
/// reported fields of each request (values unfolded).
fn run(cfg: Config, msg: &[u8], bytewise: bool) -> (Connection, Vec<Ev>, Vec<Fields>) {
    let mut s = Connection::new(cfg);
    let mut evs = Vec::new();
    let mut heads = Vec::new();
    let parts: Vec<&[u8]> = if bytewise { msg.chunks(1).collect() } else { vec![msg] };
    for p in parts {
        assert_eq!(s.handle_input(t(0), p), Ok(p.len()));
        while let Some(e) = s.poll_event() {
            if let Event::Request(r) = &e {
                let fields = r.headers.iter().map(|h| {
                    let mut buf = vec![0; h.value.len()];
                    (h.name.to_vec(), h.unfold_into(&mut buf).unwrap().to_vec())
                });
                heads.push(fields.collect());
            }
            evs.push(common::own(e));
        }
    }
    (s, merge_data(evs), heads)
}

#[derive(Default, Debug)]
struct Counts {
    refused: usize,
    refused_in_body: usize,
    chunked: usize,
    length: usize,
    none: usize,
    smuggled_read: usize,
}

/// Checks one message through the server (see the module's doc).
fn check(cfg: Config, strictish: bool, fields: &[u8], body: &[u8], counts: &mut Counts) {
    let head = [PREFIX, fields, b"\r\n"].concat();
    let msg = [head.as_slice(), body, SMUGGLED].concat();
    let ctx = || show(&msg);
    let (mut s, evs, heads) = run(cfg, &msg, false);
    let Some(Ev::Request { target, body: kind, .. }) = evs.first() else {
        // Refused at the head: an error, the automatic status, the end.
        assert!(
            matches!(
                evs[..],
                [Ev::Error(_), Ev::Closed(Closed { reason: CloseReason::Error, .. })]
            ),
            "{}: {evs:?}",
            ctx()
        );
        refused_output(&mut s, &ctx());
        counts.refused += 1;
        return;
    };
    assert_eq!(target, "/", "{}", ctx());
    // Read: exactly as RFC 9112 §6.3 frames it.
    let want = expected(&heads[0]);
    assert_eq!(Some(*kind), want, "{}: {:?}", ctx(), heads[0]);
    if strictish && te_ish(&head) {
        assert_eq!(*kind, BodyKind::Chunked, "TE-like line ignored: {}", ctx());
    }
    let rest = &msg[head.len()..];
    let (data, used): (&[u8], usize) = match *kind {
        BodyKind::Chunked => {
            counts.chunked += 1;
            chunked_reading(body)
        }
        BodyKind::Length(n) => {
            counts.length += 1;
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > rest.len() {
                // The body goes on past what was sent: all of it is body.
                assert_eq!(evs[1..], [Ev::Data(rest.to_vec())], "{}", ctx());
                return;
            }
            (&rest[..n], n)
        }
        BodyKind::None => {
            counts.none += 1;
            (b"", 0)
        }
        other => panic!("{other:?} for a request: {}", ctx()),
    };
    let mut want_evs = Vec::new();
    if !data.is_empty() {
        want_evs.push(Ev::Data(data.to_vec()));
    }
    want_evs.push(Ev::End);
    assert_eq!(evs[1..=want_evs.len()], want_evs, "{}", ctx());
    let after = &evs[1 + want_evs.len()..];
    let mut next = &rest[used..];
    while let Some(r) = next.strip_prefix(b"\r\n") {
        next = r;
    }
    if next == SMUGGLED {
        // The RFC's reading ends the body right before it: it is the next request.
        assert!(
            matches!(after, [Ev::Request { target, .. }, Ev::End] if target == "/smuggled"),
            "{}: {after:?}",
            ctx()
        );
        assert!(!s.is_closing());
        counts.smuggled_read += 1;
    } else {
        // What follows the body is no request: an error, and nothing read.
        assert!(matches!(after, [Ev::Error(_)]), "{}: {after:?}", ctx());
        // The POST is answered; then the automatic status closes the connection.
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "0")])).unwrap();
        s.send_end(t(0), &[]).unwrap();
        let ended = events(&mut s);
        assert!(
            matches!(ended[..], [Ev::Closed(Closed { reason: CloseReason::Error, .. })]),
            "{}",
            ctx()
        );
        let out = s.take_transmit();
        let first = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert!(out.starts_with(first), "{}", show(&out));
        assert_status_close(&out[first.len()..], &ctx());
        assert!(feed(&mut s, t(0), SMUGGLED).is_empty(), "{}", ctx());
        counts.refused_in_body += 1;
    }
}

/// The output of a refused message: one 4xx/5xx with `Connection: close`.
fn refused_output(s: &mut Connection, ctx: &str) {
    let out = s.take_transmit();
    assert_status_close(&out, ctx);
    assert!(s.is_closed(), "{ctx}");
    assert!(feed(s, t(0), SMUGGLED).is_empty(), "nothing after an error: {ctx}");
}

fn assert_status_close(out: &[u8], ctx: &str) {
    let text = show(out);
    let status: u16 = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(text.starts_with("HTTP/1.1 ") && (400..600).contains(&status), "{ctx}: {text}");
    assert!(text.ends_with("Content-Length: 0\r\nConnection: close\r\n\r\n"), "{ctx}: {text}");
    assert_eq!(count(out, b"HTTP/1.1 "), 1, "{ctx}: {text}");
}

fn lenient() -> Config {
    let mut parser = ParserConfig::SERVER;
    for name in ParserConfig::LENIENCY_NAMES {
        assert!(parser.enable(name));
    }
    Config { parser, ..Config::server() }
}

#[test]
fn rfc9112_6_3_every_te_cl_variant_is_refused_or_framed_as_the_rfc_reads_it() {
    let variants = variants();
    for (label, cfg, strictish) in
        [("server", Config::server(), true), ("all leniencies", lenient(), false)]
    {
        let mut counts = Counts::default();
        for fields in &variants {
            for body in BODIES {
                check(cfg, strictish, fields, body, &mut counts);
            }
        }
        eprintln!("{label}: {counts:?}");
        // Not everything is refused: the plain framings are read.
        assert!(
            counts.chunked > 0 && counts.length > 0 && counts.none > 0 && counts.smuggled_read > 0,
            "{counts:?}"
        );
        assert!(counts.refused > counts.chunked, "{counts:?}");
    }
}

#[test]
fn rfc9112_6_3_variants_read_one_octet_at_a_time_give_the_same_events() {
    for cfg in [Config::server(), lenient()] {
        for fields in variants().iter().step_by(37) {
            for body in BODIES {
                let msg = [PREFIX, fields, b"\r\n", body, SMUGGLED].concat();
                let (_, whole, _) = run(cfg, &msg, false);
                let (_, split, _) = run(cfg, &msg, true);
                assert_eq!(whole, split, "{}", show(&msg));
            }
        }
    }
}

#[test]
fn rfc9112_6_3_plain_framings_are_read_and_the_next_request_follows() {
    // (fields, body, whether /smuggled is the next request)
    let cases: [(&[u8], &[u8], bool); 8] = [
        (b"Transfer-Encoding: chunked\r\n", BODIES[0], true),
        (b"Transfer-Encoding: chunked\r\n", BODIES[1], true),
        (b"Content-Length: 5\r\n", BODIES[0], true),
        (b"Content-Length: 5\r\n", BODIES[1], false),
        (b"content-length: 015\r\n", BODIES[0], false),
        (b"Content-Length: 15\r\n", BODIES[1], true),
        (b"", BODIES[0], false),
        (b"X-Transfer-Encoding: chunked\r\n", BODIES[1], false),
    ];
    for (fields, body, smuggled) in cases {
        let mut counts = Counts::default();
        check(Config::server(), true, fields, body, &mut counts);
        assert_eq!(counts.refused, 0, "{}", show(fields));
        assert_eq!(counts.smuggled_read == 1, smuggled, "{} {}", show(fields), show(body));
    }
}

/// The classics of `codecs/http1/tests/smuggling.rs`, through the server, with
/// a request after them.
const CLASSICS: &[&[u8]] = &[
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nG",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\n\r\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked; a=b\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 018446744073709551616\r\n\r\n",
    b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
];

/// Chunked bodies the codec refuses: the head is read, the body is not.
const BAD_CHUNKS: &[&[u8]] = &[
    b"+5\r\nhello\r\n0\r\n\r\n",
    b"-0\r\n\r\n",
    b" 5\r\nhello\r\n0\r\n\r\n",
    b"5 \r\nhello\r\n0\r\n\r\n",
    b"1 0\r\nhello\r\n0\r\n\r\n",
    b"10000000000000001\r\nA\r\n0\r\n\r\n",
    b"00000000000000005\r\nhello\r\n0\r\n\r\n",
    b"5\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\n0\r\n\r\n",
    b"5\r\nhello\r\n0\n\n",
    b"3\r\nhello\r\n0\r\n\r\n",
    b"0x5\r\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\r\n0\r\nT: a\rb\r\n\r\n",
];

#[test]
fn rfc9112_smuggling_classics_are_refused_400_and_nothing_after_is_read() {
    for wire in CLASSICS {
        let msg = [wire, SMUGGLED].concat();
        let (mut s, evs, _) = run(Config::server(), &msg, false);
        assert!(matches!(evs[..], [Ev::Error(_), Ev::Closed(_)]), "{}: {evs:?}", show(wire));
        let out = s.take_transmit();
        assert!(out.starts_with(b"HTTP/1.1 400 Bad Request\r\n"), "{}: {}", show(wire), show(&out));
        assert_status_close(&out, &show(wire));
    }
    let head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    for body in BAD_CHUNKS {
        let msg = [head.as_slice(), body, SMUGGLED].concat();
        let (mut s, evs, _) = run(Config::server(), &msg, false);
        assert!(
            matches!(
                &evs[..],
                [Ev::Request { .. }, .., Ev::Error(ConnectionError::Malformed(_)), Ev::Closed(_)]
            ),
            "{}: {evs:?}",
            show(body)
        );
        assert_eq!(targets(&evs), ["/"], "{}", show(body));
        assert!(!evs.contains(&Ev::End), "{}", show(body));
        let out = s.take_transmit();
        assert!(out.starts_with(b"HTTP/1.1 400 Bad Request\r\n"), "{}: {}", show(body), show(&out));
        assert_status_close(&out, &show(body));
    }
}

#[test]
fn rfc9112_smuggling_after_a_good_request_answers_it_then_400_and_closes() {
    let good = b"POST /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi";
    for wire in CLASSICS {
        let msg = [good.as_slice(), wire, SMUGGLED].concat();
        let (mut s, evs, _) = run(Config::server(), &msg, false);
        assert_eq!(targets(&evs), ["/ok"], "{}", show(wire));
        assert!(matches!(evs.last(), Some(Ev::Error(_))), "{}: {evs:?}", show(wire));
        assert_eq!(s.take_transmit(), b"", "the status waits its turn");
        s.send_response(t(0), &ResponseHead::new(200, "OK", &[("Content-Length", "0")])).unwrap();
        s.send_end(t(0), &[]).unwrap();
        assert!(matches!(
            events(&mut s)[..],
            [Ev::Closed(Closed { reason: CloseReason::Error, .. })]
        ));
        let out = s.take_transmit();
        let first = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert!(out.starts_with(first), "{}", show(&out));
        assert_status_close(&out[first.len()..], &show(wire));
    }
}

#[test]
fn rfc9112_6_3_cl_te_and_te_cl_desync_payloads_smuggle_nothing() {
    // What a front end reading the other framing would forward as one request.
    let cl_te = [
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 49\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".as_slice(),
        SMUGGLED,
        b"GET /x".as_slice(),
    ]
    .concat();
    let te_cl = [
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n24\r\n".as_slice(),
        SMUGGLED,
        b"\r\n0\r\n\r\n".as_slice(),
    ]
    .concat();
    let te_te = [
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-encoding: cow\r\n\r\n0\r\n\r\n".as_slice(),
        SMUGGLED,
    ]
    .concat();
    for msg in [cl_te, te_cl, te_te] {
        for bytewise in [false, true] {
            let (mut s, evs, _) = run(Config::server(), &msg, bytewise);
            assert!(targets(&evs).is_empty(), "{}: {evs:?}", show(&msg));
            assert!(matches!(evs[..], [Ev::Error(_), Ev::Closed(_)]), "{evs:?}");
            assert_status_close(&s.take_transmit(), &show(&msg));
        }
    }
}
