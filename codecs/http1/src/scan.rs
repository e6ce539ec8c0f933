//! The head scanner: start lines and field lines, one pass over the bytes.
//!
//! Every function takes the bytes seen so far and an offset, and either moves past
//! what it recognised, stops with [`Stop::Partial`] when the bytes end first, or
//! fails with the field and offset that broke the grammar. The callers in
//! [`crate::head`] turn `Partial` into [`Status::Partial`](crate::Status) or, past a
//! limit, into an error.

use wirestate_wire::Error;

use crate::error::len_value;
use crate::table::{all_target, scan_field, scan_table, scan_target, TARGET, TCHAR};
use crate::{Header, ParserConfig, Version};

/// Why a scan stopped short of its item.
pub(crate) enum Stop {
    /// The bytes ended first.
    Partial,
    /// The bytes broke a rule.
    Fail(Error),
}

impl From<Error> for Stop {
    #[inline]
    fn from(e: Error) -> Self {
        Stop::Fail(e)
    }
}

/// A scan's result.
pub(crate) type Step<T> = core::result::Result<T, Stop>;

/// Consumes the line end at `pos`: CRLF, or LF with `allow_bare_lf`. Any other byte
/// fails as `field` with `rule`.
#[inline(always)]
pub(crate) fn line_end(
    buf: &[u8],
    pos: usize,
    cfg: &ParserConfig,
    field: &'static str,
    rule: &'static str,
) -> Step<usize> {
    match buf.get(pos) {
        Some(b'\r') => match buf.get(pos + 1) {
            Some(b'\n') => Ok(pos + 2),
            Some(_) => Err(bare_cr(pos)),
            None => Err(Stop::Partial),
        },
        Some(b'\n') if cfg.allow_bare_lf => Ok(pos + 1),
        Some(b'\n') => Err(bare_lf(pos)),
        Some(_) => Err(Error::malformed(field, pos, rule).into()),
        None => Err(Stop::Partial),
    }
}

#[cold]
pub(crate) fn bare_cr(pos: usize) -> Stop {
    // RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be
    // invalid or replace each bare CR with SP before processing the element".
    Error::malformed("line ending", pos, "RFC 9112 §2.2: bare CR").into()
}

#[cold]
pub(crate) fn bare_lf(pos: usize) -> Stop {
    Error::malformed(
        "line ending",
        pos,
        "RFC 9112 §2.2: a line ends with CRLF (allow_bare_lf not enabled)",
    )
    .into()
}

/// Reads `HTTP-version` (RFC 9112 §2.3) at `pos`: `HTTP/1.0` or `HTTP/1.1`; another
/// well-formed version is `Unsupported` (value `10 * major + minor`).
#[inline(always)]
pub(crate) fn version(buf: &[u8], pos: usize) -> Step<Version> {
    let Some(v) = buf.get(pos..).and_then(<[u8]>::first_chunk::<8>) else {
        return Err(version_partial(buf, pos));
    };
    match v {
        b"HTTP/1.1" => Ok(Version::Http11),
        b"HTTP/1.0" => Ok(Version::Http10),
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            let value = u32::from(major - b'0') * 10 + u32::from(minor - b'0');
            Err(Error::unsupported("http-version", pos, value).into())
        }
        _ => Err(bad_version(pos)),
    }
}

#[cold]
fn bad_version(pos: usize) -> Stop {
    Error::malformed("http-version", pos, "RFC 9112 §2.3: HTTP-version is HTTP/DIGIT.DIGIT").into()
}

/// Fewer than 8 bytes: fail now if they cannot start a version, so a peer cannot
/// hold the parser with a wrong prefix.
#[cold]
fn version_partial(buf: &[u8], pos: usize) -> Stop {
    let have = buf.get(pos..).unwrap_or_default();
    let ok = have.iter().zip(b"HTTP/".iter()).all(|(a, b)| a == b)
        && have.get(5).is_none_or(u8::is_ascii_digit)
        && have.get(6).is_none_or(|&b| b == b'.')
        && have.get(7).is_none_or(u8::is_ascii_digit);
    if ok {
        Stop::Partial
    } else {
        bad_version(pos)
    }
}

/// A token (method) or request-target as `&str`, checked to be ASCII (the tables
/// admit ASCII only, so the check does not fail on bytes they passed).
///
/// Why `unsafe`: `core::str::from_utf8` here, a call and a byte-at-a-time loop over
/// the unaligned ends of a short string, took 9% of the fast path's time on a head
/// with a 27-byte target and 17% with a 34-byte one (perf, corpus inputs
/// curl-cookie-referer and go-mod-download of benches/benches/http1.rs). `is_ascii`
/// is inlined and reads a word at a time, and ASCII needs no further UTF-8 check.
#[inline(always)]
pub(crate) fn ascii<'a>(bytes: &'a [u8], field: &'static str, pos: usize) -> Step<&'a str> {
    if !bytes.is_ascii() {
        return Err(not_ascii(field, pos));
    }
    #[allow(unsafe_code, reason = "the UTF-8 check of an ASCII string; see the doc above")]
    // SAFETY: every byte of `bytes` is below 0x80 (`is_ascii`, just above), and a
    // sequence of such bytes is valid UTF-8 (each is a one-byte code point).
    Ok(unsafe { core::str::from_utf8_unchecked(bytes) })
}

#[cold]
fn not_ascii(field: &'static str, pos: usize) -> Stop {
    Error::malformed(field, pos, "RFC 9110 §5.6.2: not ASCII").into()
}

/// The method as `&str`: the common ones from static strings, the rest checked.
#[inline(always)]
pub(crate) fn method_str(method: &[u8], pos: usize) -> Step<&str> {
    Ok(match method {
        b"GET" => "GET",
        b"POST" => "POST",
        b"HEAD" => "HEAD",
        b"PUT" => "PUT",
        b"DELETE" => "DELETE",
        b"OPTIONS" => "OPTIONS",
        b"CONNECT" => "CONNECT",
        _ => ascii(method, "method", pos)?,
    })
}

/// The parts of a request-line.
pub(crate) struct RequestLine<'b> {
    pub method: &'b str,
    pub target: &'b str,
    pub version: Version,
    /// Offset just past the line end.
    pub end: usize,
}

/// Reads leading empty lines (if allowed) and the request-line (RFC 9112 §3).
#[inline(always)]
pub(crate) fn request_line<'b>(buf: &'b [u8], cfg: &ParserConfig) -> Step<RequestLine<'b>> {
    let mut start = 0;
    while let Some(b'\r' | b'\n') = buf.get(start) {
        if !cfg.allow_leading_empty_lines {
            return Err(Error::malformed(
                "request-line",
                start,
                "RFC 9112 §2.2: empty line before the request-line \
                 (allow_leading_empty_lines not enabled)",
            )
            .into());
        }
        start = line_end(buf, start, cfg, "request-line", "RFC 9112 §2.2: an empty line is CRLF")?;
    }
    let pos = scan_table(buf, start, &TCHAR);
    match buf.get(pos) {
        Some(b' ') if pos > start => {}
        None => return Err(Stop::Partial),
        _ => return Err(token_then_sp("method", pos)),
    }
    let method = buf.get(start..pos).unwrap_or_default();
    let t = pos + 1;
    let pos = scan_target(buf, t);
    match buf.get(pos) {
        Some(b' ') if pos > t => {}
        None => return Err(Stop::Partial),
        _ => return Err(bad_target(pos)),
    }
    let target = buf.get(t..pos).unwrap_or_default();
    if !all_target(target) {
        let bad = target.iter().position(|&b| !TARGET[usize::from(b)]).unwrap_or(0);
        return Err(bad_target(t + bad));
    }
    let version = version(buf, pos + 1)?;
    let end = line_end(
        buf,
        pos + 9,
        cfg,
        "request-line",
        "RFC 9112 §3: HTTP-version is followed by CRLF",
    )?;
    if end - start > cfg.max_line_len {
        return Err(Error::unsupported("request-line", start, len_value(end - start)).into());
    }
    Ok(RequestLine {
        method: method_str(method, start)?,
        // "/" alone is the most common target; skip the UTF-8 check's call for it.
        target: if target == b"/" { "/" } else { ascii(target, "request-target", t)? },
        version,
        end,
    })
}

#[cold]
fn token_then_sp(field: &'static str, pos: usize) -> Stop {
    Error::malformed(field, pos, "RFC 9112 §3: method is a token followed by SP").into()
}

#[cold]
fn bad_target(pos: usize) -> Stop {
    Error::malformed(
        "request-target",
        pos,
        "RFC 9112 §3.2: request-target is URI characters (RFC 3986 §2) followed by SP",
    )
    .into()
}

/// The parts of a status-line.
pub(crate) struct StatusLine<'b> {
    pub version: Version,
    pub code: u16,
    pub reason: &'b [u8],
    pub end: usize,
}

/// Reads a status-line (RFC 9112 §4). The SP before an empty reason may be missing:
/// servers send `HTTP/1.1 200\r\n`, and a missing reason changes no framing.
#[inline(always)]
pub(crate) fn status_line<'b>(buf: &'b [u8], cfg: &ParserConfig) -> Step<StatusLine<'b>> {
    let version = version(buf, 0)?;
    let code = match buf.get(8..13) {
        Some(&[b' ', a, b, c, next])
            if a.is_ascii_digit()
                && b.is_ascii_digit()
                && c.is_ascii_digit()
                && matches!(next, b' ' | b'\r' | b'\n') =>
        {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        Some(_) => return Err(bad_status(8)),
        None if status_prefix_ok(buf.get(8..).unwrap_or_default()) => return Err(Stop::Partial),
        None => return Err(bad_status(8)),
    };
    if !(100..=599).contains(&code) {
        // RFC 9110 §15: "All valid status codes are within the range of 100 to 599".
        return Err(bad_status(9));
    }
    let rs = if buf.get(12) == Some(&b' ') { 13 } else { 12 };
    let pos = scan_field(buf, rs);
    let end = line_end(
        buf,
        pos,
        cfg,
        "reason-phrase",
        "RFC 9112 §4: reason-phrase is HTAB, SP, VCHAR and obs-text",
    )?;
    if end > cfg.max_line_len {
        return Err(Error::unsupported("status-line", 0, len_value(end)).into());
    }
    Ok(StatusLine { version, code, reason: buf.get(rs..pos).unwrap_or_default(), end })
}

fn status_prefix_ok(have: &[u8]) -> bool {
    have.iter().enumerate().all(|(i, &b)| if i == 0 { b == b' ' } else { b.is_ascii_digit() })
}

#[cold]
fn bad_status(pos: usize) -> Stop {
    Error::malformed("status-code", pos, "RFC 9112 §4: SP, then status-code is 3 digits 100-599")
        .into()
}

/// Where [`fields`] puts what it reads.
pub(crate) trait Sink<'b> {
    /// One more field, whose line starts at `line_start`.
    fn push(&mut self, header: Header<'b>, line_start: usize) -> Step<()>;
    /// The last field's value grew by an obs-fold.
    fn fold(&mut self, value: &'b [u8]);
}

/// Caller-provided header slots, at most `limit` used.
pub(crate) struct Slots<'s, 'b> {
    pub headers: &'s mut [Header<'b>],
    pub count: usize,
    pub limit: usize,
}

impl<'b> Sink<'b> for Slots<'_, 'b> {
    #[inline(always)]
    fn push(&mut self, header: Header<'b>, line_start: usize) -> Step<()> {
        match self.headers.get_mut(self.count) {
            Some(slot) if self.count < self.limit => *slot = header,
            _ => return Err(too_many(line_start, self.count)),
        }
        self.count += 1;
        Ok(())
    }

    fn fold(&mut self, value: &'b [u8]) {
        if let Some(last) = self.count.checked_sub(1).and_then(|i| self.headers.get_mut(i)) {
            last.value = value;
        }
    }
}

/// Only counts (validating trailers without storing them).
pub(crate) struct Count {
    pub count: usize,
    pub limit: usize,
}

impl<'b> Sink<'b> for Count {
    fn push(&mut self, _: Header<'b>, line_start: usize) -> Step<()> {
        if self.count >= self.limit {
            return Err(too_many(line_start, self.count));
        }
        self.count += 1;
        Ok(())
    }

    fn fold(&mut self, _: &'b [u8]) {}
}

/// Reads field lines from `pos` through the empty line that ends the section (RFC
/// 9112 §5), into `sink`. Returns the offset past the empty line.
#[inline(always)]
pub(crate) fn fields<'b>(
    buf: &'b [u8],
    mut pos: usize,
    sink: &mut impl Sink<'b>,
    cfg: &ParserConfig,
) -> Step<usize> {
    let mut count = 0;
    let mut last_value_start = 0;
    loop {
        let line_start = pos;
        let name_end = scan_table(buf, pos, &TCHAR);
        // The common case first and branch-light; the rest (end of the section, a
        // fold, whitespace before the colon, running out) out of line.
        let colon = if name_end > pos && buf.get(name_end) == Some(&b':') {
            name_end
        } else {
            match not_a_field(buf, pos, name_end, count, last_value_start, cfg)? {
                NotAField::End(end) => return Ok(end),
                NotAField::Fold(end, value) => {
                    sink.fold(value);
                    pos = end;
                    continue;
                }
                NotAField::Colon(colon) => colon,
            }
        };
        let mut vs = colon + 1;
        while let Some(b' ' | b'\t') = buf.get(vs) {
            vs += 1;
        }
        let ve = scan_field(buf, vs);
        let end = line_end(
            buf,
            ve,
            cfg,
            "field-value",
            "RFC 9110 §5.5: a field value holds VCHAR, obs-text, SP and HTAB",
        )?;
        if end - line_start > cfg.max_line_len {
            return Err(too_long(line_start, end));
        }
        let value = trim_end(buf.get(vs..ve).unwrap_or_default());
        let name = buf.get(pos..name_end).unwrap_or_default();
        sink.push(Header { name, value }, line_start)?;
        count += 1;
        last_value_start = vs;
        pos = end;
    }
}

/// What a line that is not `token ":"` turned out to be.
enum NotAField<'b> {
    /// The empty line ending the section; the offset past it.
    End(usize),
    /// An obs-fold line: the offset past it and the grown value.
    Fold(usize, &'b [u8]),
    /// A name, whitespace, then the colon at this offset (allowed leniency).
    Colon(usize),
}

#[inline(never)]
fn not_a_field<'b>(
    buf: &'b [u8],
    pos: usize,
    name_end: usize,
    count: usize,
    last_value_start: usize,
    cfg: &ParserConfig,
) -> Step<NotAField<'b>> {
    match buf.get(name_end) {
        Some(b'\r' | b'\n') if name_end == pos => {
            line_end(buf, pos, cfg, "field-line", "RFC 9112 §2.2: an empty line is CRLF")
                .map(NotAField::End)
        }
        Some(b' ' | b'\t') if name_end == pos => {
            let (end, value) = obs_fold(buf, pos, count, last_value_start, cfg)?;
            Ok(NotAField::Fold(end, value))
        }
        None => Err(Stop::Partial),
        Some(_) => space_before_colon(buf, pos, name_end, cfg).map(NotAField::Colon),
    }
}

#[cold]
fn too_long(line_start: usize, end: usize) -> Stop {
    Error::unsupported("field-line", line_start, len_value(end - line_start)).into()
}

#[cold]
fn too_many(line_start: usize, count: usize) -> Stop {
    Error::unsupported("header count", line_start, len_value(count + 1)).into()
}

/// The field name at `start..name_end` is followed by neither ':' nor a line end:
/// whitespace before the colon (refused unless allowed) or a byte outside `tchar`.
/// Returns the offset of the colon.
#[cold]
fn space_before_colon(
    buf: &[u8],
    start: usize,
    name_end: usize,
    cfg: &ParserConfig,
) -> Step<usize> {
    let mut pos = name_end;
    if name_end > start && cfg.allow_space_before_colon {
        while let Some(b' ' | b'\t') = buf.get(pos) {
            pos += 1;
        }
        match buf.get(pos) {
            Some(b':') => return Ok(pos),
            None => return Err(Stop::Partial),
            Some(_) => {}
        }
    }
    let rule = match buf.get(name_end) {
        Some(b' ' | b'\t') if name_end > start => {
            "RFC 9112 §5.1: no whitespace is allowed between the field name and colon"
        }
        _ if name_end == start => "RFC 9110 §5.1: a field name is a non-empty token",
        _ => "RFC 9110 §5.1: a field name is a token followed by ':'",
    };
    Err(Error::malformed("field-name", name_end, rule).into())
}

/// A line that starts with SP or HTAB: obs-fold (RFC 9112 §5.2). With
/// `allow_obs_fold` and a field before it, the previous value grows to the end of
/// this line; returns the offset past the line and the grown value.
#[cold]
fn obs_fold<'b>(
    buf: &'b [u8],
    pos: usize,
    count: usize,
    value_start: usize,
    cfg: &ParserConfig,
) -> Step<(usize, &'b [u8])> {
    if count == 0 {
        // RFC 9112 §2.2: whitespace between the start-line and the first field "MUST
        // either reject the message as invalid or consume each whitespace-preceded line".
        return Err(Error::malformed(
            "obs-fold",
            pos,
            "RFC 9112 §2.2: whitespace between the start-line and the first field",
        )
        .into());
    }
    if !cfg.allow_obs_fold {
        return Err(Error::malformed(
            "obs-fold",
            pos,
            "RFC 9112 §5.2: obs-fold is rejected (allow_obs_fold not enabled)",
        )
        .into());
    }
    let ve = scan_field(buf, pos);
    let end = line_end(buf, ve, cfg, "field-value", "RFC 9110 §5.5: obs-fold holds field-vchar")?;
    if end - pos > cfg.max_line_len {
        return Err(too_long(pos, end));
    }
    Ok((end, trim(buf.get(value_start..ve).unwrap_or_default())))
}

/// `s` without trailing SP and HTAB (RFC 9112 §5.1: OWS around a value is not part of it).
#[inline(always)]
pub(crate) fn trim_end(s: &[u8]) -> &[u8] {
    let mut s = s;
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// `s` without leading or trailing whitespace, CR and LF included (a folded value).
pub(crate) fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// `ascii` returns the string `from_utf8` would for ASCII bytes, and refuses
    /// every other byte, UTF-8 or not, with the field and offset it was given.
    #[test]
    fn ascii_is_from_utf8_of_ascii_only() {
        for b in 0..=u8::MAX {
            let bytes = [b'/', b, b'x'];
            match ascii(&bytes, "request-target", 4) {
                Ok(s) => {
                    assert!(b.is_ascii());
                    assert_eq!(s, core::str::from_utf8(&bytes).unwrap());
                }
                Err(Stop::Fail(e)) => {
                    assert!(!b.is_ascii());
                    assert_eq!((e.field(), e.offset()), ("request-target", 4));
                }
                Err(Stop::Partial) => panic!("partial"),
            }
        }
        assert!(ascii("/é".as_bytes(), "request-target", 0).is_err());
        assert_eq!(ascii(b"", "method", 0).ok(), Some(""));
    }

    proptest! {
        #[test]
        fn ascii_agrees_with_from_utf8(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let want = core::str::from_utf8(&bytes).ok().filter(|s| s.is_ascii());
            let got: Option<Vec<u8>> = ascii(&bytes, "method", 0).ok().map(|s| s.as_bytes().to_vec());
            prop_assert_eq!(got.as_deref(), want.map(str::as_bytes));
        }
    }
}
