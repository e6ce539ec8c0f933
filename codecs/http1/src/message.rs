//! One whole message at once: the head, then the body framed per RFC 9112 §6.
//! What `wirestate parse http1-request` / `http1-response` and request-smuggling
//! suites run against.

use wirestate_wire::{Error, Result};

use crate::framing::{response_kind, BodyKind};
use crate::{Chunk, ChunkedDecoder, Parser, ParserConfig, Request, Response, Status};

/// The body and framing of a message read by [`read_request`] or [`read_response`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'b> {
    /// The head's length (start line, fields, empty line).
    pub head_len: usize,
    /// How the body was delimited.
    pub kind: BodyKind,
    /// Where the decoded body is.
    pub body: Body<'b>,
    /// The trailer section of a chunked body, its empty line included; empty otherwise.
    pub trailers: &'b [u8],
    /// Bytes of input the message took: head plus framed body. Bytes after it (a
    /// pipelined next message) are not read.
    pub len: usize,
}

/// Where a decoded body is: in the input, or (chunked) in the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'b> {
    /// The body is these input bytes (Content-Length, until close, or none).
    Input(&'b [u8]),
    /// The chunked body was decoded into the first `len` bytes of the output buffer.
    Decoded {
        /// Decoded length.
        len: usize,
    },
}

impl<'b> Body<'b> {
    /// The decoded body's length.
    pub fn len(&self) -> usize {
        match self {
            Body::Input(b) => b.len(),
            Body::Decoded { len } => *len,
        }
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The body bytes, given the output buffer the message was read with.
    pub fn bytes<'a>(&self, out: &'a [u8]) -> &'a [u8]
    where
        'b: 'a,
    {
        match *self {
            Body::Input(b) => b,
            Body::Decoded { len } => out.get(..len).unwrap_or_default(),
        }
    }
}

/// Reads one whole request from `buf`: the head into `req`, then its body. A chunked
/// body is decoded into `out` (an `out` as long as `buf` always suffices).
///
/// ```
/// use wirestate_http1::message::{read_request, Body};
/// use wirestate_http1::{ParserConfig, Request, EMPTY_HEADER};
/// let msg = b"POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
/// let (mut h, mut out) = ([EMPTY_HEADER; 8], [0u8; 64]);
/// let mut req = Request::new(&mut h);
/// let framed = read_request(&mut req, msg, &mut out, &ParserConfig::default()).unwrap();
/// assert_eq!(framed.body.bytes(&out), b"abc");
/// assert_eq!(framed.len, msg.len());
///
/// // Content-Length and Transfer-Encoding together: refused (request smuggling).
/// let msg = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
/// let mut req = Request::new(&mut h);
/// let err = read_request(&mut req, msg, &mut out, &ParserConfig::default()).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("transfer-encoding", 55));
/// ```
///
/// # Errors
/// The head's errors ([`Parser::parse_request`]); `Truncated` "head" when the head
/// does not end; [`BodyKind::of_request`]'s framing errors; `Truncated` "body" when
/// fewer bytes than Content-Length follow; the [`ChunkedDecoder`] errors (offsets from
/// the start of `buf`), `Truncated` "chunked body" when it ends early, `Truncated`
/// "body buffer" when `out` is too small.
pub fn read_request<'b>(
    req: &mut Request<'_, 'b>,
    buf: &'b [u8],
    out: &mut [u8],
    config: &ParserConfig,
) -> Result<Framed<'b>> {
    let head_len = complete(Parser::new(*config).parse_request(req, buf)?, buf)?;
    let kind = BodyKind::of_request(req, buf)?;
    body(buf, head_len, kind, out, config)
}

/// Reads one whole response to a request with `method` (it decides whether a body
/// can follow: HEAD, CONNECT). See [`read_request`]. A chunked body's trailer
/// section is read with [`ParserConfig::for_response`], the leniencies of the head.
///
/// # Errors
/// As [`read_request`], with [`Parser::parse_response`]'s head errors.
pub fn read_response<'b>(
    res: &mut Response<'_, 'b>,
    method: &str,
    buf: &'b [u8],
    out: &mut [u8],
    config: &ParserConfig,
) -> Result<Framed<'b>> {
    let head_len = complete(Parser::new(*config).parse_response(res, buf)?, buf)?;
    let kind = response_kind(res.code, method, res.headers, res.version, buf)?;
    // The trailers follow the response's leniencies (obs-fold for a user agent).
    body(buf, head_len, kind, out, &config.for_response())
}

fn complete(status: Status<usize>, buf: &[u8]) -> Result<usize> {
    match status {
        Status::Complete(n) => Ok(n),
        Status::Partial => Err(Error::truncated("head", 0, buf.len() + 1, buf.len())),
    }
}

fn body<'b>(
    buf: &'b [u8],
    head_len: usize,
    kind: BodyKind,
    out: &mut [u8],
    config: &ParserConfig,
) -> Result<Framed<'b>> {
    let rest = buf.get(head_len..).unwrap_or_default();
    let framed = |body: &'b [u8]| Framed {
        head_len,
        kind,
        body: Body::Input(body),
        trailers: b"",
        len: head_len + body.len(),
    };
    match kind {
        BodyKind::None | BodyKind::Tunnel => Ok(framed(b"")),
        BodyKind::UntilClose => Ok(framed(rest)),
        BodyKind::Length(n) => match usize::try_from(n).ok().and_then(|n| rest.get(..n)) {
            Some(body) => Ok(framed(body)),
            None => Err(Error::truncated(
                "body",
                head_len,
                head_len.saturating_add(usize::try_from(n).unwrap_or(usize::MAX)),
                buf.len(),
            )),
        },
        BodyKind::Chunked => {
            let (used, len, trailers) =
                decode_chunked(rest, out, config).map_err(|e| e.at(head_len))?;
            Ok(Framed {
                head_len,
                kind,
                body: Body::Decoded { len },
                trailers,
                len: head_len + used,
            })
        }
    }
}

/// Decodes a whole chunked body at the start of `input` into `out`: returns the
/// bytes of input used, the decoded length, and the trailer section.
///
/// # Errors
/// The [`ChunkedDecoder`] errors; `Truncated` "chunked body" if `input` ends first;
/// `Truncated` "body buffer" if `out` is too small (never when it is as long as `input`).
pub fn decode_chunked<'b>(
    input: &'b [u8],
    out: &mut [u8],
    config: &ParserConfig,
) -> Result<(usize, usize, &'b [u8])> {
    let mut dec = ChunkedDecoder::new(config);
    let (mut at, mut len) = (0, 0);
    loop {
        let (n, chunk) = dec.decode(input.get(at..).unwrap_or_default())?;
        at += n;
        match chunk {
            Chunk::Data(d) => {
                let have = out.len();
                let dst = out
                    .get_mut(len..len + d.len())
                    .ok_or_else(|| Error::truncated("body buffer", len, len + d.len(), have))?;
                dst.copy_from_slice(d);
                len += d.len();
            }
            Chunk::End { trailers } => return Ok((at, len, trailers)),
            Chunk::Partial => {
                return Err(Error::truncated("chunked body", at, input.len() + 1, input.len()))
            }
        }
    }
}

#[cfg(feature = "alloc")]
pub use owned::*;

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::{parse_headers, Header, Version, EMPTY_HEADER};

    /// Room for every field `buf` can hold under `config`: a field line takes at least
    /// three bytes (`a:` and a line end), so no more than `len / 3` fields fit, and a
    /// huge configured limit must not turn into a huge (or overflowing) allocation.
    fn header_slots(buf: &[u8], config: &ParserConfig) -> usize {
        config.max_headers.min(buf.len() / 3 + 1)
    }

    /// The start line of a [`Message`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum StartLine<'b> {
        /// `method SP request-target SP HTTP-version`.
        Request {
            /// The method.
            method: &'b str,
            /// The request-target as sent.
            target: &'b str,
        },
        /// `HTTP-version SP status-code SP reason-phrase`.
        Response {
            /// The status code.
            code: u16,
            /// The reason phrase.
            reason: &'b [u8],
        },
    }

    /// A whole message with owned lists and body (`alloc`): what the CLI prints.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Message<'b> {
        /// Request-line or status-line.
        pub start: StartLine<'b>,
        /// The version.
        pub version: Version,
        /// The header fields in wire order.
        pub headers: Vec<Header<'b>>,
        /// How the body was delimited.
        pub kind: BodyKind,
        /// The decoded body (chunked coding removed).
        pub body: Vec<u8>,
        /// The trailer fields of a chunked body.
        pub trailers: Vec<Header<'b>>,
        /// The head's length.
        pub head_len: usize,
        /// Bytes of input the message took.
        pub len: usize,
    }

    impl<'b> Message<'b> {
        /// [`read_request`] with owned results.
        ///
        /// ```
        /// use wirestate_http1::message::Message;
        /// use wirestate_http1::ParserConfig;
        /// let m = Message::parse_request(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", &ParserConfig::default()).unwrap();
        /// assert_eq!(m.headers.len(), 1);
        /// let err = Message::parse_request(b"GET / HTTP/1.1\r\nHost: a\r\n", &ParserConfig::default()).unwrap_err();
        /// assert_eq!(err.field(), "head");
        /// ```
        ///
        /// # Errors
        /// As [`read_request`].
        pub fn parse_request(buf: &'b [u8], config: &ParserConfig) -> Result<Self> {
            let mut headers = vec![EMPTY_HEADER; header_slots(buf, config)];
            let mut out = vec![0u8; buf.len()];
            let mut req = Request::new(&mut headers);
            let framed = read_request(&mut req, buf, &mut out, config)?;
            let start = StartLine::Request { method: req.method, target: req.target };
            let (version, fields) = (req.version, req.headers.to_vec());
            Self::finish(start, version, fields, framed, out, config)
        }

        /// [`read_response`] with owned results.
        ///
        /// # Errors
        /// As [`read_response`].
        pub fn parse_response(buf: &'b [u8], method: &str, config: &ParserConfig) -> Result<Self> {
            let mut headers = vec![EMPTY_HEADER; header_slots(buf, config)];
            let mut out = vec![0u8; buf.len()];
            let mut res = Response::new(&mut headers);
            let framed = read_response(&mut res, method, buf, &mut out, config)?;
            let start = StartLine::Response { code: res.code, reason: res.reason };
            let (version, fields) = (res.version, res.headers.to_vec());
            Self::finish(start, version, fields, framed, out, &config.for_response())
        }

        fn finish(
            start: StartLine<'b>,
            version: Version,
            headers: Vec<Header<'b>>,
            framed: Framed<'b>,
            mut out: Vec<u8>,
            config: &ParserConfig,
        ) -> Result<Self> {
            let body = match framed.body {
                Body::Input(b) => b.to_vec(),
                Body::Decoded { len } => {
                    out.truncate(len);
                    out
                }
            };
            let mut trailers = vec![EMPTY_HEADER; header_slots(framed.trailers, config)];
            let count = match parse_headers(framed.trailers, &mut trailers, config)? {
                Status::Complete((_, count)) => count,
                Status::Partial => 0,
            };
            trailers.truncate(count);
            Ok(Message {
                start,
                version,
                headers,
                kind: framed.kind,
                body,
                trailers,
                head_len: framed.head_len,
                len: framed.len,
            })
        }
    }
}
