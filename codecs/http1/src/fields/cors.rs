//! The CORS request and response headers (WHATWG Fetch §3.2, "HTTP extensions").

use crate::framing::parse_decimal;
use crate::grammar::{list, trim};
use crate::Header;

/// The CORS headers of a request.
///
/// ```
/// use wirestate_http1::{fields::CorsRequest, Header};
/// let h = [
///     Header { name: b"Origin", value: b"https://app.example.test" },
///     Header { name: b"Access-Control-Request-Method", value: b"PUT" },
///     Header { name: b"Access-Control-Request-Headers", value: b"content-type, x-token" },
/// ];
/// let cors = CorsRequest::from_headers(&h);
/// assert!(cors.is_preflight("OPTIONS"));
/// assert_eq!(cors.request_headers().count(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CorsRequest<'b> {
    /// `Origin` (`null` included as sent).
    pub origin: Option<&'b [u8]>,
    /// `Access-Control-Request-Method`.
    pub request_method: Option<&'b [u8]>,
    /// `Access-Control-Request-Headers` (a list value).
    pub request_headers_value: Option<&'b [u8]>,
}

impl<'b> CorsRequest<'b> {
    /// Reads the fields from `headers` (the first of each).
    pub fn from_headers(headers: &[Header<'b>]) -> Self {
        let get = |n| headers.iter().find(|h| h.is(n)).map(|h| trim(h.value));
        CorsRequest {
            origin: get("origin"),
            request_method: get("access-control-request-method"),
            request_headers_value: get("access-control-request-headers"),
        }
    }

    /// Whether this is a preflight: an OPTIONS with Origin and
    /// Access-Control-Request-Method.
    pub fn is_preflight(&self, method: &str) -> bool {
        method == "OPTIONS" && self.origin.is_some() && self.request_method.is_some()
    }

    /// The header names the preflight asks about.
    pub fn request_headers(&self) -> impl Iterator<Item = &'b [u8]> {
        list(self.request_headers_value.unwrap_or_default())
    }
}

/// The CORS headers of a response.
///
/// ```
/// use wirestate_http1::{fields::CorsResponse, Header};
/// let h = [
///     Header { name: b"Access-Control-Allow-Origin", value: b"https://app.example.test" },
///     Header { name: b"Access-Control-Allow-Credentials", value: b"true" },
///     Header { name: b"Access-Control-Allow-Methods", value: b"GET, PUT" },
///     Header { name: b"Access-Control-Max-Age", value: b"600" },
/// ];
/// let cors = CorsResponse::from_headers(&h);
/// assert!(cors.allows_origin(b"https://app.example.test", true));
/// assert!(!cors.allows_origin(b"https://evil.example.test", false));
/// assert!(cors.allows_method("PUT") && !cors.allows_method("DELETE"));
/// assert_eq!(cors.max_age, Some(600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CorsResponse<'b> {
    /// `Access-Control-Allow-Origin`: an origin, `*` or `null`.
    pub allow_origin: Option<&'b [u8]>,
    /// `Access-Control-Allow-Credentials: true` (only the exact, case-sensitive `true`).
    pub allow_credentials: bool,
    /// `Access-Control-Allow-Methods` (list).
    pub allow_methods: Option<&'b [u8]>,
    /// `Access-Control-Allow-Headers` (list).
    pub allow_headers: Option<&'b [u8]>,
    /// `Access-Control-Expose-Headers` (list).
    pub expose_headers: Option<&'b [u8]>,
    /// `Access-Control-Max-Age` in seconds, when it is digits.
    pub max_age: Option<u64>,
}

impl<'b> CorsResponse<'b> {
    /// Reads the fields from `headers` (the first of each).
    pub fn from_headers(headers: &[Header<'b>]) -> Self {
        let get = |n| headers.iter().find(|h| h.is(n)).map(|h| trim(h.value));
        CorsResponse {
            allow_origin: get("access-control-allow-origin"),
            allow_credentials: get("access-control-allow-credentials") == Some(b"true"),
            allow_methods: get("access-control-allow-methods"),
            allow_headers: get("access-control-allow-headers"),
            expose_headers: get("access-control-expose-headers"),
            max_age: get("access-control-max-age").and_then(parse_decimal),
        }
    }

    /// The CORS check (Fetch §4.10): the allowed origin is `origin` byte for byte,
    /// or `*` when the request carries no credentials; with credentials, Allow-
    /// Credentials must be `true`.
    pub fn allows_origin(&self, origin: &[u8], credentials: bool) -> bool {
        match self.allow_origin {
            Some(b"*") => !credentials,
            Some(o) => o == origin && (!credentials || self.allow_credentials),
            None => false,
        }
    }

    /// Whether `method` is allowed (case-sensitive, as Fetch compares; `*` allows
    /// any method for a request without credentials).
    pub fn allows_method(&self, method: &str) -> bool {
        list(self.allow_methods.unwrap_or_default()).any(|m| m == method.as_bytes() || m == b"*")
    }

    /// Whether the header `name` is allowed (case-insensitive; `*` allows any).
    pub fn allows_header(&self, name: &[u8]) -> bool {
        list(self.allow_headers.unwrap_or_default())
            .any(|m| m.eq_ignore_ascii_case(name) || m == b"*")
    }
}
