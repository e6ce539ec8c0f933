//! The chunked transfer coding (RFC 9112 §7.1): an incremental zero-copy decoder
//! and an encoder.

use wirestate_wire::{Error, Result};

use crate::error::len_value;
use crate::grammar::chunk_ext;
use crate::scan::{bare_lf, fields, Count, Stop};
use crate::ParserConfig;

/// What [`ChunkedDecoder::decode`] found after consuming some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'b> {
    /// Body bytes, borrowed from the input (never copied).
    Data(&'b [u8]),
    /// The input ends inside a size line, a chunk's CRLF or the trailer section:
    /// call again with the unconsumed bytes plus more.
    Partial,
    /// The last chunk and the trailer section were read: the message body is over.
    /// `trailers` is the trailer section as sent, its closing empty line included
    /// (`b"\r\n"` when there are none); [`parse_headers`](crate::parse_headers) splits it.
    End {
        /// The trailer field lines and the empty line.
        trailers: &'b [u8],
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before a chunk-size line; `scanned` bytes of it were searched for LF.
    Size { scanned: usize },
    /// Inside chunk-data.
    Data { remaining: u64 },
    /// After chunk-data, before its CRLF.
    DataEnd,
    /// After the last chunk, in the trailer section.
    Trailers { scanned: usize, line_start: usize, seen: bool },
    /// The body is over.
    Done,
}

/// An incremental decoder of a chunked body (RFC 9112 §7.1).
///
/// Feed it the bytes after the head that it has not consumed yet; each call consumes
/// what it can and says what it found. Data comes out as slices of the input. Lines
/// (chunk-size lines, trailers) must be whole in one input: on `Partial` the caller
/// keeps the unconsumed bytes and appends, and the decoder remembers how far it
/// searched, so a line read in pieces is scanned once. Offsets in errors count from
/// the first byte of the body.
///
/// Strict: a chunk-size is 1 to 16 hex digits and nothing else (no sign, no space,
/// no `0x`), followed by chunk extensions (`;name[=value]`, checked) or CRLF; a bare
/// LF is refused unless `allow_bare_lf`. Trailers obey the head's field rules.
///
/// ```
/// use wirestate_http1::{Chunk, ChunkedDecoder, ParserConfig};
/// let body = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n";
/// let mut dec = ChunkedDecoder::new(&ParserConfig::default());
/// let (mut at, mut out) = (0, Vec::new());
/// loop {
///     let (n, chunk) = dec.decode(&body[at..]).unwrap();
///     at += n;
///     match chunk {
///         Chunk::Data(d) => out.extend_from_slice(d),
///         Chunk::End { trailers } => { assert_eq!(trailers, b"Expires: never\r\n\r\n"); break }
///         Chunk::Partial => unreachable!("all there"),
///     }
/// }
/// assert_eq!((out.as_slice(), at), (&b"hello world"[..], body.len()));
///
/// // A size with a sign is refused at its offset.
/// let err = ChunkedDecoder::new(&ParserConfig::default()).decode(b"+5\r\nhello\r\n").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("chunk-size", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkedDecoder {
    state: State,
    config: ParserConfig,
    /// Bytes consumed since the start of the body.
    offset: usize,
}

impl ChunkedDecoder {
    /// A decoder at the start of a body, with the line rules and limits of `config`.
    /// For a response body pass [`config.for_response()`](ParserConfig::for_response),
    /// so that its trailers follow the response's leniencies (obs-fold).
    pub fn new(config: &ParserConfig) -> Self {
        ChunkedDecoder { state: State::Size { scanned: 0 }, config: *config, offset: 0 }
    }

    /// Whether the last chunk and the trailers were read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes consumed since the start of the body.
    pub fn consumed(&self) -> usize {
        self.offset
    }

    /// Consumes a prefix of `buf` and returns its length with what it held.
    ///
    /// # Errors
    /// `Malformed` "chunk-size" (no digits, more than 16 digits, a byte after the
    /// digits that starts neither an extension nor the line end), "chunk-ext",
    /// "chunk-data" (no CRLF after the data), "line ending" (bare CR; bare LF unless
    /// allowed), the trailer field rules of [`Parser`](crate::Parser); `Unsupported`
    /// "chunk line" / "trailer section" past `max_line_len` / `max_head_len`.
    /// After `End` every call returns `(0, End)` with empty trailers.
    pub fn decode<'b>(&mut self, buf: &'b [u8]) -> Result<(usize, Chunk<'b>)> {
        if let Some(step) = self.next_chunk(buf) {
            return Ok(step);
        }
        let mut pos = 0;
        loop {
            let rest = buf.get(pos..).unwrap_or_default();
            let step = match self.state {
                State::Data { remaining } => {
                    if rest.is_empty() {
                        return Ok((pos, Chunk::Partial));
                    }
                    let take = usize::try_from(remaining).unwrap_or(usize::MAX).min(rest.len());
                    let data = rest.get(..take).unwrap_or_default();
                    let left = remaining - take as u64;
                    self.state =
                        if left == 0 { State::DataEnd } else { State::Data { remaining: left } };
                    self.offset += take;
                    return Ok((pos + take, Chunk::Data(data)));
                }
                State::Size { scanned } => self.size_line(rest, scanned)?,
                State::DataEnd => self.data_end(rest)?,
                State::Trailers { .. } => return self.trailers(buf, pos),
                State::Done => return Ok((pos, Chunk::End { trailers: b"" })),
            };
            match step {
                Some(n) => {
                    pos += n;
                    self.offset += n;
                }
                None => return Ok((pos, Chunk::Partial)),
            }
        }
    }

    /// The common step in straight-line code: after a chunk's data, its CRLF, a plain
    /// size line and some of the next chunk's data, handed out. `None` for anything
    /// else, which the state loop in `decode` then takes (the same bytes, the same
    /// result; the loop's dispatch on the state was a fifth of the time per chunk).
    #[inline]
    fn next_chunk<'b>(&mut self, buf: &'b [u8]) -> Option<(usize, Chunk<'b>)> {
        let (State::DataEnd, [b'\r', b'\n', rest @ ..]) = (self.state, buf) else { return None };
        let (size, line) = plain_size_line(rest)?;
        let data = rest.get(line..).filter(|d| size > 0 && !d.is_empty())?;
        if line > self.config.max_line_len {
            return None;
        }
        let take = usize::try_from(size).unwrap_or(usize::MAX).min(data.len());
        let left = size - take as u64;
        self.state = if left == 0 { State::DataEnd } else { State::Data { remaining: left } };
        let used = 2 + line + take;
        self.offset += used;
        Some((used, Chunk::Data(data.get(..take).unwrap_or_default())))
    }

    /// Reads a chunk-size line at the start of `rest`; `None` if it is not whole.
    fn size_line(&mut self, rest: &[u8], scanned: usize) -> Result<Option<usize>> {
        if let Some((size, n)) = plain_size_line(rest) {
            if n <= self.config.max_line_len {
                self.state = if size == 0 {
                    State::Trailers { scanned: 0, line_start: 0, seen: false }
                } else {
                    State::Data { remaining: size }
                };
                return Ok(Some(n));
            }
        }
        let from = scanned.min(rest.len());
        let found = rest.get(from..).and_then(|r| r.iter().position(|&b| b == b'\n'));
        let Some(nl) = found.map(|i| from + i) else {
            if rest.len() > self.config.max_line_len {
                return Err(Error::unsupported("chunk line", self.offset, len_value(rest.len())));
            }
            self.state = State::Size { scanned: rest.len() };
            return Ok(None);
        };
        if nl + 1 > self.config.max_line_len {
            return Err(Error::unsupported("chunk line", self.offset, len_value(nl + 1)));
        }
        let line = rest.get(..nl).unwrap_or_default();
        let size = chunk_size_line(line, self.offset, self.config.allow_bare_lf)?;
        self.state = if size == 0 {
            State::Trailers { scanned: 0, line_start: 0, seen: false }
        } else {
            State::Data { remaining: size }
        };
        Ok(Some(nl + 1))
    }

    /// The CRLF after chunk-data.
    fn data_end(&mut self, rest: &[u8]) -> Result<Option<usize>> {
        let n = match rest {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] if self.config.allow_bare_lf => 1,
            [b'\n', ..] => return Err(stop_err(bare_lf(self.offset))),
            [] | [b'\r'] => return Ok(None),
            _ => {
                return Err(Error::malformed(
                    "chunk-data",
                    self.offset,
                    "RFC 9112 §7.1: chunk-data is followed by CRLF",
                ))
            }
        };
        self.state = State::Size { scanned: 0 };
        Ok(Some(n))
    }

    /// The trailer section at `buf[pos..]`: found whole (up to its empty line), then
    /// checked with the head's field rules.
    fn trailers<'b>(&mut self, buf: &'b [u8], pos: usize) -> Result<(usize, Chunk<'b>)> {
        let rest = buf.get(pos..).unwrap_or_default();
        let State::Trailers { mut scanned, mut line_start, mut seen } = self.state else {
            return Ok((pos, Chunk::Partial));
        };
        let limit = self.config.max_head_len;
        let window = rest.get(..limit).unwrap_or(rest);
        let mut end = None;
        while let Some(i) = window.get(scanned..).and_then(|r| r.iter().position(|&b| b == b'\n')) {
            let nl = scanned + i;
            let line = window.get(line_start..nl).unwrap_or_default();
            scanned = nl + 1;
            line_start = scanned;
            if line.is_empty() || line == b"\r" {
                end = Some(scanned);
                break;
            }
            seen = true;
        }
        let _ = seen;
        let Some(end) = end else {
            scanned = window.len();
            if window.len() < rest.len() {
                return Err(Error::unsupported("trailer section", self.offset, len_value(limit)));
            }
            self.state = State::Trailers { scanned, line_start, seen };
            return Ok((pos, Chunk::Partial));
        };
        let section = rest.get(..end).unwrap_or_default();
        let mut count = Count { count: 0, limit: self.config.max_headers };
        match fields(section, 0, &mut count, &self.config) {
            Ok(_) => {}
            Err(Stop::Fail(e)) => return Err(e.at(self.offset)),
            Err(Stop::Partial) => {
                return Err(Error::truncated("trailer section", self.offset, end, end))
            }
        }
        self.offset += end;
        self.state = State::Done;
        Ok((pos + end, Chunk::End { trailers: section }))
    }
}

fn stop_err(stop: Stop) -> Error {
    match stop {
        Stop::Fail(e) => e,
        Stop::Partial => Error::truncated("chunked body", 0, 1, 0),
    }
}

/// The value of a hex digit. A match rather than `char::to_digit(16)`, which made the
/// chunked walk 19% slower per MiB (172 vs 204 ns) in the size-line loop.
#[inline(always)]
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The common chunk-size line, 1 to 16 hex digits then CRLF, read in one pass: its
/// size and length. `None` for anything else (extensions, a bare LF, an error, too
/// few bytes), which the general path then reads and names; what this accepts, that
/// path accepts with the same size.
#[inline]
fn plain_size_line(rest: &[u8]) -> Option<(u64, usize)> {
    let mut size = 0u64;
    let mut digits = 0;
    while let Some(&b) = rest.get(digits) {
        let Some(d) = hex_digit(b) else { break };
        if digits == 16 {
            return None;
        }
        size = (size << 4) | u64::from(d);
        digits += 1;
    }
    match rest.get(digits..digits + 2) {
        Some(b"\r\n") if digits > 0 => Some((size, digits + 2)),
        _ => None,
    }
}

/// Parses one chunk-size line (`line` is everything before its LF) at `offset`:
/// the size, after checking the extensions and the CR.
fn chunk_size_line(line: &[u8], offset: usize, allow_bare_lf: bool) -> Result<u64> {
    let content = match line.split_last() {
        Some((b'\r', content)) => content,
        _ if allow_bare_lf => line,
        _ => return Err(stop_err(bare_lf(offset + line.len()))),
    };
    let digits = content.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(Error::malformed(
            "chunk-size",
            offset,
            "RFC 9112 §7.1: chunk-size is 1*HEXDIG",
        ));
    }
    if digits > 16 {
        return Err(Error::malformed(
            "chunk-size",
            offset,
            "RFC 9112 §7.1: a chunk-size over 16 hex digits overflows 64 bits",
        ));
    }
    let mut size = 0u64;
    for &b in content.get(..digits).unwrap_or_default() {
        size = (size << 4) | u64::from(hex_digit(b).unwrap_or(0));
    }
    let ext = content.get(digits..).unwrap_or_default();
    if !ext.is_empty() {
        let at = offset + digits;
        if let Some(cr) = ext.iter().position(|&b| b == b'\r') {
            return Err(stop_err(crate::scan::bare_cr(at + cr)));
        }
        let first = ext.iter().position(|&b| b != b' ' && b != b'\t');
        if first.and_then(|i| ext.get(i)) != Some(&b';') {
            return Err(Error::malformed(
                "chunk-size",
                at,
                "RFC 9112 §7.1: chunk-size is followed by a chunk-ext or CRLF",
            ));
        }
        chunk_ext(ext).map_err(|i| {
            Error::malformed("chunk-ext", at + i, "RFC 9112 §7.1.1: chunk-ext grammar")
        })?;
    }
    Ok(size)
}

/// The most bytes a chunk-size line written by [`write_chunk_header`] takes:
/// 16 hex digits and CRLF.
pub const MAX_CHUNK_HEADER_LEN: usize = 18;

/// Writes the chunk-size line for `len` data bytes (`{len:x}\r\n`, lowercase, no
/// extensions) at the start of `out`; returns its length, or `None` if `out` is
/// shorter than that (at most [`MAX_CHUNK_HEADER_LEN`]).
pub fn write_chunk_header(len: u64, out: &mut [u8]) -> Option<usize> {
    let digits = if len == 0 { 1 } else { (64 - len.leading_zeros() as usize).div_ceil(4) };
    let line = out.get_mut(..digits + 2)?;
    for (i, slot) in line.iter_mut().take(digits).enumerate() {
        let shift = 4 * (digits - 1 - i);
        *slot = b"0123456789abcdef"[((len >> shift) & 0xf) as usize];
    }
    line[digits..].copy_from_slice(b"\r\n");
    Some(digits + 2)
}

/// The length of `data` as one chunk: size line, data, CRLF.
pub fn chunk_len(data_len: usize) -> usize {
    let mut scratch = [0u8; MAX_CHUNK_HEADER_LEN];
    write_chunk_header(data_len as u64, &mut scratch).unwrap_or(MAX_CHUNK_HEADER_LEN) + data_len + 2
}

/// Writes `data` as one chunk into `out`; returns the bytes written. An empty `data`
/// writes nothing (a zero-size chunk would end the body: use [`write_last_chunk`]).
///
/// # Errors
/// `Truncated` "chunk" when `out` is shorter than [`chunk_len`].
pub fn write_chunk(data: &[u8], out: &mut [u8]) -> Result<usize> {
    if data.is_empty() {
        return Ok(0);
    }
    let need = chunk_len(data.len());
    let Some(out) = out.get_mut(..need) else {
        return Err(Error::truncated("chunk", 0, need, out.len()));
    };
    let h = write_chunk_header(data.len() as u64, out).unwrap_or(0);
    let (body, crlf) = out[h..].split_at_mut(data.len());
    body.copy_from_slice(data);
    crlf.copy_from_slice(b"\r\n");
    Ok(need)
}

/// Writes the last chunk, the trailer fields and the closing empty line; returns the
/// bytes written.
///
/// # Errors
/// What [`HeadWriter::header`](crate::HeadWriter::header) refuses in a trailer (an
/// invalid name, CR, LF or NUL in a value), and `Truncated` "chunk" when `out` is short.
pub fn write_last_chunk(trailers: &[crate::Header<'_>], out: &mut [u8]) -> Result<usize> {
    let mut w = crate::HeadWriter::new(out);
    w.raw(b"0\r\n")?;
    for h in trailers {
        w.header(h.name, h.value)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests;
