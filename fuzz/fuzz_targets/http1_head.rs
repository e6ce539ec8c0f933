#![no_main]
//! Raw bytes into the request and response head parsers (whole, and split at a
//! fuzzer-chosen point through the incremental parser), the framing and the header
//! semantics: never panics; a head complete when split is the head of the whole; a
//! parsed method and target are ASCII (this covers the crate's unchecked UTF-8
//! conversion, `scan::ascii`).

use libfuzzer_sys::fuzz_target;
use wirestate_http1::fields::{keep_alive, not_modified, CorsRequest, HttpDate, SetCookie};
use wirestate_http1::message::Message;
use wirestate_http1::{
    BodyKind, Parser, ParserConfig, Request, RequestTarget, Response, Status, EMPTY_HEADER,
};

fuzz_target!(|input: (ParserConfig, u16, &[u8])| {
    let (mut cfg, split, data) = input;
    cfg.max_head_len = cfg.max_head_len.min(1 << 16);
    let mut h = [EMPTY_HEADER; 16];
    let mut req = Request::new(&mut h);
    let whole = req.parse_with(&cfg, data);
    if let Ok(Status::Complete(_)) = whole {
        // Made `&str` by an unchecked conversion after an ASCII check (scan::ascii).
        assert!(req.method.is_ascii() && req.target.is_ascii());
        let _ = (BodyKind::of_request(&req, data), RequestTarget::parse(req.method, req.target));
        let _ = (keep_alive(req.version, req.headers), not_modified(req.headers, None, None));
        let _ = CorsRequest::from_headers(req.headers).request_headers().count();
        for f in req.headers.iter() {
            let _ = (HttpDate::parse(f.value), SetCookie::parse(f.value));
        }
    }
    let whole_headers = req.headers.to_vec();
    let cut = usize::from(split) % (data.len() + 1);
    let mut parser = Parser::new(cfg);
    let mut h2 = [EMPTY_HEADER; 16];
    let mut first = Request::new(&mut h2);
    if let Ok(Status::Partial) = parser.parse_request(&mut first, &data[..cut]) {
        let mut h3 = [EMPTY_HEADER; 16];
        let mut second = Request::new(&mut h3);
        let split_result = parser.parse_request(&mut second, data);
        assert_eq!(
            matches!(split_result, Ok(Status::Complete(_))),
            matches!(whole, Ok(Status::Complete(_)))
        );
        if let Ok(Status::Complete(n)) = split_result {
            assert_eq!(whole, Ok(Status::Complete(n)));
            assert_eq!(second.headers.to_vec(), whole_headers);
        }
    }
    let mut res = Response::new(&mut h);
    if let Ok(Status::Complete(_)) = res.parse_with(&cfg, data) {
        let _ = BodyKind::of_response(&res, "GET", data);
    }
    let _ = Message::parse_request(data, &cfg);
    let _ = Message::parse_response(data, "GET", &cfg);
});
