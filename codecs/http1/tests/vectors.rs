//! The spec vectors parse as their names say: `invalid-*`, `url-invalid-*` and
//! `lenient-*` (valid only with a named leniency) are refused in strict mode,
//! everything else is read whole.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

mod common;

use wirestate_http1::message::Message;
use wirestate_http1::{ParserConfig, Url};

#[test]
fn vectors_parse_as_named() {
    let vectors = common::vectors();
    assert!(vectors.len() >= 40, "{} vectors", vectors.len());
    let cfg = ParserConfig::default();
    for v in &vectors {
        let result = match v.format.as_str() {
            "http1-request" => Message::parse_request(&v.bytes, &cfg).map(|m| m.len),
            "http1-response" => {
                Message::parse_response(&v.bytes, common::method_for(&v.name), &cfg).map(|m| m.len)
            }
            "url" => Url::parse(std::str::from_utf8(&v.bytes).unwrap()).map(|u| u.path.len()),
            other => panic!("{}: format {other}", v.name),
        };
        let invalid = v.name.starts_with("invalid-")
            || v.name.starts_with("url-invalid-")
            || v.name.starts_with("lenient-");
        match (invalid, result) {
            (true, Err(_)) => {}
            (false, Ok(len)) if v.format == "url" || len == v.bytes.len() => {}
            (_, r) => panic!("{}: {r:?}", v.name),
        }
    }
}

#[test]
fn captured_chunked_gzip_response_decodes() {
    let v = common::vectors()
        .into_iter()
        .find(|v| v.name == "capture-06-response-http-1-1-200-ok")
        .unwrap();
    let m = Message::parse_response(&v.bytes, "GET", &ParserConfig::default()).unwrap();
    assert_eq!(m.kind, wirestate_http1::BodyKind::Chunked);
    assert_eq!(&m.body[..2], b"\x1f\x8b", "a gzip stream");
    assert!(m.trailers.is_empty());
}

#[test]
fn bare_lf_vectors_pass_with_the_leniency() {
    let mut cfg = ParserConfig::default();
    cfg.enable("bare_lf");
    for name in ["invalid-bare-lf-head", "invalid-chunk-lf-only"] {
        let v = common::vectors().into_iter().find(|v| v.name == name).unwrap();
        let m = Message::parse_request(&v.bytes, &cfg).unwrap();
        assert_eq!(m.len, v.bytes.len(), "{name}");
    }
}
