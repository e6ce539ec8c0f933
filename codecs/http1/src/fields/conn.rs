//! Connection (RFC 9110 §7.6.1, RFC 9112 §9.3), Host (RFC 9110 §7.2), Expect
//! (RFC 9110 §10.1.1) and Upgrade (RFC 9110 §7.8).

use wirestate_wire::{Error, Result};

use crate::framing::offset_in;
use crate::grammar::{list, trim};
use crate::url::host_port;
use crate::{Header, Host, Request, Version};

/// Whether a Connection field lists `token` (case-insensitive), over every line.
pub fn connection_has(headers: &[Header<'_>], token: &str) -> bool {
    headers
        .iter()
        .filter(|h| h.is("connection"))
        .flat_map(|h| list(h.value))
        .any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
}

/// Whether the connection persists after this message (RFC 9112 §9.3): not if
/// Connection has `close`; yes for HTTP/1.1; for HTTP/1.0 only with `keep-alive`.
///
/// ```
/// use wirestate_http1::{fields::keep_alive, Header, Version};
/// let close = [Header { name: b"Connection", value: b"Close" }];
/// assert!(!keep_alive(Version::Http11, &close));
/// assert!(keep_alive(Version::Http11, &[]));
/// assert!(!keep_alive(Version::Http10, &[]));
/// ```
pub fn keep_alive(version: Version, headers: &[Header<'_>]) -> bool {
    if connection_has(headers, "close") {
        return false;
    }
    version == Version::Http11 || connection_has(headers, "keep-alive")
}

/// The request's Host (RFC 9112 §3.2): `None` only for an HTTP/1.0 request without one.
///
/// ```
/// use wirestate_http1::{fields::request_host, Host, Request, EMPTY_HEADER};
/// let head = b"GET / HTTP/1.1\r\nHost: www.example.test:8080\r\n\r\n";
/// let mut h = [EMPTY_HEADER; 4];
/// let mut req = Request::new(&mut h);
/// req.parse(head).unwrap();
/// assert_eq!(request_host(&req, head).unwrap(), Some((Host::Name("www.example.test"), Some(8080))));
///
/// let head = b"GET / HTTP/1.1\r\n\r\n";
/// let mut req = Request::new(&mut h);
/// req.parse(head).unwrap();
/// assert_eq!(request_host(&req, head).unwrap_err().field(), "host");
/// ```
///
/// # Errors
/// `Malformed` "host": missing in HTTP/1.1, more than one line, or not `uri-host [
/// ":" port ]` ("A server MUST respond with a 400 (Bad Request) status code to any
/// HTTP/1.1 request message that lacks a Host header field and to any request message
/// that contains more than one Host header field line or a Host header field with an
/// invalid field value"). Offsets from the start of `head`.
pub fn request_host<'b>(
    req: &Request<'_, 'b>,
    head: &[u8],
) -> Result<Option<(Host<'b>, Option<u16>)>> {
    let mut hosts = req.headers.iter().filter(|h| h.is("host"));
    let Some(first) = hosts.next() else {
        return match req.version {
            Version::Http10 => Ok(None),
            Version::Http11 => {
                Err(Error::malformed("host", 0, "RFC 9112 §3.2: an HTTP/1.1 request has a Host"))
            }
        };
    };
    if let Some(second) = hosts.next() {
        return Err(Error::malformed(
            "host",
            offset_in(head, second.value),
            "RFC 9112 §3.2: one Host line",
        ));
    }
    let at = offset_in(head, first.value);
    let value = core::str::from_utf8(first.value)
        .map_err(|_| Error::malformed("host", at, "RFC 9110 §7.2: ASCII"))?;
    if value.is_empty() {
        // RFC 9112 §3.2: "the Host header field MUST be sent with an empty field-value"
        // when the target has no authority; it is valid, and names no host.
        return Ok(Some((Host::Name(""), None)));
    }
    host_port(value, 0, value.len()).map(Some).map_err(|e| e.at(at))
}

/// An Expect expectation (RFC 9110 §10.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `100-continue`: the client waits for a 100 before sending the body.
    Continue,
}

/// The request's expectation, if any.
///
/// # Errors
/// `Unsupported` "expect" for anything but `100-continue` (RFC 9110 §10.1.1: "A
/// server that receives an Expect field value containing a member other than
/// 100-continue MAY respond with a 417 (Expectation Failed)"); offset in the value.
pub fn expect(headers: &[Header<'_>]) -> Result<Option<Expect>> {
    let mut found = None;
    for h in headers.iter().filter(|h| h.is("expect")) {
        for member in list(h.value) {
            if !member.eq_ignore_ascii_case(b"100-continue") {
                return Err(Error::unsupported("expect", offset_in(h.value, member), 0));
            }
            found = Some(Expect::Continue);
        }
    }
    Ok(found)
}

/// One protocol of an Upgrade list (RFC 9110 §7.8: `protocol-name [ "/" protocol-version ]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protocol<'b> {
    /// The protocol name, e.g. `websocket`.
    pub name: &'b [u8],
    /// The version after `/`, if any.
    pub version: Option<&'b [u8]>,
}

/// The protocols of every Upgrade line, in order of preference.
///
/// ```
/// use wirestate_http1::{fields::upgrade, Header};
/// let h = [Header { name: b"Upgrade", value: b"HTTP/2.0, websocket" }];
/// let p: Vec<_> = upgrade(&h).collect();
/// assert_eq!((p[0].name, p[0].version, p[1].name), (&b"HTTP"[..], Some(&b"2.0"[..]), &b"websocket"[..]));
/// ```
pub fn upgrade<'a, 'b>(headers: &'a [Header<'b>]) -> impl Iterator<Item = Protocol<'b>> + 'a {
    headers.iter().filter(|h| h.is("upgrade")).flat_map(|h| list(h.value)).map(|p| {
        match p.iter().position(|&b| b == b'/') {
            Some(i) => Protocol {
                name: trim(p.get(..i).unwrap_or_default()),
                version: Some(trim(p.get(i + 1..).unwrap_or_default())),
            },
            None => Protocol { name: p, version: None },
        }
    })
}
