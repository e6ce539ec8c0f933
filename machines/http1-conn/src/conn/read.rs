//! What arrives: octets buffered by `handle_input`, read as events one at a time
//! by `poll_event`, in the order RFC 9112 reads a message (head §2-§5, body §6-§7).

use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use wirestate_http1::fields::{self, Expect};
use wirestate_http1::{
    leading_empty_lines, parse_headers, response_kind, BodyKind, Chunk, ChunkedDecoder, Header,
    Parser, Request, Response, Status, Version, EMPTY_HEADER,
};
use wirestate_wire::{Error, Instant};

use super::{BodyReader, Connection, Exchange, MethodKind, Reader, Writer};
use crate::config::Role;
use crate::error::{CallError, ConnectionError};
use crate::event::{CloseReason, Event};
use crate::head::{slice, FieldSpan, Fields, ReceivedRequest, ReceivedResponse};

/// Header slots tried first: enough for nearly every head, cheap to clear. A head
/// with more fields is parsed again with `max_headers` slots.
const SMALL_SLOTS: usize = 32;

/// An event found in the buffer, as positions (the buffer is borrowed only when
/// the event is built, after the state changed).
pub(super) enum Raw {
    Request(HeadInfo),
    Response(HeadInfo),
    Data(Range<usize>),
    Trailers,
    End,
    Switched(Range<usize>),
}

/// Where a head's parts are, and what the machine concluded from it.
pub(super) struct HeadInfo {
    /// Method (request) or reason phrase (response).
    first: Range<u32>,
    /// Request-target (request).
    target: Range<u32>,
    version: Version,
    code: u16,
    body: BodyKind,
    expects_continue: bool,
    keep_alive: bool,
}

impl Connection {
    /// Buffers octets from the peer; returns how many were taken (fewer than
    /// `bytes.len()` when [`Config::recv_buffer`](crate::Config::recv_buffer) is
    /// full: read events, then offer the rest again). Octets that arrive when
    /// nothing more is read (after a request with `Connection: close`, an error,
    /// the end) are taken and dropped (RFC 9112 §9.6: the server "MUST NOT process
    /// any further requests received on that connection").
    ///
    /// # Errors
    /// [`CallError::Switched`] after a protocol switch: the stream is the caller's.
    pub fn handle_input(&mut self, now: Instant, bytes: &[u8]) -> Result<usize, CallError> {
        self.now = self.now.max(now);
        self.check_usable()?;
        if self.reader == Reader::Stopped || self.peer_eof {
            return Ok(bytes.len());
        }
        if self.read_at > 0 {
            self.input.drain(..self.read_at);
            self.read_at = 0;
        }
        let room = self.config.recv_buffer.saturating_sub(self.input.len());
        let take = bytes.len().min(room);
        self.input.extend_from_slice(bytes.get(..take).unwrap_or_default());
        self.skip_empty_lines();
        self.settle();
        Ok(take)
    }

    /// The peer closed its side of the stream (a read returned 0). What is
    /// buffered is still read; then a close-delimited body ends, a message cut
    /// short fails with [`ConnectionError::ClosedInMessage`], and the connection
    /// ends once nothing more is owed (a server still answers the requests it read:
    /// the client may have half-closed).
    pub fn handle_eof(&mut self, now: Instant) {
        self.now = self.now.max(now);
        self.peer_eof = true;
        self.settle();
    }

    /// The next event, if any (see the type's contract). It borrows the receive
    /// buffer until the next call on the connection.
    pub fn poll_event(&mut self) -> Option<Event<'_>> {
        let raw = self.read_step();
        self.settle();
        if let Some(raw) = raw {
            return Some(self.build(raw));
        }
        if let (Some(e), false) = (self.error, self.error_raised) {
            self.error_raised = true;
            return Some(Event::Error(e));
        }
        if let (Some(c), false) = (self.closed, self.closed_raised) {
            self.closed_raised = true;
            return Some(Event::Closed(c));
        }
        None
    }

    fn build(&self, raw: Raw) -> Event<'_> {
        let buf = self.input.as_slice();
        let fields = Fields { buf, spans: &self.spans };
        let text = |r: &Range<u32>| core::str::from_utf8(slice(buf, r)).unwrap_or_default();
        match raw {
            Raw::Request(h) => Event::Request(ReceivedRequest {
                method: text(&h.first),
                target: text(&h.target),
                version: h.version,
                headers: fields,
                body: h.body,
                expects_continue: h.expects_continue,
                keep_alive: h.keep_alive,
            }),
            Raw::Response(h) => Event::Response(ReceivedResponse {
                version: h.version,
                code: h.code,
                reason: slice(buf, &h.first),
                headers: fields,
                body: h.body,
                keep_alive: h.keep_alive,
            }),
            Raw::Data(r) => Event::Data(buf.get(r).unwrap_or_default()),
            Raw::Trailers => Event::Trailers(fields),
            Raw::End => Event::End,
            Raw::Switched(r) => Event::Switched { rest: buf.get(r).unwrap_or_default() },
        }
    }

    /// Reads the next event's worth of the buffer.
    fn read_step(&mut self) -> Option<Raw> {
        match self.reader {
            Reader::Stopped => None,
            Reader::SwitchNext => {
                self.switched = true;
                self.reader = Reader::Stopped;
                self.writer = Writer::Done;
                let rest = self.read_at..self.input.len();
                self.read_at = self.input.len();
                Some(Raw::Switched(rest))
            }
            Reader::EndNext => Some(self.end_message()),
            Reader::Body(body) => self.read_body(body),
            Reader::Head => match self.config.role {
                Role::Server => self.read_request_head(),
                Role::Client => self.read_response_head(),
            },
        }
    }

    /// A server between requests consumes the empty lines RFC 9112 §2.2 says to
    /// ignore, so they neither start a head nor count against its limit (the idle
    /// deadline bounds them).
    fn skip_empty_lines(&mut self) {
        if self.config.role != Role::Server || self.reader != Reader::Head {
            return;
        }
        let rest = self.input.get(self.read_at..).unwrap_or_default();
        let n = leading_empty_lines(rest, &self.config.parser);
        if n > 0 {
            self.read_at += n;
            self.parser.reset();
        }
    }

    /// What a buffered head that cannot complete becomes once the peer closed.
    fn head_unfinished(&mut self) -> Option<Raw> {
        if !self.peer_eof {
            return None;
        }
        if self.read_at < self.input.len() {
            self.fail(ConnectionError::ClosedInMessage);
        } else {
            self.reader = Reader::Stopped;
            match self.config.role {
                // Requests sent and not answered stay unanswered.
                Role::Client => self.finish(CloseReason::PeerClosed),
                // The client may have half-closed: answer what was read first.
                Role::Server => {
                    self.closing.get_or_insert(CloseReason::PeerClosed);
                }
            }
        }
        None
    }

    fn read_request_head(&mut self) -> Option<Raw> {
        self.skip_empty_lines();
        // Pipelining bound, and nothing after a request that may switch protocols
        // is HTTP until its response says (RFC 9110 §7.8).
        if self.paused() {
            return None;
        }
        let base = self.read_at;
        let Connection { input, parser, spans, config, .. } = self;
        let buf = input.get(base..).unwrap_or_default();
        let parsed = with_slots(config.parser.max_headers, |slots| {
            request_head(parser, buf, base, slots, spans)
        });
        match parsed {
            Ok(None) => self.head_unfinished(),
            Ok(Some((len, info, upgrade))) => self.start_request(len, info, upgrade),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// Server: whether the next request waits unread: the pipeline is full, or
    /// the last request may switch protocols (RFC 9110 §7.8: nothing after it is
    /// HTTP until its response says) or closes the connection (RFC 9112 §9.6).
    pub(crate) fn paused(&self) -> bool {
        self.config.role == Role::Server
            && (self.exchanges.len() >= self.config.max_pipeline
                || self.exchanges.back().is_some_and(|x| x.may_switch() || !x.keep_alive))
    }

    fn start_request(&mut self, len: usize, info: HeadInfo, upgrade: bool) -> Option<Raw> {
        self.read_at += len;
        if let BodyKind::Length(n) = info.body {
            if n > self.config.max_body {
                self.fail(ConnectionError::BodyTooLarge { limit: self.config.max_body });
                return None;
            }
        }
        let mut x =
            Exchange::new(MethodKind::of(slice_str(&self.input, &info.first)), info.version);
        x.keep_alive = info.keep_alive;
        x.upgrade = upgrade;
        x.expect_continue = info.expects_continue;
        // RFC 9112 §9.6: after a "close" request the server "MUST NOT process any
        // further requests"; the reader stops once this one is read.
        self.exchanges.push_back(x);
        self.start_body(info.body);
        Some(Raw::Request(info))
    }

    fn read_response_head(&mut self) -> Option<Raw> {
        if self.read_at >= self.input.len() {
            return self.head_unfinished();
        }
        let Some(front) = self.exchanges.front().copied() else {
            self.fail(ConnectionError::Unsolicited);
            return None;
        };
        let base = self.read_at;
        let Connection { input, parser, spans, config, .. } = self;
        let buf = input.get(base..).unwrap_or_default();
        let parsed = with_slots(config.parser.max_headers, |slots| {
            response_head(parser, buf, base, slots, spans, front.method)
        });
        match parsed {
            Ok(None) => self.head_unfinished(),
            Ok(Some((len, info))) => self.start_response(len, info, front),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn start_response(&mut self, len: usize, mut info: HeadInfo, front: Exchange) -> Option<Raw> {
        self.read_at += len;
        if info.code < 200 {
            return self.interim_response(info, front);
        }
        // The wait for a 100 is over: the body goes (the server reads it), or is
        // dropped when the server is closing (RFC 9112 §9.5 / RFC 9110 §10.1.1).
        info.keep_alive &= front.keep_alive && info.body != BodyKind::UntilClose;
        if front.expect_continue && !front.continued {
            self.timers.clear(super::Timer::Continue);
            if let Some(held) = self.hold.take() {
                if !info.keep_alive {
                    self.output.truncate(held);
                    self.writer = Writer::Done;
                }
            }
        }
        if let Some(x) = self.exchanges.front_mut() {
            x.keep_alive = info.keep_alive;
            x.continued = true;
        }
        if !info.keep_alive {
            self.closing.get_or_insert(CloseReason::NotPersistent);
        }
        if let BodyKind::Length(n) = info.body {
            if n > self.config.max_body {
                self.fail(ConnectionError::BodyTooLarge { limit: self.config.max_body });
                return None;
            }
        }
        self.start_body(info.body);
        Some(Raw::Response(info))
    }

    fn interim_response(&mut self, info: HeadInfo, front: Exchange) -> Option<Raw> {
        if info.code == 101 {
            if !front.upgrade {
                self.fail(ConnectionError::Unsolicited);
                return None;
            }
            self.reader = Reader::SwitchNext;
            self.exchanges.clear();
        } else if front.expect_continue && !front.continued {
            // Any interim response ends the wait (RFC 9110 §10.1.1: the client
            // waits for "a 100 (Continue) interim response"; a 103 shows a live
            // server reading the request too).
            self.hold = None;
            self.timers.clear(super::Timer::Continue);
            if let Some(x) = self.exchanges.front_mut() {
                x.continued = true;
            }
        }
        Some(Raw::Response(info))
    }

    /// How the peer's messages are read: a response with the response
    /// leniencies (RFC 9112 §5.2's obs-fold, in the trailers too).
    fn read_config(&self) -> wirestate_http1::ParserConfig {
        match self.config.role {
            Role::Client => self.config.parser.for_response(),
            Role::Server => self.config.parser,
        }
    }

    /// The reader after a head announcing `body`.
    fn start_body(&mut self, body: BodyKind) {
        self.body_read = 0;
        self.reader = match body {
            BodyKind::None | BodyKind::Length(0) => Reader::EndNext,
            BodyKind::Length(n) => Reader::Body(BodyReader::Length(n)),
            BodyKind::Chunked => {
                Reader::Body(BodyReader::Chunked(ChunkedDecoder::new(&self.read_config())))
            }
            BodyKind::UntilClose => Reader::Body(BodyReader::UntilClose),
            // RFC 9112 §6.3 rule 2: the connection is a tunnel after the head.
            BodyKind::Tunnel => Reader::SwitchNext,
        };
    }

    fn read_body(&mut self, body: BodyReader) -> Option<Raw> {
        let available = self.input.len() - self.read_at.min(self.input.len());
        match body {
            BodyReader::Length(remaining) => {
                if available == 0 {
                    return self.body_unfinished(false);
                }
                let take = usize::try_from(remaining).unwrap_or(usize::MAX).min(available);
                let left = remaining - take as u64;
                self.reader = if left == 0 {
                    Reader::EndNext
                } else {
                    Reader::Body(BodyReader::Length(left))
                };
                self.data(take)
            }
            BodyReader::UntilClose => {
                if available == 0 {
                    return self.body_unfinished(true);
                }
                self.data(available)
            }
            BodyReader::Chunked(dec) => self.read_chunked(dec),
        }
    }

    /// The next `len` buffered octets as body data, within `max_body`.
    fn data(&mut self, len: usize) -> Option<Raw> {
        let start = self.read_at;
        self.read_at += len;
        self.count_body(len)?;
        Some(Raw::Data(start..start + len))
    }

    fn count_body(&mut self, len: usize) -> Option<()> {
        self.body_read = self.body_read.saturating_add(len as u64);
        if self.body_read > self.config.max_body {
            self.fail(ConnectionError::BodyTooLarge { limit: self.config.max_body });
            return None;
        }
        Some(())
    }

    /// No more octets for the body now: wait, or (after the peer closed) the body
    /// ends (close-delimited) or was cut short.
    fn body_unfinished(&mut self, until_close: bool) -> Option<Raw> {
        if !self.peer_eof {
            return None;
        }
        if until_close {
            return Some(self.end_message());
        }
        self.fail(ConnectionError::ClosedInMessage);
        None
    }

    fn read_chunked(&mut self, mut dec: ChunkedDecoder) -> Option<Raw> {
        let base = self.read_at;
        let buf = self.input.get(base..).unwrap_or_default();
        match dec.decode(buf) {
            Err(e) => {
                // The decoder's offsets count from the first octet of the body.
                self.fail(ConnectionError::Malformed(e));
                None
            }
            Ok((n, Chunk::Partial)) => {
                self.read_at += n;
                self.reader = Reader::Body(BodyReader::Chunked(dec));
                if n == 0 {
                    return self.body_unfinished(false);
                }
                None
            }
            Ok((n, Chunk::Data(d))) => {
                let start = base + offset_in(buf, d);
                let len = d.len();
                self.read_at += n;
                self.reader = Reader::Body(BodyReader::Chunked(dec));
                self.count_body(len)?;
                Some(Raw::Data(start..start + len))
            }
            Ok((n, Chunk::End { trailers })) => {
                let at = base + offset_in(buf, trailers);
                let len = trailers.len();
                self.read_at += n;
                self.trailers(at, len)
            }
        }
    }

    /// The trailer section at `at..at + len` (its empty line included).
    fn trailers(&mut self, at: usize, len: usize) -> Option<Raw> {
        if len <= 2 {
            return Some(self.end_message());
        }
        let Connection { input, spans, config, .. } = self;
        let section = input.get(at..at + len).unwrap_or_default();
        let parsed = with_slots(config.parser.max_headers, |slots| {
            let cfg = match config.role {
                // RFC 9112 §5.2: a user agent unfolds obs-fold in a response,
                // its trailer section included.
                Role::Client => config.parser.for_response(),
                Role::Server => config.parser,
            };
            match parse_headers(section, slots, &cfg) {
                Ok(Status::Complete((_, count))) => {
                    record_spans(spans, section, at, slots.get(..count).unwrap_or_default());
                    Ok(Some(()))
                }
                // The decoder returned the whole section: it is complete.
                Ok(Status::Partial) => Ok(None),
                Err(e) => Err(ConnectionError::Malformed(e)),
            }
        });
        match parsed {
            Ok(_) => {
                self.reader = Reader::EndNext;
                Some(Raw::Trailers)
            }
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// The message read is complete: what the reader does next.
    fn end_message(&mut self) -> Raw {
        self.reader = Reader::Head;
        match self.config.role {
            Role::Server => {
                let last = self.exchanges.back_mut().is_some_and(|x| {
                    x.request_done = true;
                    !x.keep_alive
                });
                if last || self.closing.is_some() {
                    self.reader = Reader::Stopped;
                } else if self.switch_ready() {
                    self.reader = Reader::SwitchNext;
                }
            }
            Role::Client => {
                let done = self.exchanges.pop_front();
                if done.is_some_and(|x| !x.keep_alive) {
                    self.finish(CloseReason::NotPersistent);
                }
            }
        }
        Raw::End
    }

    /// Server: the response switching protocols was sent and the request that
    /// asked for it is read, so what follows is the new protocol's.
    pub(crate) fn switch_ready(&self) -> bool {
        self.writer == Writer::Done && self.closed.is_none() && self.error.is_none() && {
            matches!(self.exchanges.back(), Some(x) if x.may_switch() && x.responding)
        }
    }
}

fn slice_str<'a>(buf: &'a [u8], r: &Range<u32>) -> &'a str {
    core::str::from_utf8(slice(buf, r)).unwrap_or_default()
}

/// Runs `f` with header slots: [`SMALL_SLOTS`] on the stack, then, if the head
/// has more fields than that and the limit allows more, `max` on the heap.
fn with_slots<'b, T>(
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
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize).min(whole.len())
}

fn span(buf: &[u8], part: &[u8], base: usize) -> Range<u32> {
    range(base + offset_in(buf, part), part.len())
}

fn range(start: usize, len: usize) -> Range<u32> {
    u32::try_from(start).unwrap_or(u32::MAX)..u32::try_from(start + len).unwrap_or(u32::MAX)
}

fn record_spans(spans: &mut Vec<FieldSpan>, buf: &[u8], base: usize, headers: &[Header<'_>]) {
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
fn request_head<'b>(
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
    fields::request_host(&req, buf).map_err(malformed)?;
    let http11 = req.version == Version::Http11;
    // RFC 9110 §10.1.1: "A server that receives a 100-continue expectation in an
    // HTTP/1.0 request MUST ignore that expectation."
    let expects_continue = http11
        && body != BodyKind::None
        && body != BodyKind::Length(0)
        && matches!(fields::expect(req.headers), Ok(Some(Expect::Continue)));
    // RFC 9110 §7.8: "A server MUST ignore an Upgrade header field that is
    // received in an HTTP/1.0 request"; a sender lists "upgrade" in Connection.
    let upgrade = http11
        && fields::upgrade(req.headers).next().is_some()
        && fields::connection_has(req.headers, "upgrade");
    // The codec hands out common methods and "/" as static strings, so their
    // place comes from the request-line's shape: method SP target, after any
    // empty lines skipped.
    let method_at = base + leading_empty_lines(buf, parser.config());
    let target_at = method_at + req.method.len() + 1;
    let info = HeadInfo {
        first: range(method_at, req.method.len()),
        target: range(target_at, req.target.len()),
        version: req.version,
        code: 0,
        body,
        expects_continue,
        keep_alive: fields::keep_alive(req.version, req.headers),
    };
    record_spans(spans, buf, base, req.headers);
    Ok(Some((len, info, upgrade)))
}

/// A response head to a request with `method`, as [`request_head`].
fn response_head<'b>(
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
        version: res.version,
        code: res.code,
        body,
        expects_continue: false,
        keep_alive: fields::keep_alive(res.version, res.headers),
    };
    record_spans(spans, buf, base, res.headers);
    Ok(Some((len, info)))
}
