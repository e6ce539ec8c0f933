//! What arrives: octets buffered by `handle_input`, read as events one at a time
//! by `poll_event`, in the order RFC 9112 reads a message (head §2-§5, body §6-§7).

use core::ops::Range;

use wirestate_http1::{
    leading_empty_lines, parse_headers, BodyKind, Chunk, ChunkedDecoder, Status,
};
use wirestate_wire::Instant;

use super::heads::{offset_in, record_spans, request_head, response_head, with_slots, HeadInfo};
use super::{BodyReader, Connection, Exchange, Reader, Writer};
use crate::config::Role;
use crate::error::{CallError, ConnectionError};
use crate::event::{CloseReason, Event};
use crate::head::{slice, Fields, ReceivedRequest, ReceivedResponse};

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
                method: h.known.0.unwrap_or_else(|| text(&h.first)),
                target: h.known.1.unwrap_or_else(|| text(&h.target)),
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
            // RFC 9110 §7.8: "A client cannot begin using an upgraded protocol on
            // the connection until it has completely sent the request message".
            Reader::SwitchNext if matches!(self.writer, Writer::Body(_)) => None,
            Reader::SwitchNext => {
                self.switched = true;
                self.exchanges.clear();
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
        // Not while paused: after a request that may switch protocols the next
        // octets need not be HTTP at all (RFC 9112 §2.2 speaks of what comes
        // "prior to the request-line").
        if self.config.role != Role::Server || self.reader != Reader::Head || self.paused() {
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
        let mut x = Exchange::new(info.method, info.version);
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
                }
            }
        }
        // RFC 9112 §9.5: a client that sees the server will close "SHOULD
        // immediately cease transmitting the body" of the request.
        if !info.keep_alive && matches!(self.writer, Writer::Body(_)) {
            self.writer = Writer::Done;
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
        if info.code == 101 && !front.upgrade {
            self.fail(ConnectionError::Unsolicited);
            return None;
        }
        if info.code == 101 {
            // Switched once the request is sent in full (see `read_step`).
            self.reader = Reader::SwitchNext;
        }
        if front.expect_continue && !front.continued {
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
                // Part of a line was taken: what is left cannot complete it
                // now, which after the peer's close is a body cut short.
                self.read_chunked(dec)
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
                let (last, may_switch) = self.exchanges.back_mut().map_or((false, false), |x| {
                    x.request_done = true;
                    (!x.keep_alive, x.may_switch())
                });
                // A request that may switch protocols keeps the reader, paused,
                // whatever else it says: if the response switches, what follows
                // is the caller's; if not, that response ends or goes on.
                if self.switch_ready() {
                    self.reader = Reader::SwitchNext;
                } else if !may_switch && (last || self.closing.is_some()) {
                    self.reader = Reader::Stopped;
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
