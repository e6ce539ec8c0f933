use super::*;
use crate::{Request, Response, EMPTY_HEADER};

fn req_kind(head: &[u8]) -> Result<BodyKind> {
    let mut h = [EMPTY_HEADER; 16];
    let mut req = Request::new(&mut h);
    req.parse(head).unwrap().complete().unwrap();
    BodyKind::of_request(&req, head)
}

fn res_kind(head: &[u8], method: &str) -> Result<BodyKind> {
    let mut h = [EMPTY_HEADER; 16];
    let mut res = Response::new(&mut h);
    res.parse(head).unwrap().complete().unwrap();
    BodyKind::of_response(&res, method, head)
}

#[test]
fn request_framing() {
    assert_eq!(req_kind(b"GET / HTTP/1.1\r\n\r\n").unwrap(), BodyKind::None);
    assert_eq!(
        req_kind(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n").unwrap(),
        BodyKind::Length(10)
    );
    assert_eq!(
        req_kind(b"POST / HTTP/1.1\r\nContent-Length: 7\r\ncontent-length: 7, 7\r\n\r\n").unwrap(),
        BodyKind::Length(7)
    );
    assert_eq!(
        req_kind(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").unwrap(),
        BodyKind::Chunked
    );
    assert_eq!(
        req_kind(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n\r\n"
        )
        .unwrap(),
        BodyKind::Chunked
    );
}

#[test]
fn request_framing_errors_with_offsets() {
    let e = req_kind(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap_err();
    assert_eq!((e.field(), e.offset()), ("transfer-encoding", 55));
    let e = req_kind(b"POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("content-length", 36));
    let e = req_kind(b"POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("content-length", 33));
    let e =
        req_kind(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n").unwrap_err();
    assert_eq!(e.field(), "content-length");
    let e = req_kind(b"POST / HTTP/1.1\r\nContent-Length: ,\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("content-length", 33));
    let e = req_kind(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("transfer-encoding", 45));
    let e = req_kind(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("transfer-encoding", 36));
    let e = req_kind(b"POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n").unwrap_err();
    assert_eq!(e, Error::unsupported("transfer-encoding", 36, 0));
    assert_eq!(crate::suggested_status(&e), 501);
    let e = req_kind(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap_err();
    assert_eq!((e.field(), e.offset()), ("transfer-encoding", 36));
}

#[test]
fn response_framing() {
    let ok = |h: &[u8], m| res_kind(h, m).unwrap();
    assert_eq!(ok(b"HTTP/1.1 200 OK\r\n\r\n", "GET"), BodyKind::UntilClose);
    assert_eq!(ok(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD"), BodyKind::None);
    assert_eq!(ok(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "GET"), BodyKind::None);
    assert_eq!(
        ok(b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", "GET"),
        BodyKind::None
    );
    assert_eq!(ok(b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "GET"), BodyKind::None);
    assert_eq!(ok(b"HTTP/1.1 200 OK\r\n\r\n", "CONNECT"), BodyKind::Tunnel);
    assert_eq!(
        ok(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET"),
        BodyKind::UntilClose
    );
    assert_eq!(
        ok(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET"),
        BodyKind::Chunked
    );
    assert_eq!(ok(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", "GET"), BodyKind::Length(3));
    assert!(res_kind(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET"
    )
    .is_err());
}

#[test]
fn decimal() {
    assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
    assert_eq!(parse_decimal(b"18446744073709551616"), None);
    assert_eq!(parse_decimal(b""), None);
    assert_eq!(parse_decimal(b"1 "), None);
}
