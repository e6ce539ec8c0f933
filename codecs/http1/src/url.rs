//! URLs (RFC 3986): `scheme://userinfo@host:port/path?query#fragment`, hosts as
//! names, IPv4 or IPv6 literals, default ports, percent-decoding and
//! `remove_dot_segments` (RFC 3986 §5.2.4).

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

use nom::bytes::complete::take_while;
use nom::character::complete::satisfy;
use nom::combinator::recognize;
use nom::Parser as _;
use wirestate_wire::{Error, Result};

/// A URL's host (RFC 3986 §3.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host<'a> {
    /// A registered name, as written (compare case-insensitively). May be empty
    /// (`file:///`), and may hold percent-encoding.
    Name(&'a str),
    /// A dotted-quad IPv4 address.
    V4(Ipv4Addr),
    /// An IPv6 literal, written in brackets.
    V6(Ipv6Addr),
}

impl fmt::Display for Host<'_> {
    /// The host as it goes in a Host header: IPv6 in brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::V4(a) => write!(f, "{a}"),
            Host::V6(a) => write!(f, "[{a}]"),
        }
    }
}

/// An absolute URL, its parts borrowed from the input (RFC 3986 §3).
///
/// ```
/// use wirestate_http1::{Host, Url};
/// let url = Url::parse("http://user@[2001:db8::1]:8080/a/./b/../c?q=1#top").unwrap();
/// assert_eq!(url.scheme, "http");
/// assert_eq!(url.userinfo, Some("user"));
/// assert_eq!(url.host, Host::V6("2001:db8::1".parse().unwrap()));
/// assert_eq!((url.port, url.port_or_default()), (Some(8080), Some(8080)));
/// assert_eq!((url.path, url.query, url.fragment), ("/a/./b/../c", Some("q=1"), Some("top")));
/// let mut buf = [0u8; 32];
/// assert_eq!(url.normalized_path(&mut buf).unwrap(), "/a/c");
/// assert_eq!(Url::parse("https://example.test").unwrap().port_or_default(), Some(443));
///
/// let err = Url::parse("http://example.test:99999/").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("port", 20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Url<'a> {
    /// The scheme, as written (schemes compare case-insensitively).
    pub scheme: &'a str,
    /// The userinfo before `@` (still percent-encoded).
    pub userinfo: Option<&'a str>,
    /// The host.
    pub host: Host<'a>,
    /// The port, if one is written (an empty port counts as none).
    pub port: Option<u16>,
    /// The path (still percent-encoded; may be empty).
    pub path: &'a str,
    /// The query after `?`, without it.
    pub query: Option<&'a str>,
    /// The fragment after `#`, without it.
    pub fragment: Option<&'a str>,
}

/// The default port of a scheme this crate knows (`http` 80, `https` 443, `ws` 80,
/// `wss` 443, `ftp` 21), case-insensitively.
pub fn default_port(scheme: &str) -> Option<u16> {
    [("http", 80), ("https", 443), ("ws", 80), ("wss", 443), ("ftp", 21)]
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(scheme))
        .map(|&(_, p)| p)
}

impl<'a> Url<'a> {
    /// Parses an absolute URL with an authority (`scheme://...`).
    ///
    /// # Errors
    /// `Malformed` at the offset in `input` of: "scheme" (not `ALPHA *(ALPHA / DIGIT
    /// / + / - / .)` then `://`), "userinfo", "host" (a byte outside reg-name, a bad
    /// IPv6 literal), "port" (not digits, or over 65535), "path", "query",
    /// "fragment" (a byte outside the component's set, or `%` not followed by two
    /// hex digits); `Unsupported` "host" for IPvFuture and IPv6 zone identifiers.
    pub fn parse(input: &'a str) -> Result<Self> {
        let bytes = input.as_bytes();
        let scheme = scheme(bytes)?;
        let after = scheme.len() + 1;
        if bytes.get(after..after + 2) != Some(b"//") {
            return Err(Error::malformed(
                "scheme",
                scheme.len(),
                "RFC 3986 §3: scheme \"://\" authority",
            ));
        }
        let start = after + 2;
        let end = bytes
            .iter()
            .skip(start)
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .map_or(bytes.len(), |i| start + i);
        let (userinfo, host, port) = authority(input, start, end)?;
        let (path, query, fragment) = path_query_fragment(input, end)?;
        Ok(Url { scheme: sub(input, 0, scheme.len()), userinfo, host, port, path, query, fragment })
    }

    /// The port, or the scheme's default.
    pub fn port_or_default(&self) -> Option<u16> {
        self.port.or_else(|| default_port(self.scheme))
    }

    /// The path with `.` and `..` segments removed (RFC 3986 §5.2.4), written into
    /// `out` (as long as the path always suffices). An empty path gives `/`.
    ///
    /// # Errors
    /// `Truncated` "path" when `out` is too short.
    pub fn normalized_path<'o>(&self, out: &'o mut [u8]) -> Result<&'o str> {
        let path = if self.path.is_empty() { "/" } else { self.path };
        remove_dot_segments(path, out)
    }

    /// What a client sends as an origin-form request-target (RFC 9112 §3.2.1): the
    /// path (or `/`) and the query, as `(path, query)`.
    pub fn origin_form(&self) -> (&'a str, Option<&'a str>) {
        (if self.path.is_empty() { "/" } else { self.path }, self.query)
    }
}

fn sub(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or_default()
}

fn scheme(bytes: &[u8]) -> Result<&[u8]> {
    let mut p = recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
    ));
    let r: nom::IResult<&[u8], &[u8]> = p.parse(bytes);
    match r {
        Ok((rest, s)) if rest.first() == Some(&b':') => Ok(s),
        Ok((_, s)) => {
            Err(Error::malformed("scheme", s.len(), "RFC 3986 §3.1: scheme ends with ':'"))
        }
        Err(_) => Err(Error::malformed("scheme", 0, "RFC 3986 §3.1: scheme starts with ALPHA")),
    }
}

/// Splits `input[start..end]` into userinfo, host and port (RFC 3986 §3.2).
fn authority(
    input: &str,
    start: usize,
    end: usize,
) -> Result<(Option<&str>, Host<'_>, Option<u16>)> {
    let bytes = input.as_bytes();
    let auth = bytes.get(start..end).unwrap_or_default();
    let (userinfo, host_start) = match auth.iter().rposition(|&b| b == b'@') {
        Some(at) => {
            check_set(input, start, start + at, USERINFO, "userinfo")?;
            (Some(sub(input, start, start + at)), start + at + 1)
        }
        None => (None, start),
    };
    let (host, port) = host_port(input, host_start, end)?;
    Ok((userinfo, host, port))
}

/// Parses `host [ ":" port ]` at `input[start..end]`; also the Host header's grammar
/// (RFC 9110 §7.2: `uri-host [ ":" port ]`).
pub(crate) fn host_port(input: &str, start: usize, end: usize) -> Result<(Host<'_>, Option<u16>)> {
    let bytes = input.as_bytes();
    let (host, after) = if bytes.get(start) == Some(&b'[') {
        let close =
            bytes.get(start..end).and_then(|a| a.iter().position(|&b| b == b']')).ok_or_else(
                || Error::malformed("host", start, "RFC 3986 §3.2.2: IP-literal ends with ']'"),
            )?;
        let lit = sub(input, start + 1, start + close);
        if lit.starts_with(['v', 'V']) || lit.contains('%') {
            return Err(Error::unsupported("host", start + 1, 0));
        }
        let addr: Ipv6Addr = lit
            .parse()
            .map_err(|_| Error::malformed("host", start + 1, "RFC 3986 §3.2.2: IPv6address"))?;
        (Host::V6(addr), start + close + 1)
    } else {
        let colon = bytes
            .get(start..end)
            .and_then(|a| a.iter().position(|&b| b == b':'))
            .map_or(end, |i| start + i);
        check_set(input, start, colon, REG_NAME, "host")?;
        let name = sub(input, start, colon);
        let looks_v4 = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let host = match name.parse::<Ipv4Addr>() {
            Ok(a) => Host::V4(a),
            // RFC 3986 §3.2.2: a name of digits and dots that is no dotted quad would
            // be read as an address by other parsers; refuse the ambiguity.
            Err(_) if looks_v4 => {
                return Err(Error::malformed("host", start, "RFC 3986 §3.2.2: IPv4address"))
            }
            Err(_) => Host::Name(name),
        };
        (host, colon)
    };
    let port = match bytes.get(after..end) {
        None | Some(b"") => None,
        Some([b':', digits @ ..]) => port(digits, after + 1)?,
        Some(_) => {
            return Err(Error::malformed(
                "host",
                after,
                "RFC 3986 §3.2: host is followed by ':' port",
            ))
        }
    };
    Ok((host, port))
}

fn port(digits: &[u8], at: usize) -> Result<Option<u16>> {
    if digits.is_empty() {
        return Ok(None);
    }
    if let Some(i) = digits.iter().position(|b| !b.is_ascii_digit()) {
        return Err(Error::malformed("port", at + i, "RFC 3986 §3.2.3: port is *DIGIT"));
    }
    crate::framing::parse_decimal(digits)
        .and_then(|p| u16::try_from(p).ok())
        .map(Some)
        .ok_or_else(|| Error::malformed("port", at, "RFC 3986 §3.2.3: port is at most 65535"))
}

/// Splits `input[start..]` into path, query and fragment, checking each.
pub(crate) fn path_query_fragment(
    input: &str,
    start: usize,
) -> Result<(&str, Option<&str>, Option<&str>)> {
    let bytes = input.as_bytes();
    let hash = bytes.iter().skip(start).position(|&b| b == b'#').map_or(bytes.len(), |i| start + i);
    let qm = bytes
        .get(start..hash)
        .and_then(|p| p.iter().position(|&b| b == b'?'))
        .map_or(hash, |i| start + i);
    check_set(input, start, qm, PATH, "path")?;
    let query = if qm < hash {
        check_set(input, qm + 1, hash, QUERY, "query")?;
        Some(sub(input, qm + 1, hash))
    } else {
        None
    };
    let fragment = if hash < bytes.len() {
        check_set(input, hash + 1, bytes.len(), QUERY, "fragment")?;
        Some(sub(input, hash + 1, bytes.len()))
    } else {
        None
    };
    Ok((sub(input, start, qm), query, fragment))
}

/// Component character sets (RFC 3986 §2-3), as extra bytes beyond
/// unreserved (`ALPHA DIGIT - . _ ~`) and pct-encoded.
const SUB_DELIMS: &[u8] = b"!$&'()*+,;=";
const USERINFO: &[u8] = b"!$&'()*+,;=:";
const REG_NAME: &[u8] = SUB_DELIMS;
const PATH: &[u8] = b"!$&'()*+,;=:@/";
const QUERY: &[u8] = b"!$&'()*+,;=:@/?";

fn check_set(
    input: &str,
    start: usize,
    end: usize,
    extra: &[u8],
    field: &'static str,
) -> Result<()> {
    let bytes = input.as_bytes().get(start..end).unwrap_or_default();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let ok = bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return Err(Error::malformed(field, start + i, "RFC 3986 §2.1: '%' HEXDIG HEXDIG"));
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || extra.contains(&b))
        {
            return Err(Error::malformed(
                field,
                start + i,
                "RFC 3986 §3: a byte outside the component's characters",
            ));
        }
        i += 1;
    }
    Ok(())
}

/// Percent-decodes `input` into `out` (RFC 3986 §2.1); returns the decoded length.
/// `out` as long as `input` always suffices.
///
/// ```
/// use wirestate_http1::percent_decode;
/// let mut out = [0u8; 16];
/// assert_eq!(percent_decode(b"a%20b%2Fc", &mut out).unwrap(), 5);
/// assert_eq!(&out[..5], b"a b/c");
/// assert_eq!(percent_decode(b"100%", &mut out).unwrap_err().offset(), 3);
/// ```
///
/// # Errors
/// `Malformed` "pct-encoded" at a `%` not followed by two hex digits; `Truncated`
/// "decoded" when `out` is too short.
pub fn percent_decode(input: &[u8], out: &mut [u8]) -> Result<usize> {
    let (mut i, mut n) = (0, 0);
    while let Some(&b) = input.get(i) {
        let (byte, used) = if b == b'%' {
            match (input.get(i + 1).and_then(hex), input.get(i + 2).and_then(hex)) {
                (Some(h), Some(l)) => (h << 4 | l, 3),
                _ => {
                    return Err(Error::malformed(
                        "pct-encoded",
                        i,
                        "RFC 3986 §2.1: '%' HEXDIG HEXDIG",
                    ))
                }
            }
        } else {
            (b, 1)
        };
        let slot = out.get_mut(n).ok_or_else(|| Error::truncated("decoded", n, n + 1, n))?;
        *slot = byte;
        n += 1;
        i += used;
    }
    Ok(n)
}

fn hex(b: &u8) -> Option<u8> {
    char::from(*b).to_digit(16).map(|d| d as u8)
}

/// RFC 3986 §5.2.4 `remove_dot_segments`, writing into `out` (as long as `path`
/// always suffices).
///
/// ```
/// use wirestate_http1::remove_dot_segments;
/// let mut out = [0u8; 32];
/// assert_eq!(remove_dot_segments("/a/b/c/./../../g", &mut out).unwrap(), "/a/g");
/// assert_eq!(remove_dot_segments("mid/content=5/../6", &mut out).unwrap(), "mid/6");
/// assert_eq!(remove_dot_segments("/../../x/..", &mut out).unwrap(), "/");
/// ```
///
/// # Errors
/// `Truncated` "path" when `out` is too short.
pub fn remove_dot_segments<'o>(path: &str, out: &'o mut [u8]) -> Result<&'o str> {
    let mut input = path.as_bytes();
    let mut len = 0usize;
    while !input.is_empty() {
        // A: drop "../" or "./" prefixes.
        if let Some(rest) = input.strip_prefix(b"../").or_else(|| input.strip_prefix(b"./")) {
            input = rest;
        // B: "/./" or a final "/." becomes "/".
        } else if input.starts_with(b"/./") || input == b"/." {
            input = if input == b"/." { b"/" } else { input.get(2..).unwrap_or_default() };
        // C: "/../" or a final "/.." becomes "/" and drops the last output segment.
        } else if input.starts_with(b"/../") || input == b"/.." {
            input = if input == b"/.." { b"/" } else { input.get(3..).unwrap_or_default() };
            let kept = out.get(..len).unwrap_or_default();
            len = kept.iter().rposition(|&b| b == b'/').unwrap_or(0);
        // D: a lone "." or "..".
        } else if input == b"." || input == b".." {
            input = b"";
        // E: move the first segment (with its leading "/") to the output.
        } else {
            let skip = usize::from(input.first() == Some(&b'/'));
            let seg =
                input.iter().skip(skip).position(|&b| b == b'/').map_or(input.len(), |i| i + skip);
            let (head, rest) = input.split_at(seg);
            let dst = out
                .get_mut(len..len + head.len())
                .ok_or_else(|| Error::truncated("path", len, len + head.len(), len))?;
            dst.copy_from_slice(head);
            len += head.len();
            input = rest;
        }
    }
    let done = out.get(..len).unwrap_or_default();
    core::str::from_utf8(done).map_err(|_| {
        Error::malformed("path", 0, "RFC 3986 §2.5: the decoded path is not UTF-8 text")
    })
}

#[cfg(test)]
mod tests;
