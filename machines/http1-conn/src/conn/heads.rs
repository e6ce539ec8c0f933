//! What a received head says: the request or response head parsed into the
//! machine's field positions, and the checks the machine makes on it (framing,
//! Host, Connection options, Expect, Upgrade), with fast paths for the common
//! fields beside the codec's full readings.

use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use wirestate_http1::fields::{self, Expect};
use wirestate_http1::{
    leading_empty_lines, response_kind, BodyKind, Header, Parser, Request, Response, Status,
    Version, EMPTY_HEADER,
};
use wirestate_wire::Error;

use super::MethodKind;
use crate::error::ConnectionError;
use crate::head::FieldSpan;

/// Header slots tried first: enough for nearly every head, cheap to clear. A head
/// with more fields is parsed again with `max_headers` slots.
const SMALL_SLOTS: usize = 32;

/// Where a head's parts are, and what the machine concluded from it.
pub(crate) struct HeadInfo {
    /// Method (request) or reason phrase (response).
    pub(crate) first: Range<u32>,
    /// The method and target when they are common ones, as static strings (no
    /// UTF-8 check to hand them out again).
    pub(crate) known: (Option<&'static str>, Option<&'static str>),
    /// The request's method (request) or the one answered (response).
    pub(crate) method: MethodKind,
    /// Request-target (request).
    pub(crate) target: Range<u32>,
    pub(crate) version: Version,
    pub(crate) code: u16,
    pub(crate) body: BodyKind,
    pub(crate) expects_continue: bool,
    pub(crate) keep_alive: bool,
}

/// Runs `f` with header slots: [`SMALL_SLOTS`] on the stack, then, if the head
/// has more fields than that and the limit allows more, `max` on the heap.
pub(crate) fn with_slots<'b, T>(
    max: usize,
    mut f: impl FnMut(&mut [Header<'b>]) -> Result<T, ConnectionError>,
) -> Result<T, ConnectionError> {
    let mut small: [Header<'b>; SMALL_SLOTS] = [EMPTY_HEADER; SMALL_SLOTS];
    match f(&mut small) {
        Err(ConnectionError::Malformed(e)) if e.field() == "header count" && max > SMALL_SLOTS => {
            let mut big: Vec<Header<'b>> = vec![EMPTY_HEADER; max];
            f(&mut big)
        }
        other => other,
    }
}

/// Where `part` starts inside `whole` (0 if it is not inside it).
pub(crate) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize).min(whole.len())
}

fn span(buf: &[u8], part: &[u8], base: usize) -> Range<u32> {
    range(base + offset_in(buf, part), part.len())
}

fn range(start: usize, len: usize) -> Range<u32> {
    u32::try_from(start).unwrap_or(u32::MAX)..u32::try_from(start + len).unwrap_or(u32::MAX)
}

pub(crate) fn record_spans(
    spans: &mut Vec<FieldSpan>,
    buf: &[u8],
    base: usize,
    headers: &[Header<'_>],
) {
    spans.clear();
    spans.extend(
        headers
            .iter()
            .map(|h| FieldSpan { name: span(buf, h.name, base), value: span(buf, h.value, base) }),
    );
}

/// A request head at the start of `buf` (which starts at `base` in the
/// connection's buffer): its length, what it says, and whether it offers an
/// Upgrade; `None` while incomplete.
pub(crate) fn request_head<'b>(
    parser: &mut Parser,
    buf: &'b [u8],
    base: usize,
    slots: &mut [Header<'b>],
    spans: &mut Vec<FieldSpan>,
) -> Result<Option<(usize, HeadInfo, bool)>, ConnectionError> {
    let mut req = Request::new(slots);
    let len = match parser.parse_request(&mut req, buf) {
        Ok(Status::Complete(n)) => n,
        Ok(Status::Partial) => return Ok(None),
        Err(e) => {
            parser.reset();
            return Err(ConnectionError::Malformed(e));
        }
    };
    // One pass over the fields: each one's place for the event, and the fields
    // that control the message (framing, Host, Connection, Expect, Upgrade)
    // picked out, so each check below walks those few instead of every field.
    spans.clear();
    spans.reserve(req.headers.len());
    let mut picked = [EMPTY_HEADER; PICKED];
    let mut count = 0;
    for h in req.headers.iter() {
        spans.push(FieldSpan { name: span(buf, h.name, base), value: span(buf, h.value, base) });
        if is_control(h.name) {
            if let Some(slot) = picked.get_mut(count) {
                *slot = *h;
            }
            count += 1;
        }
    }
    let req = match picked.get_mut(..count) {
        Some(headers) => {
            Request { method: req.method, target: req.target, version: req.version, headers }
        }
        None => req,
    };
    let malformed = |e: Error| ConnectionError::Malformed(e);
    let body = BodyKind::of_request(&req, buf).map_err(malformed)?;
    // RFC 9110 §9.3.6: "A CONNECT request message does not have content"; a
    // recipient that read a body here and one that read tunnel data would part.
    if req.method == "CONNECT" && !matches!(body, BodyKind::None | BodyKind::Length(0)) {
        let field = if body == BodyKind::Chunked { "transfer-encoding" } else { "content-length" };
        return Err(malformed(Error::malformed(
            field,
            0,
            "RFC 9110 §9.3.6: a CONNECT request has no content",
        )));
    }
    // RFC 9112 §3.2: a server "MUST respond with a 400 (Bad Request)" to an
    // HTTP/1.1 request without Host, with two, or with an invalid one.
    check_host(&req, buf).map_err(malformed)?;
    let http11 = req.version == Version::Http11;
    // RFC 9110 §10.1.1: "A server that receives a 100-continue expectation in an
    // HTTP/1.0 request MUST ignore that expectation."
    let expects_continue = http11
        && body != BodyKind::None
        && body != BodyKind::Length(0)
        && matches!(fields::expect(req.headers), Ok(Some(Expect::Continue)));
    // RFC 9110 §7.8: "A server MUST ignore an Upgrade header field that is
    // received in an HTTP/1.0 request"; a sender lists "upgrade" in Connection.
    let options = connection_options(req.headers);
    let upgrade = http11 && options.upgrade && fields::upgrade(req.headers).next().is_some();
    // The codec hands out common methods and "/" as static strings, so their
    // place comes from the request-line's shape: method SP target, after any
    // empty lines skipped.
    let method_at = base + leading_empty_lines(buf, parser.config());
    let target_at = method_at + req.method.len() + 1;
    let info = HeadInfo {
        first: range(method_at, req.method.len()),
        target: range(target_at, req.target.len()),
        known: (static_method(req.method), (req.target == "/").then_some("/")),
        method: MethodKind::of(req.method),
        version: req.version,
        code: 0,
        body,
        expects_continue,
        // As `fields::keep_alive`, from the options already read (RFC 9112 §9.3).
        keep_alive: !options.close && (http11 || options.keep_alive),
    };
    Ok(Some((len, info, upgrade)))
}

/// RFC 9112 §3.2 for the common Host, one line of letters, digits, '-' and '.'
/// (not only digits and dots: the codec reads those as an IPv4 address) with an
/// optional port, without the codec's full parse; anything else goes to it.
fn check_host(req: &Request<'_, '_>, buf: &[u8]) -> Result<(), Error> {
    let mut hosts = req.headers.iter().filter(|h| h.is("host"));
    if let (Some(host), None) = (hosts.next(), hosts.next()) {
        if plain_host(host.value) {
            return Ok(());
        }
    }
    fields::request_host(req, buf).map(|_| ())
}

fn plain_host(value: &[u8]) -> bool {
    let mut seen = 0u8;
    let mut colon = value.len();
    for (i, &b) in value.iter().enumerate() {
        let class = HOST_CLASS.get(usize::from(b)).copied().unwrap_or(0);
        if class == 0 || (class == COLON && colon < value.len()) {
            return false;
        }
        if class == COLON {
            colon = i;
        } else if colon == value.len() {
            seen |= class;
        } else if class != DIGIT {
            return false;
        }
    }
    let name = value.get(..colon).unwrap_or_default();
    let port = value.get(colon + 1..);
    (seen & LETTER != 0 || dotted_quad(name))
        && port.is_none_or(|p| {
            (1..=5).contains(&p.len())
                && p.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')) <= 65535
        })
}

const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const DOT: u8 = 4;
const COLON: u8 = 8;

/// What each octet is in a plain Host: a letter or '-', a digit, '.', ':'; 0 for
/// anything else (left to the codec).
const HOST_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() || b == b'-' {
            LETTER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b'.' {
            DOT
        } else if b == b':' {
            COLON
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Four decimal octets without leading zeros: what `Ipv4Addr` parses.
fn dotted_quad(name: &[u8]) -> bool {
    let mut parts = 0;
    for part in name.split(|&b| b == b'.') {
        let ok = matches!(part, [_] | [b'1'..=b'9', ..])
            && part.len() <= 3
            && part.iter().fold(0u32, |n, &d| n * 10 + u32::from(d.wrapping_sub(b'0'))) <= 255;
        if !ok {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// The Connection options the machine acts on (RFC 9110 §7.6.1, RFC 9112 §9.3).
#[derive(Default)]
struct ConnectionOptions {
    close: bool,
    pub(crate) keep_alive: bool,
    upgrade: bool,
}

fn connection_options(headers: &[Header<'_>]) -> ConnectionOptions {
    let mut o = ConnectionOptions::default();
    for h in headers.iter().filter(|h| h.is("connection")) {
        // The common values whole, without splitting a list.
        if h.value.eq_ignore_ascii_case(b"keep-alive") {
            o.keep_alive = true;
            continue;
        }
        if h.value.eq_ignore_ascii_case(b"close") {
            o.close = true;
            continue;
        }
        for option in fields::list(h.value) {
            if option.eq_ignore_ascii_case(b"close") {
                o.close = true;
            } else if option.eq_ignore_ascii_case(b"keep-alive") {
                o.keep_alive = true;
            } else if option.eq_ignore_ascii_case(b"upgrade") {
                o.upgrade = true;
            }
        }
    }
    o
}

/// Slots for the fields [`is_control`] picks; a head with more uses all its fields.
const PICKED: usize = 8;

/// Whether the machine reads this field itself: Host, Content-Length,
/// Transfer-Encoding, Connection, Expect, Upgrade. A field name is a token, so
/// setting bit 5 of each octet lowercases its letters and changes nothing that
/// could make it equal a lowercase name with hyphens (only CR becomes '-', and a
/// token has none): eight octets compare at a time.
fn is_control(name: &[u8]) -> bool {
    match name.len() {
        4 => folded(name, 0, 4) == word(b"host", 0, 4),
        6 => folded(name, 0, 6) == word(b"expect", 0, 6),
        7 => folded(name, 0, 7) == word(b"upgrade", 0, 7),
        10 => {
            folded(name, 0, 8) == word(b"connection", 0, 8)
                && folded(name, 8, 2) == word(b"connection", 8, 2)
        }
        14 => {
            folded(name, 0, 8) == word(b"content-length", 0, 8)
                && folded(name, 8, 6) == word(b"content-length", 8, 6)
        }
        17 => {
            folded(name, 0, 8) == word(b"transfer-encoding", 0, 8)
                && folded(name, 8, 8) == word(b"transfer-encoding", 8, 8)
                && folded(name, 16, 1) == word(b"transfer-encoding", 16, 1)
        }
        _ => false,
    }
}

/// `len` (at most 8) octets of `bytes` from `at`, as one word.
fn word(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mut w = [0u8; 8];
    if let (Some(dst), Some(src)) = (w.get_mut(..len), bytes.get(at..at + len)) {
        dst.copy_from_slice(src);
    }
    u64::from_le_bytes(w)
}

/// [`word`] with bit 5 of each of its octets set.
fn folded(bytes: &[u8], at: usize, len: usize) -> u64 {
    word(bytes, at, len) | (0x2020_2020_2020_2020 >> (8 * (8 - len.min(8))))
}

/// The method as a static string when it is a common one (no UTF-8 check to
/// hand it out).
fn static_method(method: &str) -> Option<&'static str> {
    Some(match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => return None,
    })
}

/// A response head to a request with `method`, as [`request_head`].
pub(crate) fn response_head<'b>(
    parser: &mut Parser,
    buf: &'b [u8],
    base: usize,
    slots: &mut [Header<'b>],
    spans: &mut Vec<FieldSpan>,
    method: MethodKind,
) -> Result<Option<(usize, HeadInfo)>, ConnectionError> {
    let mut res = Response::new(slots);
    let len = match parser.parse_response(&mut res, buf) {
        Ok(Status::Complete(n)) => n,
        Ok(Status::Partial) => return Ok(None),
        Err(e) => {
            parser.reset();
            return Err(ConnectionError::Malformed(e));
        }
    };
    let body = response_kind(res.code, method.as_str(), res.headers, res.version, buf)
        .map_err(ConnectionError::Malformed)?;
    let info = HeadInfo {
        first: span(buf, res.reason, base),
        target: 0..0,
        known: (None, None),
        method,
        version: res.version,
        code: res.code,
        body,
        expects_continue: false,
        keep_alive: fields::keep_alive(res.version, res.headers),
    };
    record_spans(spans, buf, base, res.headers);
    Ok(Some((len, info)))
}

#[cfg(test)]
mod host_fast_path {
    use super::*;

    #[test]
    fn plain_host_never_accepts_what_the_codec_refuses() {
        let alphabet = b"a0129.:-5Z_%[";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut accepted = 0;
        for _ in 0..400_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 16) as usize;
            let v: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (4 + 3 * i)) as usize) % alphabet.len()])
                .collect();
            if plain_host(&v) {
                accepted += 1;
                let mut h = [Header { name: b"Host", value: &v }];
                let req = Request {
                    method: "GET",
                    target: "/",
                    version: Version::Http11,
                    headers: &mut h,
                };
                assert!(fields::request_host(&req, &v).is_ok(), "{:?}", v);
            }
        }
        for v in
            [&b"10.98.0.1"[..], b"127.0.0.1:8080", b"255.255.255.255", b"www.example.test:65535"]
        {
            assert!(plain_host(v));
        }
        assert!(accepted > 1000);
    }

    #[test]
    fn is_control_is_a_case_insensitive_match() {
        let names: [&[u8]; 6] = [
            b"host",
            b"expect",
            b"upgrade",
            b"connection",
            b"content-length",
            b"transfer-encoding",
        ];
        let tchar =
            b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let base = names[(seed % 6) as usize];
            let mut name = base.to_vec();
            for (i, b) in name.iter_mut().enumerate() {
                match (seed >> (3 + i)) % 8 {
                    0 => *b = b.to_ascii_uppercase(),
                    1 if (seed >> 40).is_multiple_of(3) => {
                        *b = tchar[((seed >> (i % 50)) as usize) % tchar.len()]
                    }
                    _ => {}
                }
            }
            let want = names.iter().any(|n| n.eq_ignore_ascii_case(&name));
            assert_eq!(is_control(&name), want, "{name:?}");
        }
    }
}
