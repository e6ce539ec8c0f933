//! Parsing allocates nothing: every vector through the head parser, the framing,
//! the chunked decoder (into a stack buffer), the header semantics and URLs, under a
//! counting global allocator.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test helpers outside #[test] functions")]

mod common;

use wirestate_http1::fields::{cookies, keep_alive, CorsRequest, HttpDate, SetCookie};
use wirestate_http1::message::{read_request, read_response};
use wirestate_http1::{ParserConfig, Request, RequestTarget, Response, Url, EMPTY_HEADER};

#[global_allocator]
static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;

#[test]
fn parsing_the_vectors_allocates_nothing() {
    let vectors = common::vectors();
    let cfg = ParserConfig::default();
    let before = wirestate_testkit::allocations();
    let mut parsed = 0;
    for v in &vectors {
        let mut h = [EMPTY_HEADER; 32];
        let mut out = [0u8; 8192];
        let ok = match v.format.as_str() {
            "http1-request" => {
                let mut req = Request::new(&mut h);
                let r = read_request(&mut req, &v.bytes, &mut out, &cfg);
                let _ = RequestTarget::parse(req.method, req.target);
                let _ =
                    (keep_alive(req.version, req.headers), CorsRequest::from_headers(req.headers));
                for hd in req.headers.iter() {
                    let _ = cookies(hd.value).count();
                }
                r.is_ok()
            }
            "http1-response" => {
                let mut res = Response::new(&mut h);
                let r =
                    read_response(&mut res, common::method_for(&v.name), &v.bytes, &mut out, &cfg);
                for hd in res.headers.iter() {
                    let _ = (HttpDate::parse(hd.value), SetCookie::parse(hd.value));
                }
                r.is_ok()
            }
            _ => core::str::from_utf8(&v.bytes).ok().and_then(|s| Url::parse(s).ok()).is_some(),
        };
        parsed += usize::from(ok);
    }
    let after = wirestate_testkit::allocations();
    assert!(parsed > 20);
    assert_eq!(after - before, 0, "allocations while parsing");
}
