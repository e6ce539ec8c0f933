//! Heads: those the caller sends ([`RequestHead`], [`ResponseHead`]) and views of
//! those received ([`ReceivedRequest`], [`ReceivedResponse`], [`Fields`]).

use core::ops::Range;

use wirestate_http1::{BodyKind, Header, Version};

/// A request head to send. The machine writes it as given (checked for injection
/// by the codec's writer), adds nothing, and reads its framing fields to frame
/// the body: `Content-Length`, or `Transfer-Encoding` ending in `chunked`; with
/// neither the request has no body (RFC 9112 §6.3 rule 7).
///
/// ```
/// use wirestate_http1_conn::RequestHead;
/// let head = RequestHead::new("POST", "/upload", &[("Host", "a.test"), ("Content-Length", "5")]);
/// assert_eq!(head.version.as_str(), "HTTP/1.1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHead<'a> {
    /// The method token.
    pub method: &'a str,
    /// The request-target (origin-form `/path?query`, absolute-form,
    /// authority-form for CONNECT, or `*`).
    pub target: &'a str,
    /// The version; HTTP/1.1 unless talking to a server known to be HTTP/1.0.
    pub version: Version,
    /// The header fields, in order.
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> RequestHead<'a> {
    /// An HTTP/1.1 request.
    pub fn new(method: &'a str, target: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        RequestHead { method, target, version: Version::Http11, headers }
    }

    /// An HTTP/1.1 GET.
    pub fn get(target: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        RequestHead::new("GET", target, headers)
    }
}

/// A response head to send; always HTTP/1.1 (RFC 9110 §6.2: a server sends the
/// highest minor version it conforms to). The machine frames the body from its
/// fields and may add to them:
///
/// - no `Content-Length` or `Transfer-Encoding` on a response that has a body:
///   `Transfer-Encoding: chunked` for an HTTP/1.1 request, else the body is
///   delimited by closing the connection (RFC 9112 §6.3 rule 8) and
///   `Connection: close` is added;
/// - `Connection: close` when the connection ends after this response (the
///   request asked, this end called `close`, or the body is close-delimited; RFC
///   9112 §9.6: the server "SHOULD send a "close" connection option in its final
///   response");
/// - `Connection: keep-alive` to an HTTP/1.0 request that asked to persist (RFC
///   9112 §C.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseHead<'a> {
    /// The status code, 100 to 599.
    pub code: u16,
    /// The reason phrase (may be empty).
    pub reason: &'a str,
    /// The header fields, in order.
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> ResponseHead<'a> {
    /// A response with these fields.
    pub fn new(code: u16, reason: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        ResponseHead { code, reason, headers }
    }
}

/// Where one received field's name and value are in the machine's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldSpan {
    pub(crate) name: Range<u32>,
    pub(crate) value: Range<u32>,
}

/// The fields of a received head or trailer section, borrowed from the
/// connection's buffer (nothing copied). Names keep their case; compare with
/// [`Header::is`] or use [`get`](Self::get).
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) spans: &'a [FieldSpan],
}

impl<'a> Fields<'a> {
    /// How many field lines.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The fields in wire order.
    pub fn iter(&self) -> impl Iterator<Item = Header<'a>> + 'a {
        let buf = self.buf;
        self.spans
            .iter()
            .map(move |s| Header { name: slice(buf, &s.name), value: slice(buf, &s.value) })
    }

    /// The value of the first field called `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter().find(|h| h.is(name)).map(|h| h.value)
    }
}

impl core::fmt::Debug for Fields<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|h| {
                (
                    core::str::from_utf8(h.name).unwrap_or("?"),
                    core::str::from_utf8(h.value).unwrap_or("<bytes>"),
                )
            }))
            .finish()
    }
}

pub(crate) fn slice<'a>(buf: &'a [u8], r: &Range<u32>) -> &'a [u8] {
    buf.get(r.start as usize..r.end as usize).unwrap_or_default()
}

/// A request head received (server role).
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method token.
    pub method: &'a str,
    /// The request-target as sent.
    pub target: &'a str,
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The header fields.
    pub headers: Fields<'a>,
    /// How the body is framed ([`BodyKind::None`] or a length or chunked).
    pub body: BodyKind,
    /// The client sent `Expect: 100-continue` in HTTP/1.1 and waits before
    /// sending the body: answer with [`send_continue`] to have it, or with a final
    /// response (the connection then closes, since the client may or may not send
    /// the body; RFC 9110 §10.1.1).
    ///
    /// [`send_continue`]: crate::Connection::send_continue
    pub expects_continue: bool,
    /// The connection can persist after this request (RFC 9112 §9.3).
    pub keep_alive: bool,
}

/// A response head received (client role); a 1xx is interim, and the final
/// response to the same request follows.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedResponse<'a> {
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The status code.
    pub code: u16,
    /// The reason phrase (obs-text allowed, so octets).
    pub reason: &'a [u8],
    /// The header fields (a folded value spans its folds: read it with
    /// [`Header::unfolded`]).
    pub headers: Fields<'a>,
    /// How the body is framed (RFC 9112 §6.3, given the request's method).
    pub body: BodyKind,
    /// The connection can persist after this response (RFC 9112 §9.3).
    pub keep_alive: bool,
}

impl ReceivedResponse<'_> {
    /// Whether this is an interim (1xx) response.
    pub fn is_interim(&self) -> bool {
        self.code < 200
    }
}
