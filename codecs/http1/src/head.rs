//! Request and response heads parsed in place, and the incremental [`Parser`].

use wirestate_wire::{Error, Result};

use crate::error::len_value;
use crate::scan::{fields, request_line, status_line, Slots, Step, Stop};
use crate::{simd, ParserConfig};

/// One header field: a name (a token, RFC 9110 §5.1) and a value as on the wire,
/// without the whitespace around it (RFC 9112 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'b> {
    /// The field name, as sent: a token, so ASCII (compare with
    /// `eq_ignore_ascii_case`; [`name_str`](Self::name_str) for text). Bytes rather
    /// than `&str` because converting costs a UTF-8 check per field on the hot path.
    pub name: &'b [u8],
    /// The field value: VCHAR, obs-text, SP and HTAB (and, with `allow_obs_fold`, the
    /// CRLF of a fold).
    pub value: &'b [u8],
}

/// A [`Header`] to fill arrays with before parsing.
pub const EMPTY_HEADER: Header<'static> = Header { name: b"", value: b"" };

impl<'b> Header<'b> {
    /// The name as text (always ASCII once parsed; `""` otherwise).
    pub fn name_str(&self) -> &'b str {
        core::str::from_utf8(self.name).unwrap_or_default()
    }

    /// Whether the name is `name`, ignoring ASCII case (RFC 9110 §5.1).
    #[inline]
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// The result of an incremental parse: done after `T`, or more bytes are needed.
/// "Need more" is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<T> {
    /// Complete: for a head, the number of bytes it took.
    Complete(T),
    /// The bytes ended before the item did.
    Partial,
}

impl<T> Status<T> {
    /// Whether the item is complete.
    pub fn is_complete(&self) -> bool {
        matches!(self, Status::Complete(_))
    }

    /// The value when complete.
    pub fn complete(self) -> Option<T> {
        match self {
            Status::Complete(t) => Some(t),
            Status::Partial => None,
        }
    }
}

/// The protocol version of a message (RFC 9112 §2.3); this codec reads 1.0 and 1.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Version {
    /// HTTP/1.0
    Http10,
    /// HTTP/1.1
    #[default]
    Http11,
}

impl Version {
    /// `"HTTP/1.0"` or `"HTTP/1.1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }

    /// The minor version: 0 or 1.
    pub fn minor(self) -> u8 {
        match self {
            Version::Http10 => 0,
            Version::Http11 => 1,
        }
    }
}

/// Finds the first field called `name` (case-insensitive) in `headers`.
pub fn find_header<'b>(headers: &[Header<'b>], name: &str) -> Option<&'b [u8]> {
    headers.iter().find(|h| h.is(name)).map(|h| h.value)
}

/// A request head (RFC 9112 §3) parsed in place into caller-provided header slots.
///
/// The fields are meaningful once a parse returned [`Status::Complete`]; then
/// `headers` is shortened to the fields read.
///
/// ```
/// use wirestate_http1::{Request, Status, Version, EMPTY_HEADER};
/// let bytes = b"GET /index.html HTTP/1.1\r\nHost: www.example.test\r\n\r\nbody";
/// let mut headers = [EMPTY_HEADER; 8];
/// let mut req = Request::new(&mut headers);
/// assert_eq!(req.parse(bytes).unwrap(), Status::Complete(52));
/// assert_eq!((req.method, req.target, req.version), ("GET", "/index.html", Version::Http11));
/// assert_eq!(req.headers.len(), 1);
/// assert_eq!(req.header("host"), Some(&b"www.example.test"[..]));
///
/// // Not all there yet: need more, not an error.
/// let mut req = Request::new(&mut headers);
/// assert_eq!(req.parse(&bytes[..30]).unwrap(), Status::Partial);
/// // A NUL in a value is refused, with where.
/// let err = Request::new(&mut headers).parse(b"GET / HTTP/1.1\r\nA: b\0\r\n\r\n").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("field-value", 20));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'h, 'b> {
    /// The method token, e.g. `GET`.
    pub method: &'b str,
    /// The request-target as sent (see [`RequestTarget`](crate::RequestTarget)).
    pub target: &'b str,
    /// The protocol version.
    pub version: Version,
    /// The header fields, in wire order.
    pub headers: &'h mut [Header<'b>],
}

impl<'h, 'b> Request<'h, 'b> {
    /// An empty request over `headers`, which bounds how many fields can be read.
    pub fn new(headers: &'h mut [Header<'b>]) -> Self {
        Request { method: "", target: "", version: Version::Http11, headers }
    }

    /// Parses a whole-or-partial head from `buf` with the strict defaults. For a head
    /// arriving in pieces, use a [`Parser`]: it does not rescan.
    ///
    /// # Errors
    /// The field and offset of the first rule broken (see [`Parser::parse_request`]).
    pub fn parse(&mut self, buf: &'b [u8]) -> Result<Status<usize>> {
        Parser::new(ParserConfig::STRICT).parse_request(self, buf)
    }

    /// [`parse`](Self::parse) with `config`.
    ///
    /// # Errors
    /// As [`Parser::parse_request`].
    pub fn parse_with(&mut self, config: &ParserConfig, buf: &'b [u8]) -> Result<Status<usize>> {
        Parser::new(*config).parse_request(self, buf)
    }

    /// The first field called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        find_header(self.headers, name)
    }

    #[inline(always)]
    fn parse_full(&mut self, buf: &'b [u8], cfg: &ParserConfig) -> Step<usize> {
        if let Some(end) = simd::request(buf, self, cfg) {
            return Ok(end);
        }
        let line = request_line(buf, cfg)?;
        self.method = line.method;
        self.target = line.target;
        self.version = line.version;
        let mut slots = Slots { headers: self.headers, count: 0, limit: cfg.max_headers };
        let end = fields(buf, line.end, &mut slots, cfg)?;
        let count = slots.count;
        shorten(&mut self.headers, count);
        Ok(end)
    }
}

/// A response head (RFC 9112 §4) parsed in place; see [`Request`] for the contract.
///
/// ```
/// use wirestate_http1::{Response, Status, EMPTY_HEADER};
/// let bytes = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
/// let mut headers = [EMPTY_HEADER; 8];
/// let mut res = Response::new(&mut headers);
/// assert_eq!(res.parse(bytes).unwrap(), Status::Complete(bytes.len()));
/// assert_eq!((res.code, res.reason), (404, &b"Not Found"[..]));
///
/// let err = Response::new(&mut headers).parse(b"HTTP/1.1 20 OK\r\n\r\n").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("status-code", 8));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Response<'h, 'b> {
    /// The protocol version.
    pub version: Version,
    /// The status code, 100 to 599.
    pub code: u16,
    /// The reason phrase (may be empty; may hold obs-text, so bytes).
    pub reason: &'b [u8],
    /// The header fields, in wire order.
    pub headers: &'h mut [Header<'b>],
}

impl<'h, 'b> Response<'h, 'b> {
    /// An empty response over `headers`.
    pub fn new(headers: &'h mut [Header<'b>]) -> Self {
        Response { version: Version::Http11, code: 0, reason: b"", headers }
    }

    /// Parses with the strict defaults; see [`Request::parse`].
    ///
    /// # Errors
    /// As [`Parser::parse_response`].
    pub fn parse(&mut self, buf: &'b [u8]) -> Result<Status<usize>> {
        Parser::new(ParserConfig::STRICT).parse_response(self, buf)
    }

    /// [`parse`](Self::parse) with `config`.
    ///
    /// # Errors
    /// As [`Parser::parse_response`].
    pub fn parse_with(&mut self, config: &ParserConfig, buf: &'b [u8]) -> Result<Status<usize>> {
        Parser::new(*config).parse_response(self, buf)
    }

    /// The first field called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        find_header(self.headers, name)
    }

    /// The reason phrase as text, if it is UTF-8.
    pub fn reason_str(&self) -> Option<&'b str> {
        core::str::from_utf8(self.reason).ok()
    }

    #[inline(always)]
    fn parse_full(&mut self, buf: &'b [u8], cfg: &ParserConfig) -> Step<usize> {
        if let Some(end) = simd::response(buf, self, cfg) {
            return Ok(end);
        }
        // The fast path gives up on folds, so the leniency matters only from here.
        let cfg = &cfg.for_response();
        let line = status_line(buf, cfg)?;
        self.version = line.version;
        self.code = line.code;
        self.reason = line.reason;
        let mut slots = Slots { headers: self.headers, count: 0, limit: cfg.max_headers };
        let end = fields(buf, line.end, &mut slots, cfg)?;
        let count = slots.count;
        shorten(&mut self.headers, count);
        Ok(end)
    }
}

pub(crate) fn shorten<T>(slots: &mut &mut [T], count: usize) {
    let all = core::mem::take(slots);
    let len = all.len();
    *slots = all.get_mut(..count.min(len)).unwrap_or_default();
}

/// The incremental head parser: call it again with the same bytes plus more after a
/// [`Status::Partial`], and it resumes where the last complete line ended instead of
/// rescanning, so a head read in `n` pieces costs O(length), not O(n · length).
///
/// Contract: each call's buffer starts with the bytes of the previous call's
/// (the usual growing read buffer); after `Complete` or an error, the parser is
/// ready for the next message.
///
/// The first call parses optimistically in one pass. After a `Partial`, later calls
/// only look for the empty line that ends the head, and parse the head once when it
/// is there. Limits are enforced in both phases: a head that grows past
/// `max_head_len`, or a line past `max_line_len`, is refused without waiting for its end.
///
/// ```
/// use wirestate_http1::{Parser, ParserConfig, Request, Status, EMPTY_HEADER};
/// let bytes = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
/// let mut parser = Parser::new(ParserConfig::default());
/// let mut headers = [EMPTY_HEADER; 4];
/// for end in 1..bytes.len() {
///     let mut req = Request::new(&mut headers);
///     assert_eq!(parser.parse_request(&mut req, &bytes[..end]).unwrap(), Status::Partial);
/// }
/// let mut req = Request::new(&mut headers);
/// assert_eq!(parser.parse_request(&mut req, bytes).unwrap(), Status::Complete(bytes.len()));
///
/// // A line that grows past the limit is refused before it ends.
/// let mut parser = Parser::new(ParserConfig { max_line_len: 16, ..ParserConfig::default() });
/// let mut req = Request::new(&mut headers);
/// let err = parser.parse_request(&mut req, b"GET /aaaaaaaaaaaaaaaaaaaaaaa").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("request-line", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parser {
    config: ParserConfig,
    /// Offset of the first byte not yet seen by the end-of-head search (a line start).
    scanned: usize,
    /// Whether a call returned `Partial` since the last message.
    resumed: bool,
    /// Whether a non-empty line was seen (leading empty lines are skipped before it).
    seen_line: bool,
}

impl Parser {
    /// A parser with `config`.
    pub fn new(config: ParserConfig) -> Self {
        Parser { config, scanned: 0, resumed: false, seen_line: false }
    }

    /// The configuration.
    pub fn config(&self) -> &ParserConfig {
        &self.config
    }

    /// Forgets a partial head: the next call starts a new message.
    pub fn reset(&mut self) {
        *self = Parser::new(self.config);
    }

    /// Parses a request head from `buf` into `req`.
    ///
    /// # Errors
    /// `Malformed` with field "request-line", "method", "request-target",
    /// "http-version", "line ending" (bare CR; bare LF unless allowed), "field-name",
    /// "field-value", "obs-fold"; `Unsupported` "http-version" (not 1.0 or 1.1), and
    /// the limits: "head", "request-line", "field-line", "header count". Offsets are
    /// from the start of `buf`. [`suggested_status`](crate::suggested_status) maps
    /// each to 400, 414, 431 or 505.
    pub fn parse_request<'b>(
        &mut self,
        req: &mut Request<'_, 'b>,
        buf: &'b [u8],
    ) -> Result<Status<usize>> {
        let cfg = self.config;
        self.drive(buf, true, |window| req.parse_full(window, &cfg))
    }

    /// Parses a response head from `buf` into `res`.
    ///
    /// # Errors
    /// As [`parse_request`](Self::parse_request), with "status-code" and
    /// "reason-phrase" for the status-line, and "status-line" for its length limit.
    pub fn parse_response<'b>(
        &mut self,
        res: &mut Response<'_, 'b>,
        buf: &'b [u8],
    ) -> Result<Status<usize>> {
        let cfg = self.config;
        self.drive(buf, false, |window| res.parse_full(window, &cfg))
    }

    #[inline(always)]
    fn drive<'b>(
        &mut self,
        buf: &'b [u8],
        request: bool,
        full: impl FnOnce(&'b [u8]) -> Step<usize>,
    ) -> Result<Status<usize>> {
        let window = buf.get(..self.config.max_head_len).unwrap_or(buf);
        if self.resumed && !self.seek_end(window, request) {
            return self.partial(buf, window, request);
        }
        match full(window) {
            Ok(n) => {
                self.reset();
                Ok(Status::Complete(n))
            }
            Err(Stop::Fail(e)) => {
                self.reset();
                Err(e)
            }
            Err(Stop::Partial) => self.first_partial(buf, window, request),
        }
    }

    #[cold]
    fn first_partial(&mut self, buf: &[u8], window: &[u8], request: bool) -> Result<Status<usize>> {
        if !self.resumed {
            self.resumed = true;
            self.scanned = 0;
            self.seen_line = false;
            // The full parse ran out of bytes, so no complete head is in `window`;
            // this only records where its last complete line ends.
            let _ = self.seek_end(window, request);
        }
        self.partial(buf, window, request)
    }

    /// Moves `scanned` over complete lines; `true` at the empty line ending the head.
    fn seek_end(&mut self, window: &[u8], request: bool) -> bool {
        let skip_leading = request && self.config.allow_leading_empty_lines;
        while let Some(rest) = window.get(self.scanned..) {
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else { return false };
            let empty = matches!(rest.get(..nl), Some(b"" | b"\r"));
            self.scanned = self.scanned.saturating_add(nl + 1);
            // Empty lines before the request-line are leading ones, when allowed.
            if empty && (self.seen_line || !skip_leading) {
                return true;
            }
            self.seen_line |= !empty;
        }
        false
    }

    /// Need more bytes, unless a limit is already broken.
    #[cold]
    fn partial(&mut self, buf: &[u8], window: &[u8], request: bool) -> Result<Status<usize>> {
        let cfg = &self.config;
        let line_len = window.len().saturating_sub(self.scanned);
        let err = if window.len() < buf.len() {
            Some(Error::unsupported("head", cfg.max_head_len, len_value(cfg.max_head_len)))
        } else if line_len > cfg.max_line_len {
            let field = match (self.seen_line, request) {
                (true, _) => "field-line",
                (false, true) => "request-line",
                (false, false) => "status-line",
            };
            Some(Error::unsupported(field, self.scanned, len_value(line_len)))
        } else {
            None
        };
        match err {
            Some(e) => {
                self.reset();
                Err(e)
            }
            None => Ok(Status::Partial),
        }
    }
}

/// The length in octets of the complete empty lines (CRLF, or a bare LF with
/// `allow_bare_lf`) at the start of `buf` that a request parse with `config` skips
/// before the request-line (RFC 9112 §2.2: "a server that is expecting to receive
/// and parse a request-line SHOULD ignore at least one empty line (CRLF) received
/// prior to the request-line"); 0 when `allow_leading_empty_lines` is off.
///
/// A request parse counts these octets in the head's length and against
/// `max_head_len`. A connection that is between messages can consume them itself
/// (and stay idle rather than start reading a head); it then bounds them with its
/// idle timeout. A trailing CR without its LF is not counted.
///
/// ```
/// use wirestate_http1::{leading_empty_lines, ParserConfig, Request, Status, EMPTY_HEADER};
/// let bytes = b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
/// let cfg = ParserConfig::SERVER;
/// assert_eq!(leading_empty_lines(bytes, &cfg), 4);
/// assert_eq!(leading_empty_lines(bytes, &ParserConfig::STRICT), 0);
/// let mut h = [EMPTY_HEADER; 4];
/// let mut req = Request::new(&mut h);
/// assert_eq!(req.parse_with(&cfg, bytes).unwrap(), Status::Complete(bytes.len()));
/// ```
pub fn leading_empty_lines(buf: &[u8], config: &ParserConfig) -> usize {
    if !config.allow_leading_empty_lines {
        return 0;
    }
    let mut pos = 0;
    loop {
        match buf.get(pos..) {
            Some([b'\r', b'\n', ..]) => pos += 2,
            Some([b'\n', ..]) if config.allow_bare_lf => pos += 1,
            _ => return pos,
        }
    }
}

/// Parses a field section alone (RFC 9112 §5; a chunked body's trailer section, or a
/// message/http part): field lines through the empty line, into `headers`. Returns
/// the section's length and the number of fields.
///
/// ```
/// use wirestate_http1::{parse_headers, ParserConfig, Status, EMPTY_HEADER};
/// let mut h = [EMPTY_HEADER; 2];
/// let got = parse_headers(b"Expires: never\r\n\r\n", &mut h, &ParserConfig::default());
/// assert_eq!(got.unwrap(), Status::Complete((18, 1)));
/// let err = parse_headers(b"Bad Name: x\r\n\r\n", &mut h, &ParserConfig::default()).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("field-name", 3));
/// ```
///
/// # Errors
/// The field-line errors of [`Parser::parse_request`].
pub fn parse_headers<'b>(
    buf: &'b [u8],
    headers: &mut [Header<'b>],
    config: &ParserConfig,
) -> Result<Status<(usize, usize)>> {
    let window = buf.get(..config.max_head_len).unwrap_or(buf);
    let mut slots = Slots { headers, count: 0, limit: config.max_headers };
    match fields(window, 0, &mut slots, config) {
        Ok(end) => Ok(Status::Complete((end, slots.count))),
        Err(Stop::Fail(e)) => Err(e),
        Err(Stop::Partial) if window.len() < buf.len() => {
            Err(Error::unsupported("head", config.max_head_len, len_value(config.max_head_len)))
        }
        Err(Stop::Partial) => Ok(Status::Partial),
    }
}
