//! The request-smuggling classics, each refused in strict mode through the one-shot
//! reader (what a front end and a back end would disagree on), with field and offset.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

use wirestate_http1::message::read_request;
use wirestate_http1::{suggested_status, Error, ParserConfig, Request, EMPTY_HEADER};

fn read(msg: &[u8], cfg: &ParserConfig) -> Result<(usize, Vec<u8>), Error> {
    let mut h = [EMPTY_HEADER; 16];
    let mut out = vec![0u8; msg.len()];
    let mut req = Request::new(&mut h);
    let framed = read_request(&mut req, msg, &mut out, cfg)?;
    Ok((framed.len, framed.body.bytes(&out).to_vec()))
}

fn refused(msg: &[u8]) -> (&'static str, usize) {
    let e = read(msg, &ParserConfig::default()).unwrap_err();
    assert_eq!(suggested_status(&e), 400, "{e}");
    (e.field(), e.offset())
}

#[test]
fn content_length_with_transfer_encoding_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG";
    assert_eq!(refused(msg), ("transfer-encoding", 64));
    // Either order.
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nG";
    assert_eq!(refused(msg), ("transfer-encoding", 45));
}

#[test]
fn differing_duplicate_content_lengths_are_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello";
    assert_eq!(refused(msg), ("content-length", 61));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 5\r\n\r\nhello";
    assert_eq!(refused(msg), ("content-length", 45));
    // Equal duplicates are one length (RFC 9110 §8.6).
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
    assert_eq!(read(msg, &ParserConfig::default()).unwrap(), (msg.len(), b"hello".to_vec()));
}

#[test]
fn chunked_not_last_is_refused() {
    let msg =
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n";
    let e = read(msg, &ParserConfig::default()).unwrap_err();
    // "identity" is no transfer coding since RFC 7230; either way the request is refused.
    assert_eq!((e.field(), e.offset()), ("transfer-encoding", 54));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("transfer-encoding", 54));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("transfer-encoding", 54));
}

#[test]
fn whitespace_before_the_colon_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("field-name", 43));
}

#[test]
fn obs_fold_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("obs-fold", 46));
}

#[test]
fn bare_cr_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("line ending", 24));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\n\r\r\n";
    assert_eq!(refused(msg), ("line ending", 26));
}

#[test]
fn nul_in_a_value_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
    assert_eq!(refused(msg), ("field-value", 30));
}

#[test]
fn chunk_size_with_a_sign_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 47));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 47));
}

#[test]
fn chunk_size_with_spaces_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 47));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 48));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 0\r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 48));
}

#[test]
fn chunk_size_with_17_hex_digits_is_refused() {
    // Truncated to 64 bits this would be 1: a parser that wraps reads one byte.
    let msg =
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000001\r\nA\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 47));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000005\r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-size", 47));
}

#[test]
fn lf_only_chunk_lines_are_refused() {
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("line ending", 48));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n";
    assert_eq!(refused(msg), ("line ending", 55));
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\n\n";
    assert_eq!(refused(msg), ("line ending", 58));
    // Accepted only when asked for by name.
    let mut cfg = ParserConfig::default();
    assert!(cfg.enable("bare_lf"));
    assert_eq!(read(msg, &cfg).unwrap(), (msg.len(), b"hello".to_vec()));
}

#[test]
fn chunk_data_longer_than_its_size_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("chunk-data", 53));
}

/// RFC 9112 §6.1: a transfer-coding is `token *( OWS ";" OWS transfer-parameter )`;
/// `chunked;`, `"chunked"` and parameters on chunked (RFC 9112 §7.1 defines none)
/// are refused rather than read as chunked by one recipient and not by another.
#[test]
fn rfc9112_6_1_malformed_or_parameterised_chunked_is_refused() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("transfer-encoding", 52));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("transfer-encoding", 45));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked; a=b\r\n\r\n0\r\n\r\n";
    assert_eq!(refused(msg), ("transfer-encoding", 45));
    // A well-formed parameter on another coding is still the grammar.
    let msg =
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip;a=\"b\", chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(read(msg, &ParserConfig::default()).unwrap().0, msg.len());
}

/// RFC 9110 §8.6: Content-Length is `1*DIGIT`, so leading zeros past 20 digits are
/// still a length.
#[test]
fn rfc9110_8_6_content_length_with_many_leading_zeros_is_a_length() {
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0000000000000000000000002\r\n\r\nhi";
    assert_eq!(read(msg, &ParserConfig::default()).unwrap(), (msg.len(), b"hi".to_vec()));
    let msg = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 018446744073709551616\r\n\r\n";
    assert_eq!(refused(msg).0, "content-length");
}
