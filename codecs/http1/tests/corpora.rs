//! The public corpora of other HTTP/1.1 parsers, run through this codec as a new
//! user would: the llhttp and http-parser test messages, h11's reader tests and the
//! defparam/smuggler Transfer-Encoding variants, vendored in
//! spec-vectors/http1/corpora/ (see its README for where each came from).
//!
//! Requests are read with `ParserConfig::SERVER` and `STRICT`, responses with
//! `USER_AGENT` and `STRICT`, whole messages through `message::Message`. Each case
//! ends in one row of the results table:
//! - agree: both accept with the same method, target, version, status, header
//!   fields and body, or both refuse;
//! - stricter: the corpus accepts, this codec refuses with a `Malformed` whose rule
//!   cites the RFC (counted by rule);
//! - limit: the corpus accepts, this codec stops with `Unsupported` (a version or
//!   coding it does not implement) or `Truncated` (the input ends inside a message);
//! - accepted where they refuse, and mismatches (both accept, different fields):
//!   each listed with a reason in `KNOWN_*` below, and the test fails on any other;
//! - lenient mode: the corpus expects success only with one of its leniencies on;
//! - connection level: llhttp refuses data after `Connection: close`, a rule of
//!   the connection (machines/http1-conn), not of one message.
//!
//! Every `Malformed` refusal must cite "RFC ". Run with `--nocapture` for the tables.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

#[path = "corpora/te_variants.rs"]
mod te_variants;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use wirestate_http1::message::{decode_chunked, Message};
use wirestate_http1::{
    leading_empty_lines, parse_headers, Error, Header, ParserConfig, Request, Response, Status,
    EMPTY_HEADER,
};

/// Cases where the corpus refuses and this codec accepts, each with why.
const KNOWN_ACCEPTED: &[(&str, &str)] = &[
    // RFC 9110 §9.1: "method = token"; a parser serves unknown methods with 501 (§9.1:
    // "An origin server that receives a request method that is unrecognized or not
    // implemented SHOULD respond with the 501"), which is the application's call.
    // http-parser and llhttp know a fixed list.
    ("test.c bad_methods ASDF", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods C******", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods COLA", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods GEM", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods GETA", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods M****", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods MKCOLA", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods PROPPATCHA", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods PUN", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods PX", "method is any token (RFC 9110 §9.1)"),
    ("test.c bad_methods SA", "method is any token (RFC 9110 §9.1)"),
    (
        "test/request/invalid.md:68 HTTP protocol and ANNOUNCE method",
        "ANNOUNCE is a token (RFC 9110 §9.1); llhttp keeps it for RTSP",
    ),
    ("test/request/invalid.md:358 Invalid method", "the method is a token (RFC 9110 §9.1)"),
    // RFC 9110 §8.6 / RFC 9112 §7.1 set no upper bound: 2^64-1 is a length here;
    // http-parser keeps that value as its "no length" sentinel.
    ("test.c content_length_overflow 18446744073709551615", "u64::MAX is a length"),
    ("test.c chunk_content_length_overflow FFFFFFFFFFFFFFFF", "u64::MAX is a chunk size"),
];

/// Cases both accept with different fields, each with why.
const KNOWN_MISMATCH: &[(&str, &str)] = &[
    // RFC 9112 §6.3 rule 1: a 1xx response ends at its empty line, whatever its
    // framing fields say; http-parser reads a body before switching protocols.
    (
        "test.c responses[] \"HTTP 101 response with Upgrade and Content-Length header\"",
        "1xx has no content (RFC 9112 §6.3 rule 1)",
    ),
    (
        "test.c responses[] \"HTTP 101 response with Upgrade and Transfer-Encoding header\"",
        "1xx has no content (RFC 9112 §6.3 rule 1)",
    ),
    // RFC 9112 §6.3 rule 6 frames a request by its Content-Length whatever the
    // method; llhttp hands the bytes after a CONNECT head to the tunnel (RFC 9110
    // §9.3.6: "A CONNECT request message does not have content").
    ("test/request/method.md:98 CONNECT with body", "CONNECT with Content-Length read as content"),
    (
        "test.c requests[] \"connect with body request\"",
        "CONNECT with Content-Length read as content",
    ),
];

/// The vendored cases of one source.
pub fn corpus(source: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec-vectors/http1/corpora")
        .join(source)
        .join("cases.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A JSON string of the corpus files: one character a byte.
pub fn bytes(v: &Value) -> Vec<u8> {
    v.as_str().unwrap().chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()
}

/// One message as this codec read it.
#[derive(Debug, Default)]
struct Got {
    method: Option<String>,
    target: Option<String>,
    minor: u8,
    code: Option<u16>,
    reason: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Option<Vec<u8>>,
    trailers: Vec<(Vec<u8>, Vec<u8>)>,
}

fn pairs(headers: &[Header<'_>]) -> Vec<(Vec<u8>, Vec<u8>)> {
    headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect()
}

fn from_message(m: &Message<'_>) -> Got {
    use wirestate_http1::message::StartLine;
    let mut got = Got {
        minor: m.version.minor(),
        headers: pairs(&m.headers),
        body: Some(m.body.clone()),
        trailers: pairs(&m.trailers),
        ..Got::default()
    };
    match m.start {
        StartLine::Request { method, target } => {
            got.method = Some(method.into());
            got.target = Some(target.into());
        }
        StartLine::Response { code, reason } => {
            got.code = Some(code);
            got.reason = reason.to_vec();
        }
    }
    got
}

/// The head alone at the start of `buf`.
fn head(kind: &str, buf: &[u8], cfg: &ParserConfig) -> Result<Got, Error> {
    let mut h = vec![EMPTY_HEADER; 128];
    let incomplete = |buf: &[u8]| Error::Truncated {
        field: "head",
        offset: 0,
        need: buf.len() + 1,
        have: buf.len(),
    };
    if kind == "request" {
        let mut req = Request::new(&mut h);
        match req.parse_with(cfg, buf)? {
            Status::Complete(_) => Ok(Got {
                method: Some(req.method.into()),
                target: Some(req.target.into()),
                minor: req.version.minor(),
                headers: pairs(req.headers),
                ..Got::default()
            }),
            Status::Partial => Err(incomplete(buf)),
        }
    } else {
        let mut res = Response::new(&mut h);
        match res.parse_with(cfg, buf)? {
            Status::Complete(_) => Ok(Got {
                code: Some(res.code),
                reason: res.reason.to_vec(),
                minor: res.version.minor(),
                headers: pairs(res.headers),
                ..Got::default()
            }),
            Status::Partial => Err(incomplete(buf)),
        }
    }
}

/// What the codec made of a whole input: the messages read, then the error that
/// stopped it, if any.
struct Run {
    msgs: Vec<Got>,
    err: Option<Error>,
}

fn run(case: &Value, cfg: &ParserConfig, stop_after: Option<usize>) -> Run {
    let kind = case["kind"].as_str().unwrap();
    let input = bytes(&case["input"]);
    let mut out = Run { msgs: Vec::new(), err: None };
    if kind == "chunked-body" {
        let mut buf = vec![0u8; input.len()];
        match decode_chunked(&input, &mut buf, cfg) {
            Ok((_, len, trailers)) => {
                let mut slots = vec![EMPTY_HEADER; 16];
                let count = match parse_headers(trailers, &mut slots, cfg) {
                    Ok(Status::Complete((_, n))) => n,
                    Ok(Status::Partial) => 0,
                    Err(e) => return Run { msgs: vec![], err: Some(e) },
                };
                out.msgs.push(Got {
                    body: Some(buf[..len].to_vec()),
                    trailers: pairs(&slots[..count]),
                    ..Got::default()
                });
            }
            Err(e) => out.err = Some(e),
        }
        return out;
    }
    if case["head_only"].as_bool() == Some(true) {
        match head(kind, &input, cfg) {
            Ok(g) => out.msgs.push(g),
            Err(e) => out.err = Some(e),
        }
        return out;
    }
    let mut at = 0;
    while at < input.len() && stop_after.is_none_or(|n| out.msgs.len() < n) {
        let rest = &input[at..];
        if kind == "request" && leading_empty_lines(rest, cfg) == rest.len() {
            break; // CRLFs between or after requests, which a server skips
        }
        let parsed = if kind == "request" {
            Message::parse_request(rest, cfg)
        } else {
            Message::parse_response(rest, "GET", cfg)
        };
        match parsed {
            Ok(m) if m.len > 0 => {
                at += m.len;
                out.msgs.push(from_message(&m));
            }
            Ok(_) => break,
            Err(e) => {
                // A message cut short: keep what its head says.
                if let Error::Truncated { .. } = e {
                    if let Ok(mut g) = head(kind, rest, cfg) {
                        g.body = None;
                        out.msgs.push(g);
                    }
                }
                out.err = Some(e.at(at));
                break;
            }
        }
    }
    out
}

/// A value as compared: OWS trimmed; a folded one with each run of whitespace as one SP.
fn norm(v: &[u8]) -> Vec<u8> {
    let v = v.trim_ascii();
    if !v.iter().any(|&b| b == b'\r' || b == b'\n') {
        return v.to_vec();
    }
    let mut out = Vec::new();
    for &b in v {
        let ws = matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        if !(ws && out.last() == Some(&b' ')) {
            out.push(if ws { b' ' } else { b });
        }
    }
    out
}

fn expected_pairs(v: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    v.as_array().unwrap().iter().map(|p| (bytes(&p[0]), norm(&bytes(&p[1])))).collect()
}

fn same_fields(want: &[(Vec<u8>, Vec<u8>)], got: &[(Vec<u8>, Vec<u8>)]) -> bool {
    want.len() == got.len()
        && want.iter().zip(got).all(|(w, g)| w.0.eq_ignore_ascii_case(&g.0) && w.1 == norm(&g.1))
}

/// Where `got` differs from the expected message `want` (fields the corpus gives only).
fn diff(want: &Value, got: &Got, case: &Value) -> Option<String> {
    let s = |k: &str| want.get(k).filter(|v| !v.is_null());
    if let Some(m) = s("method") {
        if got.method.as_deref() != m.as_str() {
            return Some(format!("method {:?}", got.method));
        }
    }
    if let Some(t) = s("target") {
        if got.target.as_deref().map(str::as_bytes) != Some(&bytes(t)[..]) {
            return Some(format!("target {:?}", got.target));
        }
    }
    if let Some(v) = s("version") {
        if v.as_str() != Some(if got.minor == 1 { "1.1" } else { "1.0" }) {
            return Some(format!("version 1.{}", got.minor));
        }
    }
    if let Some(c) = s("code") {
        if got.code.map(u64::from) != c.as_u64() {
            return Some(format!("code {:?}", got.code));
        }
    }
    if let Some(r) = s("reason") {
        if bytes(r) != got.reason {
            return Some(format!("reason {:?}", String::from_utf8_lossy(&got.reason)));
        }
    }
    if let Some(h) = s("headers") {
        let mut ours = got.headers.clone();
        if case["headers_include_trailers"].as_bool() == Some(true) {
            ours.extend(got.trailers.iter().cloned());
        }
        if !same_fields(&expected_pairs(h), &ours) {
            return Some(format!("headers {:?}", lossy(&ours)));
        }
    }
    if let (Some(b), Some(ours)) = (s("body"), &got.body) {
        if &bytes(b) != ours {
            return Some(format!("body {:?}", String::from_utf8_lossy(ours)));
        }
    }
    if let Some(t) = s("trailers") {
        if got.body.is_some() && !same_fields(&expected_pairs(t), &got.trailers) {
            return Some(format!("trailers {:?}", lossy(&got.trailers)));
        }
    }
    None
}

fn lossy(p: &[(Vec<u8>, Vec<u8>)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(n, v)| (String::from_utf8_lossy(n).into(), String::from_utf8_lossy(v).into()))
        .collect()
}

/// The results of one source under one configuration.
#[derive(Default)]
struct Table {
    agree_accept: usize,
    agree_refuse: usize,
    /// The agreeing refusals by error kind (Malformed, Unsupported, Truncated).
    agree_refuse_kinds: BTreeMap<&'static str, usize>,
    known_accepted: usize,
    known_mismatch: usize,
    /// Malformed refusals where the corpus accepts, by rule.
    stricter: BTreeMap<&'static str, usize>,
    /// Unsupported / Truncated where the corpus accepts, by field.
    limit: BTreeMap<String, usize>,
    accepted: Vec<String>,
    mismatch: Vec<String>,
    lenient_refused: usize,
    lenient_accepted: usize,
    connection_level: usize,
    skipped: usize,
    /// Every Malformed rule seen, refusals the corpus shares included.
    rules: BTreeMap<&'static str, usize>,
    /// Cases listed under their row, for the README.
    rows: Vec<(String, String)>,
}

fn classify(case: &Value, cfg: &ParserConfig, t: &mut Table) {
    let id = case["id"].as_str().unwrap().to_owned();
    if case.get("skip").is_some() {
        t.skipped += 1;
        return;
    }
    let error_code = case["error"]["code"].clone();
    // llhttp 22/23: a pause at Upgrade/CONNECT or the HTTP/2 preface, not an error.
    let paused = matches!(error_code.as_u64(), Some(22 | 23));
    let expects_error = !error_code.is_null() && !paused;
    let expected = case["messages"].as_array().cloned().unwrap_or_default();
    // After an upgrade, CONNECT or the HTTP/2 preface the bytes are not HTTP/1.1.
    let stop = (paused || case["upgrade"].as_bool() == Some(true)).then_some(expected.len().max(1));
    let r = run(case, cfg, stop);
    if let Some(Error::Malformed { rule, .. }) = &r.err {
        assert!(rule.starts_with("RFC "), "{id}: rule without an RFC: {rule}");
        *t.rules.entry(rule).or_default() += 1;
    }
    let row = |t: &mut Table, row: &str| t.rows.push((row.to_owned(), id.clone()));
    let mode = case["mode"].as_str().unwrap();
    if mode != "strict" && mode != "finish" {
        if r.err.is_some() {
            t.lenient_refused += 1;
        } else {
            t.lenient_accepted += 1;
            row(t, &format!("lenient mode {mode}: accepted"));
        }
        return;
    }
    if error_code.as_u64() == Some(5) {
        // "Data after `Connection: close`": the messages before it must match.
        t.connection_level += 1;
        return;
    }
    // Compare the messages both read.
    for (i, want) in expected.iter().enumerate() {
        let Some(got) = r.msgs.get(i) else { break };
        if let Some(d) = diff(want, got, case) {
            if KNOWN_MISMATCH.iter().any(|(k, _)| *k == id) {
                t.known_mismatch += 1;
            } else {
                t.mismatch.push(format!("{id}: {d}"));
            }
            row(t, &format!("mismatch: {d}"));
            return;
        }
    }
    if let Some(want) = case.get("partial") {
        if let Some(got) = r.msgs.get(expected.len()) {
            if let Some(d) = diff(want, got, case) {
                t.mismatch.push(format!("{id} (partial message): {d}"));
                return;
            }
        }
    }
    let partial_ok = case["partial_ok"].as_bool() == Some(true) || case.get("partial").is_some();
    match (&r.err, expects_error) {
        (Some(Error::Truncated { field: "head", .. }), true) => {
            // The input stops inside the head, where the corpus parser refused a line
            // on its own: end the head and see.
            let mut ended = case.clone();
            let mut input = bytes(&case["input"]);
            input.extend_from_slice(b"\r\n");
            ended["input"] = Value::String(input.iter().map(|&b| char::from(b)).collect());
            match run(&ended, cfg, stop).err {
                Some(e @ Error::Malformed { .. }) => {
                    t.agree_refuse += 1;
                    *t.agree_refuse_kinds.entry("Malformed once the head ends").or_default() += 1;
                    row(t, &format!("agree (both refuse, once the head ends): {e}"));
                }
                other => {
                    t.accepted.push(format!("{id} (head ended: {other:?})"));
                }
            }
        }
        (Some(e @ Error::Truncated { .. }), true) => {
            // The head was accepted; the input ends in the body.
            if KNOWN_ACCEPTED.iter().any(|(k, _)| *k == id) {
                t.known_accepted += 1;
            } else {
                t.accepted.push(format!("{id}: {e}"));
            }
            row(t, &format!("accepted where they refuse: {e}"));
        }
        (Some(e), true) => {
            t.agree_refuse += 1;
            *t.agree_refuse_kinds.entry(kind_of(e)).or_default() += 1;
            row(t, &format!("agree (both refuse): {e}"));
        }
        (None, true) => {
            if KNOWN_ACCEPTED.iter().any(|(k, _)| *k == id) {
                t.known_accepted += 1;
            } else {
                t.accepted.push(id.clone());
            }
            row(t, "accepted where they refuse");
        }
        (None, false) => {
            if r.msgs.len() >= expected.len() {
                t.agree_accept += 1;
            } else {
                t.mismatch.push(format!(
                    "{id}: {} messages, want {}",
                    r.msgs.len(),
                    expected.len()
                ));
            }
        }
        (Some(Error::Truncated { .. }), false) if partial_ok => t.agree_accept += 1,
        (Some(e @ Error::Malformed { rule, .. }), false) => {
            *t.stricter.entry(rule).or_default() += 1;
            row(t, &format!("stricter: {e}"));
        }
        (Some(e), false) => {
            *t.limit.entry(format!("{} {}", kind_of(e), e.field())).or_default() += 1;
            row(t, &format!("limit: {e}"));
        }
    }
}

fn kind_of(e: &Error) -> &'static str {
    match e {
        Error::Truncated { .. } => "Truncated",
        Error::Unsupported { .. } => "Unsupported",
        Error::Malformed { .. } => "Malformed",
        _ => "other",
    }
}

fn report(source: &str, label: &str, t: &Table) {
    eprintln!("== {source} / {label}");
    eprintln!(
        "agree: {} accept, {} refuse {:?}",
        t.agree_accept, t.agree_refuse, t.agree_refuse_kinds
    );
    eprintln!(
        "known differences (KNOWN_*): {} accepted where they refuse, {} mismatches",
        t.known_accepted, t.known_mismatch
    );
    eprintln!("stricter ({}):", t.stricter.values().sum::<usize>());
    for (rule, n) in &t.stricter {
        eprintln!("  {n:4}  {rule}");
    }
    eprintln!("limit ({}): {:?}", t.limit.values().sum::<usize>(), t.limit);
    eprintln!("accepted where they refuse: {:?}", t.accepted);
    eprintln!("mismatch: {:?}", t.mismatch);
    eprintln!(
        "lenient-mode cases: {} refused, {} accepted; connection level {}; skipped {}",
        t.lenient_refused, t.lenient_accepted, t.connection_level, t.skipped
    );
    if std::env::var_os("CORPORA_ROWS").is_some() {
        for (row, id) in &t.rows {
            eprintln!("  [{row}] {id}");
        }
    }
}

fn check_source(source: &str) {
    let doc = corpus(source);
    let cases = doc["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for (label, req_cfg, res_cfg) in [
        ("SERVER / USER_AGENT", ParserConfig::SERVER, ParserConfig::USER_AGENT),
        ("STRICT", ParserConfig::STRICT, ParserConfig::STRICT),
    ] {
        let mut t = Table::default();
        for case in cases {
            let cfg = if case["kind"] == "response" { &res_cfg } else { &req_cfg };
            classify(case, cfg, &mut t);
        }
        report(source, label, &t);
        assert!(
            t.accepted.is_empty(),
            "{source} {label}: accepted where they refuse: {:#?}",
            t.accepted
        );
        assert!(t.mismatch.is_empty(), "{source} {label}: mismatches: {:#?}", t.mismatch);
    }
}

#[test]
fn llhttp_corpus() {
    check_source("llhttp");
}

#[test]
fn http_parser_corpus() {
    check_source("http-parser");
}

#[test]
fn h11_corpus() {
    check_source("h11");
}
