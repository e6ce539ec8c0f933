//! Header field semantics (RFC 9110, RFC 9112, RFC 6265, Fetch's CORS headers):
//! values parsed from the borrowed [`Header`](crate::Header) slices, nothing copied.
//!
//! Offsets in errors count from the start of the value given, unless the function
//! takes the head buffer, in which case they count from the start of the message.

mod conn;
mod cookie;
mod cors;
mod date;
mod etag;
mod range;

pub use conn::{connection_has, expect, keep_alive, request_host, upgrade, Expect, Protocol};
pub use cookie::{cookies, SameSite, SetCookie};
pub use cors::{CorsRequest, CorsResponse};
pub use date::HttpDate;
pub use etag::{not_modified, EntityTag, IfNoneMatch};
pub use range::{ByteRange, ContentRange, Ranges};

/// The elements of a comma-separated list value (RFC 9110 §5.6.1), trimmed, empty
/// elements skipped, commas inside quoted strings kept.
///
/// ```
/// let items: Vec<&[u8]> = wirestate_http1::fields::list(b"gzip, , chunked").collect();
/// assert_eq!(items, [&b"gzip"[..], b"chunked"]);
/// ```
pub fn list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    crate::grammar::list(value)
}
