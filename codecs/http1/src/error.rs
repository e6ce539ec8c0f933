//! The status code a server should answer a refused request with.

use wirestate_wire::Error;

/// The status a server should send when it refuses a request with `err` (RFC 9110 §15).
///
/// - a limit of [`ParserConfig`](crate::ParserConfig) hit: `Unsupported` on "head",
///   "field-line" or "header count" → 431 (RFC 6585 §5), on "request-line" → 414;
/// - `Unsupported` "http-version" → 505; `Unsupported` "transfer-encoding" → 501
///   (RFC 9112 §6.1: "A server that receives a request message with a transfer coding
///   it does not understand SHOULD respond with 501 (Not Implemented)");
/// - everything else (malformed syntax, framing conflicts, a body cut short) → 400.
///
/// ```
/// use wirestate_http1::{suggested_status, Request, EMPTY_HEADER};
/// let mut headers = [EMPTY_HEADER; 4];
/// let err = Request::new(&mut headers).parse(b"GET / HTTP/1.1\r\nA : b\r\n\r\n").unwrap_err();
/// assert_eq!(suggested_status(&err), 400);
/// let err = Request::new(&mut headers).parse(b"GET / HTTP/3.0\r\n\r\n").unwrap_err();
/// assert_eq!(suggested_status(&err), 505);
/// ```
pub fn suggested_status(err: &Error) -> u16 {
    match *err {
        Error::Unsupported { field, .. } => match field {
            "head" | "field-line" | "header count" => 431,
            "request-line" => 414,
            "http-version" => 505,
            "transfer-encoding" => 501,
            _ => 400,
        },
        _ => 400,
    }
}

/// The `value` of an `Unsupported` limit error: a length, saturated to `u32`.
pub(crate) fn len_value(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
