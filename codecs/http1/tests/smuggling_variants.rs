//! Transfer-Encoding and Content-Length smuggling variants, generated: every
//! mutation of the framing fields' names, separators and values, alone, with the
//! other framing field, and duplicated, under the strict, server, client and
//! all-lenient configurations. Each is either refused with an error that cites an
//! RFC rule (or an `Unsupported` with its status), or read with the one framing
//! RFC 9112 §6.3 gives it, as computed here independently of the crate.
//!
//! Run with `--nocapture` for the counts.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use wirestate_http1::{
    suggested_status, BodyKind, Error, Header, ParserConfig, Request, Response, Status, Version,
    EMPTY_HEADER,
};
use wirestate_testkit::smuggling::variants;

/// What a variant did.
#[derive(Default, Debug)]
struct Counts {
    total: usize,
    refused_malformed: usize,
    refused_unsupported: usize,
    chunked: usize,
    length: usize,
    none: usize,
    until_close: usize,
    /// Refused by the framing code where RFC 9112 §6.3 gives a framing (an unknown
    /// coding in a response: read until close by the RFC, refused here).
    refused_though_framable: usize,
}

/// The framing RFC 9112 §6.3 gives `headers` (as the crate split them), computed
/// without the crate's framing code; `None` where the RFC says to refuse.
fn expected(headers: &[Header<'_>], version: Version, request: bool) -> Option<BodyKind> {
    let te: Vec<Vec<u8>> = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(b"transfer-encoding"))
        .map(|h| {
            let mut buf = vec![0; h.value.len()];
            h.unfold_into(&mut buf).unwrap().to_vec()
        })
        .collect();
    let cl: Vec<Vec<u8>> = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(b"content-length"))
        .map(|h| {
            let mut buf = vec![0; h.value.len()];
            h.unfold_into(&mut buf).unwrap().to_vec()
        })
        .collect();
    if !te.is_empty() {
        // Rule 3: TE with CL "ought to be handled as an error"; §6.1: not in HTTP/1.0.
        if !cl.is_empty() || version == Version::Http10 {
            return None;
        }
        let codings: Vec<Vec<u8>> = te
            .iter()
            .flat_map(|v| v.split(|&b| b == b',').map(|c| c.trim_ascii().to_vec()))
            .filter(|c| !c.is_empty())
            .collect();
        let chunked_at: Vec<usize> = codings
            .iter()
            .enumerate()
            .filter(|(_, c)| c.eq_ignore_ascii_case(b"chunked"))
            .map(|(i, _)| i)
            .collect();
        return match chunked_at.as_slice() {
            [i] if *i + 1 == codings.len() => Some(BodyKind::Chunked),
            // Chunked twice, or not last.
            [_, ..] => None,
            // Rule 4: in a request, the final coding must be chunked.
            [] if request => None,
            [] => Some(BodyKind::UntilClose),
        };
    }
    let mut length = None;
    for v in &cl {
        for member in v.split(|&b| b == b',').map(<[u8]>::trim_ascii).filter(|m| !m.is_empty()) {
            if !member.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n: u64 = std::str::from_utf8(member).ok()?.parse().ok()?;
            if length.is_some_and(|l| l != n) {
                return None;
            }
            length = Some(n);
        }
        length?;
    }
    Some(match (length, request) {
        (Some(n), _) => BodyKind::Length(n),
        (None, true) => BodyKind::None,
        (None, false) => BodyKind::UntilClose,
    })
}

/// A head line that a lax reader could take for Transfer-Encoding: the name after
/// stripping whitespace and control bytes around it, compared without case.
fn te_ish(head: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(|line| {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        let name: Vec<u8> =
            name.iter().copied().filter(|b| !b.is_ascii_whitespace() && *b > 0x0c).collect();
        name.eq_ignore_ascii_case(b"transfer-encoding")
    })
}

fn check_error(e: &Error, msg: &[u8], counts: &mut Counts) {
    match e {
        Error::Malformed { rule, .. } => {
            assert!(
                rule.contains("RFC "),
                "rule without an RFC for {:?}: {e}",
                String::from_utf8_lossy(msg)
            );
            counts.refused_malformed += 1;
        }
        Error::Unsupported { field, .. } => {
            assert!(
                matches!(suggested_status(e), 501 | 505 | 431 | 414),
                "{field}: {e} for {:?}",
                String::from_utf8_lossy(msg)
            );
            counts.refused_unsupported += 1;
        }
        _ => panic!("{e} for {:?}", String::from_utf8_lossy(msg)),
    }
}

fn count_kind(kind: BodyKind, counts: &mut Counts) {
    match kind {
        BodyKind::Chunked => counts.chunked += 1,
        BodyKind::Length(_) => counts.length += 1,
        BodyKind::None => counts.none += 1,
        BodyKind::UntilClose => counts.until_close += 1,
        BodyKind::Tunnel => panic!("no CONNECT here"),
    }
}

fn check_request(fields: &[u8], cfg: &ParserConfig, strictish: bool, counts: &mut Counts) {
    let msg =
        [&b"POST / HTTP/1.1\r\nHost: a\r\n"[..], fields, b"\r\n0\r\n\r\nGPOST / HTTP/1.1\r\n\r\n"]
            .concat();
    counts.total += 1;
    let mut h = [EMPTY_HEADER; 8];
    let mut req = Request::new(&mut h);
    let head_len = match req.parse_with(cfg, &msg) {
        Ok(Status::Complete(n)) => n,
        Ok(Status::Partial) => panic!("partial: {:?}", String::from_utf8_lossy(&msg)),
        Err(e) => return check_error(&e, &msg, counts),
    };
    let want = expected(req.headers, req.version, true);
    match BodyKind::of_request(&req, &msg) {
        Err(e) => {
            // Refusing is always safe; count where the RFC would have framed it.
            counts.refused_though_framable += usize::from(want.is_some());
            check_error(&e, &msg, counts);
        }
        Ok(kind) => {
            assert_eq!(Some(kind), want, "{:?}", String::from_utf8_lossy(&msg));
            let head = &msg[..head_len];
            if strictish && te_ish(head) {
                assert_eq!(
                    kind,
                    BodyKind::Chunked,
                    "TE-like line ignored: {:?}",
                    String::from_utf8_lossy(head)
                );
            }
            count_kind(kind, counts);
        }
    }
}

fn check_response(fields: &[u8], cfg: &ParserConfig, counts: &mut Counts) {
    let msg = [&b"HTTP/1.1 200 OK\r\n"[..], fields, b"\r\n0\r\n\r\n"].concat();
    counts.total += 1;
    let mut h = [EMPTY_HEADER; 8];
    let mut res = Response::new(&mut h);
    match res.parse_with(cfg, &msg) {
        Ok(Status::Complete(_)) => {}
        Ok(Status::Partial) => panic!("partial: {:?}", String::from_utf8_lossy(&msg)),
        Err(e) => return check_error(&e, &msg, counts),
    }
    let want = expected(res.headers, res.version, false);
    match BodyKind::of_response(&res, "GET", &msg) {
        Err(e) => {
            // Refusing is always safe; count where the RFC would have framed it.
            counts.refused_though_framable += usize::from(want.is_some());
            check_error(&e, &msg, counts);
        }
        Ok(kind) => {
            assert_eq!(Some(kind), want, "{:?}", String::from_utf8_lossy(&msg));
            count_kind(kind, counts);
        }
    }
}

#[test]
fn every_framing_variant_is_refused_or_framed_as_rfc9112_6_3_says() {
    let lenient = {
        let mut c = ParserConfig::default();
        for name in ParserConfig::LENIENCY_NAMES {
            assert!(c.enable(name));
        }
        c
    };
    let variants = variants();
    let configs = [
        ("strict", ParserConfig::STRICT, true),
        ("server", ParserConfig::SERVER, true),
        ("user agent", ParserConfig::USER_AGENT, true),
        ("all leniencies", lenient, false),
    ];
    for (label, cfg, strictish) in configs {
        let (mut req, mut res) = (Counts::default(), Counts::default());
        for fields in &variants {
            check_request(fields, &cfg, strictish, &mut req);
            check_response(fields, &cfg, &mut res);
        }
        eprintln!("{label}: requests {req:?}");
        eprintln!("{label}: responses {res:?}");
        assert_eq!(req.total, variants.len());
    }
}
