//! How long a message body is (RFC 9112 §6): Content-Length, Transfer-Encoding,
//! and the cases where there is no body at all.

use wirestate_wire::{Error, Result};

use crate::grammar::{self, list};
use crate::{Header, Request, Response, Version};

/// How a message's body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum BodyKind {
    /// No body: a request without framing fields, or a response to HEAD, a 1xx, 204
    /// or 304 whatever its fields say.
    None,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// The chunked transfer coding ([`ChunkedDecoder`](crate::ChunkedDecoder)).
    Chunked,
    /// A response read until the connection closes (no framing fields, or a final
    /// coding other than chunked).
    UntilClose,
    /// A 2xx response to CONNECT: the connection becomes a tunnel after the head.
    Tunnel,
}

/// Where `part` starts inside `whole`, if it is a sub-slice of it (else 0): how
/// errors about a header value report an offset from the start of the message.
pub(crate) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    if p >= w && p.saturating_add(part.len()) <= w.saturating_add(whole.len()) {
        p - w
    } else {
        0
    }
}

impl BodyKind {
    /// The body of a request (RFC 9112 §6.3 rules 3-7). `head` is the buffer the
    /// request was parsed from; error offsets point into it.
    ///
    /// ```
    /// use wirestate_http1::{BodyKind, Request, EMPTY_HEADER};
    /// let head = b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n";
    /// let mut h = [EMPTY_HEADER; 4];
    /// let mut req = Request::new(&mut h);
    /// req.parse(head).unwrap();
    /// assert_eq!(BodyKind::of_request(&req, head).unwrap(), BodyKind::Length(5));
    ///
    /// let head = b"POST /f HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
    /// let mut req = Request::new(&mut h);
    /// req.parse(head).unwrap();
    /// let err = BodyKind::of_request(&req, head).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), ("content-length", 53));
    /// ```
    ///
    /// # Errors
    /// See [`framing`].
    pub fn of_request(req: &Request<'_, '_>, head: &[u8]) -> Result<BodyKind> {
        let kind = framing(req.headers, req.version, head, true)?;
        Ok(kind.unwrap_or(BodyKind::None))
    }

    /// The body of a response to a request with `method` (RFC 9112 §6.3 rules 1-8).
    ///
    /// # Errors
    /// See [`framing`]; never for HEAD, 1xx, 204, 304 or a 2xx to CONNECT, whose
    /// framing fields are not read.
    pub fn of_response(res: &Response<'_, '_>, method: &str, head: &[u8]) -> Result<BodyKind> {
        response_kind(res.code, method, res.headers, res.version, head)
    }
}

/// [`BodyKind::of_response`] from the parts.
///
/// # Errors
/// See [`framing`].
pub fn response_kind(
    code: u16,
    method: &str,
    headers: &[Header<'_>],
    version: Version,
    head: &[u8],
) -> Result<BodyKind> {
    // RFC 9112 §6.3 rule 2: "Any 2xx (Successful) response to a CONNECT request
    // implies that the connection will become a tunnel immediately after the empty
    // line". Before rule 1, which a 204 to CONNECT also meets: the message ends at
    // the empty line either way, and the tunnel follows it.
    if method == "CONNECT" && (200..300).contains(&code) {
        return Ok(BodyKind::Tunnel);
    }
    // Rule 1: "Any response to a HEAD request and any response with a 1xx
    // (Informational), 204 (No Content), or 304 (Not Modified) status code is
    // always terminated by the first empty line after the header fields".
    if method == "HEAD" || (100..200).contains(&code) || code == 204 || code == 304 {
        return Ok(BodyKind::None);
    }
    Ok(framing(headers, version, head, false)?.unwrap_or(BodyKind::UntilClose))
}

/// The framing the fields announce, `None` when there is none (RFC 9112 §6.3 rules 3-5).
///
/// # Errors
/// - `Malformed` "transfer-encoding" with "content-length" also present (rule 3:
///   "ought to be handled as an error"; the smuggling classic), in an HTTP/1.0
///   message (§6.1), with chunked applied twice, or in a request whose final
///   coding is not chunked (rule 4: 400); `Unsupported` "transfer-encoding" for a
///   coding this crate does not know (501);
/// - `Malformed` "content-length": not 1*DIGIT, over 2^64, or list members or
///   field lines that differ (rule 5: "the recipient MUST treat it as an
///   unrecoverable error").
pub fn framing(
    headers: &[Header<'_>],
    version: Version,
    head: &[u8],
    request: bool,
) -> Result<Option<BodyKind>> {
    let te = headers.iter().find(|h| h.is("transfer-encoding"));
    let cl = headers.iter().find(|h| h.is("content-length"));
    if let Some(te) = te {
        let at = offset_in(head, te.value);
        if cl.is_some() {
            return Err(Error::malformed(
                "transfer-encoding",
                at,
                "RFC 9112 §6.3: Transfer-Encoding with Content-Length",
            ));
        }
        if version == Version::Http10 {
            return Err(Error::malformed(
                "transfer-encoding",
                at,
                "RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message",
            ));
        }
        return transfer_coding(headers, head, request).map(Some);
    }
    match content_length(headers, head)? {
        Some(n) => Ok(Some(BodyKind::Length(n))),
        None => Ok(None),
    }
}

/// The transfer codings of every Transfer-Encoding line, in order (RFC 9112 §6.1).
fn transfer_coding(headers: &[Header<'_>], head: &[u8], request: bool) -> Result<BodyKind> {
    let mut chunked_last = false;
    for h in headers.iter().filter(|h| h.is("transfer-encoding")) {
        for coding in list(h.value) {
            let at = offset_in(head, coding);
            let name = coding_name(coding, at)?;
            if chunked_last {
                // "A sender MUST NOT apply the chunked transfer coding more than once".
                return Err(Error::malformed(
                    "transfer-encoding",
                    at,
                    "RFC 9112 §6.1: chunked is the final coding, applied once",
                ));
            }
            if name.eq_ignore_ascii_case(b"chunked") {
                chunked_last = true;
            } else if !KNOWN_CODINGS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
                return Err(Error::unsupported("transfer-encoding", at, 0));
            }
        }
    }
    match (chunked_last, request) {
        (true, _) => Ok(BodyKind::Chunked),
        (false, false) => Ok(BodyKind::UntilClose),
        (false, true) => Err(Error::malformed(
            "transfer-encoding",
            headers
                .iter()
                .find(|h| h.is("transfer-encoding"))
                .map_or(0, |h| offset_in(head, h.value)),
            "RFC 9112 §6.3: in a request, chunked is the final transfer coding",
        )),
    }
}

/// The name of one `transfer-coding` list member, refusing what is not the grammar
/// (a recipient that read `chunked;` or `"chunked"` as chunked and one that did not
/// would frame the body differently) and parameters on chunked, which defines none.
fn coding_name(coding: &[u8], at: usize) -> Result<&[u8]> {
    match grammar::transfer_coding(coding) {
        Ok((name, true)) if name.eq_ignore_ascii_case(b"chunked") => Err(Error::malformed(
            "transfer-encoding",
            at,
            "RFC 9112 §7.1: the chunked coding is defined without parameters",
        )),
        Ok((name, _)) => Ok(name),
        Err(stop) => Err(Error::malformed(
            "transfer-encoding",
            at + stop,
            "RFC 9112 §6.1: transfer-coding is token *( OWS \";\" OWS token \"=\" value )",
        )),
    }
}

/// Codings registered for Transfer-Encoding besides chunked (RFC 9110 §8.4.1,
/// RFC 9112 §7): "identity" is not one of them since RFC 7230.
const KNOWN_CODINGS: [&[u8]; 5] = [b"gzip", b"x-gzip", b"deflate", b"compress", b"x-compress"];

/// The Content-Length of a message: every line and every list member must agree
/// (RFC 9110 §8.6); `None` without the field.
///
/// # Errors
/// `Malformed` "content-length" at the offending member.
pub fn content_length(headers: &[Header<'_>], head: &[u8]) -> Result<Option<u64>> {
    let mut found: Option<u64> = None;
    for h in headers.iter().filter(|h| h.is("content-length")) {
        let mut members = 0;
        for member in list(h.value) {
            members += 1;
            let at = offset_in(head, member);
            let n = parse_decimal(member).ok_or_else(|| {
                Error::malformed("content-length", at, "RFC 9110 §8.6: Content-Length is 1*DIGIT")
            })?;
            if found.is_some_and(|f| f != n) {
                return Err(Error::malformed(
                    "content-length",
                    at,
                    "RFC 9112 §6.3: differing Content-Length values",
                ));
            }
            found = Some(n);
        }
        if members == 0 {
            return Err(Error::malformed(
                "content-length",
                offset_in(head, h.value),
                "RFC 9110 §8.6: Content-Length is 1*DIGIT",
            ));
        }
    }
    Ok(found)
}

/// `1*DIGIT` as a u64, refusing signs, spaces and overflow. Leading zeros are
/// digits like any other (`000…05` is 5), so only the significant ones are bounded.
pub(crate) fn parse_decimal(s: &[u8]) -> Option<u64> {
    let significant = s.iter().position(|&b| b != b'0').unwrap_or(s.len());
    let rest = s.get(significant..).unwrap_or_default();
    if s.is_empty() || rest.len() > 20 {
        return None;
    }
    rest.iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests;
