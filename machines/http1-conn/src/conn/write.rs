//! What is sent: heads framed from their fields (RFC 9112 §6), bodies in the
//! framing chosen, the machine's own error responses, and the output buffer.

use alloc::vec::Vec;

use wirestate_http1::fields::{self, Expect};
use wirestate_http1::{
    content_length, framing, write_chunk_header, write_last_chunk, BodyKind, HeadWriter, Header,
    Version, EMPTY_HEADER, MAX_CHUNK_HEADER_LEN,
};
use wirestate_wire::{Error, Instant};

use super::{BodyWriter, Connection, Exchange, MethodKind, Reader, Timer, Writer};
use crate::config::Role;
use crate::error::CallError;
use crate::event::CloseReason;
use crate::head::{RequestHead, ResponseHead};

/// Fields the machine may add to a response head.
#[derive(Default)]
struct Added {
    chunked: bool,
    close: bool,
    keep_alive: bool,
}

/// What a response's own Connection field says.
struct Said {
    close: bool,
    keep_alive: bool,
}

impl Connection {
    /// Client: sends a request head. Its fields frame the body: `Content-Length`,
    /// or `Transfer-Encoding` ending in `chunked`, or no body at all; then
    /// [`send_data`](Self::send_data) and always [`send_end`](Self::send_end).
    /// With `Expect: 100-continue` and a body, the body waits in the output until a
    /// 100 (Continue) arrives or [`Timer::Continue`] fires (RFC 9110 §10.1.1).
    /// `Connection: close`, or HTTP/1.0 without `keep-alive`, makes it the last.
    ///
    /// # Errors
    /// [`CallError::WrongRole`], [`CallError::Switched`], [`CallError::Lost`],
    /// [`CallError::Closing`] (a close was sent or received), [`CallError::MessageInProgress`]
    /// (the previous request's body is not ended), [`CallError::PipelineFull`],
    /// [`CallError::SwitchPending`], and [`CallError::Head`] for a head that breaks
    /// a rule: what [`HeadWriter`] refuses, no Host (or two) in HTTP/1.1 (RFC 9112
    /// §3.2), Content-Length twice or with Transfer-Encoding (RFC 9112 §6.2-6.3), a
    /// Transfer-Encoding not ending in chunked or in HTTP/1.0 (§6.1).
    pub fn send_request(&mut self, now: Instant, head: &RequestHead<'_>) -> Result<(), CallError> {
        self.now = self.now.max(now);
        self.can_start(Role::Client)?;
        if self.writer != Writer::Idle {
            return Err(CallError::MessageInProgress);
        }
        if self.exchanges.len() >= self.config.max_pipeline {
            return Err(CallError::PipelineFull);
        }
        if self.exchanges.iter().any(Exchange::may_switch) {
            return Err(CallError::SwitchPending);
        }
        let (body, mut x) = with_headers(head.headers, |h| request_framing(head, h))?;
        let mark = self.output.len();
        if let Err(e) = self.write_request_head(head) {
            self.output.truncate(mark);
            return Err(CallError::Head(e));
        }
        self.writer = Writer::Body(body);
        x.request_done = body == BodyWriter::Nothing;
        if x.expect_continue {
            if self.hold.is_none() {
                self.hold = Some(self.output.len());
                self.timers.set(Timer::Continue, self.now + self.config.continue_timeout);
            } else {
                // Already behind an earlier request's wait: its body goes when
                // that one's does, without a wait of its own.
                x.continued = true;
            }
        }
        if !x.keep_alive {
            self.closing.get_or_insert(CloseReason::NotPersistent);
        }
        self.exchanges.push_back(x);
        self.settle();
        Ok(())
    }

    /// Server: sends the response head for the oldest request not yet answered
    /// (responses go in the order the requests came, RFC 9112 §9.3.2). A 1xx is
    /// interim and the final response follows; a 101 switches protocols once the
    /// request is read; a 2xx to CONNECT makes the connection a tunnel. The
    /// fields frame the body, and the machine adds framing and `Connection`
    /// fields as [`ResponseHead`] says; then [`send_data`](Self::send_data) and
    /// always [`send_end`](Self::send_end).
    ///
    /// # Errors
    /// [`CallError::WrongRole`], [`CallError::Switched`], [`CallError::Closing`],
    /// [`CallError::NoRequest`], [`CallError::MessageInProgress`],
    /// [`CallError::Lost`] when the machine answers the request itself (it was
    /// malformed), [`CallError::Status`] (see there), and [`CallError::Head`]: what
    /// [`HeadWriter`] refuses, Content-Length twice or with Transfer-Encoding,
    /// Content-Length or Transfer-Encoding on a 1xx or 204 (RFC 9110 §8.6, RFC 9112
    /// §6.1) or a 2xx to CONNECT (RFC 9110 §9.3.6), Transfer-Encoding to an
    /// HTTP/1.0 request (RFC 9112 §6.1).
    pub fn send_response(
        &mut self,
        now: Instant,
        head: &ResponseHead<'_>,
    ) -> Result<(), CallError> {
        self.now = self.now.max(now);
        self.check_usable()?;
        if self.config.role != Role::Server {
            return Err(CallError::WrongRole);
        }
        if self.closed.is_some() {
            return Err(CallError::Closing);
        }
        if self.writer != Writer::Idle {
            return Err(CallError::MessageInProgress);
        }
        let x = *self.exchanges.front().ok_or(CallError::NoRequest)?;
        if x.auto_status.is_some() {
            return Err(self.error.map_or(CallError::Closing, CallError::Lost));
        }
        if !(100..=599).contains(&head.code) {
            return Err(CallError::Status(head.code));
        }
        if head.code < 200 {
            return self.send_interim(head, x);
        }
        let (body, mut added, said) =
            with_headers(head.headers, |h| response_framing(head, h, &x))?;
        // Persistence (RFC 9112 §9.3): the request allowed it, the response does
        // not say close, the body does not end with the connection, and the client
        // is not left unsure whether to send a body it was told to wait with (RFC
        // 9110 §10.1.1). After `close`, this response is the last; after the peer
        // closed, the answer to the last request read is; after a read error the
        // machine's own answer is, so those before it persist as usual.
        // Body octets already arriving for it mean the client is sending.
        let sending = self.exchanges.len() == 1 && self.body_read > 0;
        let unsure = x.expect_continue && !x.continued && !x.request_done && !sending;
        let last_read = self.peer_eof
            && self.exchanges.len() == 1
            && self.read_at >= self.input.len()
            && !self.reading_message();
        let persist = x.keep_alive
            && self.closing != Some(CloseReason::Local)
            && !last_read
            && !said.close
            && body != BodyWriter::UntilClose
            && !unsure;
        let tunnel = x.method == MethodKind::Connect && (200..300).contains(&head.code);
        // A tunnel's head says nothing of persistence: the connection is no
        // longer HTTP after it.
        added.close = !persist && !said.close && !tunnel;
        added.keep_alive = persist && x.version == Version::Http10 && !said.keep_alive && !tunnel;
        let mark = self.output.len();
        if let Err(e) = self.write_response_head(head, &added) {
            self.output.truncate(mark);
            return Err(CallError::Head(e));
        }
        if let Some(front) = self.exchanges.front_mut() {
            front.responding = true;
            front.keep_alive = persist;
        }
        if !persist {
            self.closing.get_or_insert(CloseReason::NotPersistent);
        }
        if tunnel {
            self.begin_switch();
        } else {
            self.writer = Writer::Body(body);
        }
        self.settle();
        Ok(())
    }

    /// Server: sends `100 Continue` to a request that expects it, so the client
    /// sends its body (RFC 9110 §10.1.1, §15.2.1).
    ///
    /// # Errors
    /// As [`send_response`](Self::send_response); [`CallError::Status`] if the
    /// oldest unanswered request does not expect it or was already continued.
    pub fn send_continue(&mut self, now: Instant) -> Result<(), CallError> {
        match self.exchanges.front() {
            Some(x) if x.expect_continue && !x.continued => {}
            Some(_) => return Err(CallError::Status(100)),
            None => return Err(CallError::NoRequest),
        }
        self.send_response(now, &ResponseHead::new(100, "Continue", &[]))
    }

    fn send_interim(&mut self, head: &ResponseHead<'_>, x: Exchange) -> Result<(), CallError> {
        // RFC 9110 §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0
        // client"; §15.2.2: a 101 only to a request that offered an Upgrade.
        if x.version == Version::Http10 || (head.code == 101 && !x.upgrade) {
            return Err(CallError::Status(head.code));
        }
        // RFC 9110 §7.8: a server that receives Upgrade and a 100-continue
        // expectation "MUST send a 100 (Continue) response before sending a 101".
        if head.code == 101 && x.expect_continue && !x.continued {
            return Err(CallError::Status(101));
        }
        with_headers(head.headers, |h| {
            // RFC 9110 §15.2.2: "The server MUST generate an Upgrade header field
            // in the response that indicates which protocol(s) are being switched to".
            if head.code == 101 && !h.iter().any(|f| f.is("upgrade")) {
                return Err(head_error("upgrade", "RFC 9110 §15.2.2: a 101 names its protocol"));
            }
            // RFC 9110 §8.6, RFC 9112 §6.1: neither on a 1xx.
            no_framing(h, "RFC 9110 §8.6: no Content-Length or Transfer-Encoding on a 1xx")
        })?;
        let mark = self.output.len();
        if let Err(e) = self.write_response_head(head, &Added::default()) {
            self.output.truncate(mark);
            return Err(CallError::Head(e));
        }
        if let Some(front) = self.exchanges.front_mut() {
            if head.code == 100 {
                front.continued = true;
            }
            if head.code == 101 {
                front.responding = true;
            }
        }
        if head.code == 101 {
            self.begin_switch();
        }
        self.settle();
        Ok(())
    }

    /// Server: the head that switches protocols was written; the switch takes
    /// effect once the request is read in full.
    fn begin_switch(&mut self) {
        self.writer = Writer::Done;
        if let Some(front) = self.exchanges.front_mut() {
            front.responding = true;
        }
        if self.switch_ready() && !self.reading_message() {
            self.reader = Reader::SwitchNext;
        }
    }

    /// Sends body octets in the message's framing: as they are for a
    /// Content-Length or close-delimited body, as one chunk for a chunked one.
    /// Returns how many were taken: fewer when [`Config::send_buffer`] is full
    /// (drain [`poll_transmit`](Self::poll_transmit) and offer the rest again).
    ///
    /// [`Config::send_buffer`]: crate::Config::send_buffer
    ///
    /// # Errors
    /// [`CallError::NoMessage`] before a head, [`CallError::NoBody`] for a message
    /// that has none, [`CallError::BodyTooLong`] past the Content-Length,
    /// [`CallError::Closing`] once the connection ended (a client also stops when
    /// the server answered and is closing, RFC 9112 §9.5), [`CallError::Switched`].
    pub fn send_data(&mut self, now: Instant, data: &[u8]) -> Result<usize, CallError> {
        self.now = self.now.max(now);
        self.check_usable()?;
        let body = match self.writer {
            Writer::Idle => return Err(CallError::NoMessage),
            Writer::Done => return Err(CallError::Closing),
            Writer::Body(body) => body,
        };
        let room = self.config.send_buffer.saturating_sub(self.owed());
        let taken = match body {
            BodyWriter::Nothing if data.is_empty() => 0,
            BodyWriter::Nothing => return Err(CallError::NoBody),
            BodyWriter::Length(remaining) => {
                if data.len() as u64 > remaining {
                    return Err(CallError::BodyTooLong { remaining });
                }
                let take = data.len().min(room);
                self.writer = Writer::Body(BodyWriter::Length(remaining - take as u64));
                self.push(data.get(..take).unwrap_or_default());
                take
            }
            BodyWriter::UntilClose => {
                let take = data.len().min(room);
                self.push(data.get(..take).unwrap_or_default());
                take
            }
            BodyWriter::Chunked => {
                let take = data.len().min(room.saturating_sub(MAX_CHUNK_HEADER_LEN + 2));
                self.push_chunk(data.get(..take).unwrap_or_default());
                take
            }
        };
        self.settle();
        Ok(taken)
    }

    /// Ends the message being sent: the last chunk and `trailers` for a chunked
    /// body (RFC 9112 §7.1.2); nothing for the others, whose end their framing
    /// already says. A close-delimited response ends the connection.
    ///
    /// # Errors
    /// [`CallError::NoMessage`], [`CallError::BodyIncomplete`] (Content-Length not
    /// reached), [`CallError::Trailers`] (trailers without chunked, or refused by
    /// the writer), [`CallError::Closing`], [`CallError::Switched`].
    pub fn send_end(&mut self, now: Instant, trailers: &[(&str, &str)]) -> Result<(), CallError> {
        self.now = self.now.max(now);
        self.check_usable()?;
        let body = match self.writer {
            Writer::Idle => return Err(CallError::NoMessage),
            Writer::Done => return Err(CallError::Closing),
            Writer::Body(body) => body,
        };
        match body {
            BodyWriter::Length(remaining) if remaining > 0 => {
                return Err(CallError::BodyIncomplete { remaining })
            }
            BodyWriter::Chunked => self.push_last_chunk(trailers)?,
            _ if !trailers.is_empty() => return Err(CallError::Trailers),
            _ => {}
        }
        self.writer = Writer::Idle;
        match self.config.role {
            Role::Client => {
                if let Some(x) = self.exchanges.back_mut() {
                    x.request_done = true;
                }
            }
            Role::Server => {
                let done = self.exchanges.pop_front();
                let last = done.is_some_and(|x| !x.keep_alive) || body == BodyWriter::UntilClose;
                if last {
                    self.finish(self.closing.unwrap_or(CloseReason::NotPersistent));
                }
            }
        }
        self.settle();
        Ok(())
    }

    /// Copies owed octets into `buf`; `Ok(None)` when nothing is owed (or all
    /// that is owed waits for a 100).
    ///
    /// # Errors
    /// [`CallError::BufferTooSmall`] for an empty `buf` while octets are owed.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Result<Option<usize>, CallError> {
        let pending = self.transmit_pending();
        if pending.is_empty() {
            return Ok(None);
        }
        if buf.is_empty() {
            return Err(CallError::BufferTooSmall { need: 1 });
        }
        let n = pending.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), pending.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.transmit_advance(n);
        Ok(Some(n))
    }

    /// The owed octets that may go now, without copying: write them, then call
    /// [`transmit_advance`](Self::transmit_advance) with how many went.
    pub fn transmit_pending(&self) -> &[u8] {
        let end = self.hold.unwrap_or(self.output.len()).min(self.output.len());
        self.output.get(self.sent.min(end)..end).unwrap_or_default()
    }

    /// `n` octets of [`transmit_pending`](Self::transmit_pending) were written.
    pub fn transmit_advance(&mut self, n: usize) {
        let n = n.min(self.transmit_pending().len());
        self.sent += n;
        if self.sent == self.output.len() {
            self.output.clear();
            self.sent = 0;
            if self.hold.is_some() {
                self.hold = Some(0);
            }
        }
    }

    /// Everything that may go now, as one vector (tests, examples, simulations).
    pub fn take_transmit(&mut self) -> Vec<u8> {
        let out = self.transmit_pending().to_vec();
        self.transmit_advance(out.len());
        out
    }

    /// Octets in the output not yet handed out.
    fn owed(&self) -> usize {
        self.output.len() - self.sent.min(self.output.len())
    }

    fn can_start(&self, role: Role) -> Result<(), CallError> {
        self.check_usable()?;
        if self.config.role != role {
            return Err(CallError::WrongRole);
        }
        if let Some(e) = self.error {
            return Err(CallError::Lost(e));
        }
        if self.closing.is_some() || self.closed.is_some() {
            return Err(CallError::Closing);
        }
        Ok(())
    }

    /// Makes room at the end of the output, dropping what was handed out.
    fn compact(&mut self) {
        if self.sent > 0 && self.sent * 2 >= self.output.len() {
            self.output.drain(..self.sent);
            if let Some(h) = self.hold.as_mut() {
                *h -= self.sent.min(*h);
            }
            self.sent = 0;
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.compact();
        self.output.extend_from_slice(bytes);
    }

    fn push_chunk(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        self.compact();
        let mut size = [0u8; MAX_CHUNK_HEADER_LEN];
        let n = write_chunk_header(data.len() as u64, &mut size).unwrap_or(0);
        self.output.extend_from_slice(size.get(..n).unwrap_or_default());
        self.output.extend_from_slice(data);
        self.output.extend_from_slice(b"\r\n");
    }

    fn push_last_chunk(&mut self, trailers: &[(&str, &str)]) -> Result<(), CallError> {
        self.compact();
        let need = 5 + trailers.iter().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>();
        let mark = self.output.len();
        self.output.resize(mark + need, 0);
        let written = with_headers(trailers, |h| {
            let out = self.output.get_mut(mark..).unwrap_or_default();
            write_last_chunk(h, out).map_err(|_| CallError::Trailers)
        });
        match written {
            Ok(n) => {
                self.output.truncate(mark + n);
                Ok(())
            }
            Err(e) => {
                self.output.truncate(mark);
                Err(e)
            }
        }
    }

    fn write_request_head(&mut self, head: &RequestHead<'_>) -> Result<(), Error> {
        self.compact();
        let line = head.method.len() + head.target.len() + 12;
        let need = line + fields_len(head.headers) + 2;
        let mark = self.output.len();
        self.output.resize(mark + need, 0);
        let mut w = HeadWriter::new(self.output.get_mut(mark..).unwrap_or_default());
        w.request_line(head.method, head.target, head.version)?;
        for (name, value) in head.headers {
            w.header(name, value)?;
        }
        let n = w.finish()?;
        self.output.truncate(mark + n);
        Ok(())
    }

    fn write_response_head(&mut self, head: &ResponseHead<'_>, added: &Added) -> Result<(), Error> {
        self.compact();
        let need = 15 + head.reason.len() + fields_len(head.headers) + 64 + 2;
        let mark = self.output.len();
        self.output.resize(mark + need, 0);
        let mut w = HeadWriter::new(self.output.get_mut(mark..).unwrap_or_default());
        w.status_line(Version::Http11, head.code, head.reason)?;
        for (name, value) in head.headers {
            w.header(name, value)?;
        }
        if added.chunked {
            w.header("Transfer-Encoding", "chunked")?;
        }
        if added.close {
            w.header("Connection", "close")?;
        }
        if added.keep_alive {
            w.header("Connection", "keep-alive")?;
        }
        let n = w.finish()?;
        self.output.truncate(mark + n);
        Ok(())
    }

    /// Server: when the oldest request is one the machine answers itself (it was
    /// malformed, too large, or its head too slow), and its turn has come, writes
    /// the status with `Connection: close` and ends the connection.
    pub(crate) fn answer_automatically(&mut self) {
        let Some(status) = self.exchanges.front().and_then(|x| x.auto_status) else { return };
        if self.writer != Writer::Idle || self.closed.is_some() {
            return;
        }
        let head = ResponseHead::new(status, reason(status), &[("Content-Length", "0")]);
        let added = Added { close: true, ..Added::default() };
        if self.write_response_head(&head, &added).is_err() {
            return;
        }
        self.exchanges.pop_front();
        self.finish(CloseReason::Error);
    }
}

/// The reason phrase of the statuses the machine sends itself.
fn reason(status: u16) -> &'static str {
    match status {
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Bad Request",
    }
}

fn fields_len(headers: &[(&str, &str)]) -> usize {
    headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum()
}

/// Runs `f` over `headers` as codec [`Header`]s (on the stack when there are few).
fn with_headers<'a, T>(
    headers: &[(&'a str, &'a str)],
    f: impl FnOnce(&[Header<'a>]) -> Result<T, CallError>,
) -> Result<T, CallError> {
    fn convert<'a>((n, v): &(&'a str, &'a str)) -> Header<'a> {
        Header { name: n.as_bytes(), value: v.as_bytes() }
    }
    if headers.len() <= 16 {
        let mut slots: [Header<'a>; 16] = [EMPTY_HEADER; 16];
        for (slot, h) in slots.iter_mut().zip(headers) {
            *slot = convert(h);
        }
        f(slots.get(..headers.len()).unwrap_or_default())
    } else {
        let all: Vec<Header<'a>> = headers.iter().map(convert).collect();
        f(&all)
    }
}

fn head_error(field: &'static str, rule: &'static str) -> CallError {
    CallError::Head(Error::malformed(field, 0, rule))
}

/// Refuses a second Content-Length line or list member: a recipient may merge
/// equal ones, but a sender has no reason to send them (RFC 9110 §8.6).
fn single_content_length(h: &[Header<'_>]) -> Result<Option<u64>, CallError> {
    let lines = h.iter().filter(|f| f.is("content-length"));
    let members: usize =
        lines.map(|f| f.value.split(|&b| b == b',').filter(|m| !m.is_empty()).count()).sum();
    if members > 1 {
        return Err(head_error("content-length", "RFC 9110 §8.6: one Content-Length"));
    }
    content_length(h, b"").map_err(CallError::Head)
}

fn no_framing(h: &[Header<'_>], rule: &'static str) -> Result<(), CallError> {
    match h.iter().find(|f| f.is("content-length") || f.is("transfer-encoding")) {
        Some(f) if f.is("content-length") => Err(head_error("content-length", rule)),
        Some(_) => Err(head_error("transfer-encoding", rule)),
        None => Ok(()),
    }
}

/// A request's body framing and its exchange, from its fields.
fn request_framing(
    head: &RequestHead<'_>,
    h: &[Header<'_>],
) -> Result<(BodyWriter, Exchange), CallError> {
    if head.version == Version::Http11 && h.iter().filter(|f| f.is("host")).count() != 1 {
        return Err(head_error("host", "RFC 9112 §3.2: an HTTP/1.1 request has one Host"));
    }
    single_content_length(h)?;
    let body = match framing(h, head.version, b"", true).map_err(CallError::Head)? {
        None | Some(BodyKind::None) => BodyWriter::Nothing,
        Some(BodyKind::Length(n)) => BodyWriter::Length(n),
        Some(_) => BodyWriter::Chunked,
    };
    if head.method == "CONNECT" && !matches!(body, BodyWriter::Nothing | BodyWriter::Length(0)) {
        return Err(head_error(
            "content-length",
            "RFC 9110 §9.3.6: a CONNECT request has no content",
        ));
    }
    let mut x = Exchange::new(MethodKind::of(head.method), head.version);
    x.keep_alive = fields::keep_alive(head.version, h);
    x.upgrade = head.version == Version::Http11
        && fields::upgrade(h).next().is_some()
        && fields::connection_has(h, "upgrade");
    // RFC 9110 §10.1.1: "A client MUST NOT generate a 100-continue expectation in
    // a request that does not include content."
    let expects = matches!(fields::expect(h), Ok(Some(Expect::Continue)));
    let has_body = !matches!(body, BodyWriter::Nothing | BodyWriter::Length(0));
    if expects && !has_body {
        return Err(head_error("expect", "RFC 9110 §10.1.1: 100-continue needs content"));
    }
    x.expect_continue = expects && head.version == Version::Http11;
    Ok((body, x))
}

/// A response's body framing and the fields the machine adds, from its fields
/// and the request it answers.
fn response_framing(
    head: &ResponseHead<'_>,
    h: &[Header<'_>],
    x: &Exchange,
) -> Result<(BodyWriter, Added, Said), CallError> {
    let said = Said {
        close: fields::connection_has(h, "close"),
        keep_alive: fields::connection_has(h, "keep-alive"),
    };
    let (body, added) = body_framing(head.code, h, x)?;
    Ok((body, added, said))
}

fn body_framing(
    code: u16,
    h: &[Header<'_>],
    x: &Exchange,
) -> Result<(BodyWriter, Added), CallError> {
    if code == 204 {
        no_framing(h, "RFC 9110 §8.6: no Content-Length or Transfer-Encoding on a 204")?;
    }
    if x.method == MethodKind::Connect && (200..300).contains(&code) {
        no_framing(
            h,
            "RFC 9110 §9.3.6: no Content-Length or Transfer-Encoding on a 2xx to CONNECT",
        )?;
        return Ok((BodyWriter::Nothing, Added::default()));
    }
    let has_te = h.iter().any(|f| f.is("transfer-encoding"));
    if has_te && x.version == Version::Http10 {
        return Err(head_error(
            "transfer-encoding",
            "RFC 9112 §6.1: no Transfer-Encoding to an HTTP/1.0 request",
        ));
    }
    let length = single_content_length(h)?;
    // Without Transfer-Encoding the framing is the Content-Length just read.
    let announced = if has_te {
        framing(h, Version::Http11, b"", false).map_err(CallError::Head)?
    } else {
        length.map(BodyKind::Length)
    };
    // RFC 9112 §6.3 rule 1: no body after HEAD, 204 or 304, whatever the fields say.
    if x.method == MethodKind::Head || code == 204 || code == 304 {
        return Ok((BodyWriter::Nothing, Added::default()));
    }
    Ok(match announced {
        Some(BodyKind::Length(n)) => (BodyWriter::Length(n), Added::default()),
        Some(BodyKind::Chunked) => (BodyWriter::Chunked, Added::default()),
        Some(_) => (BodyWriter::UntilClose, Added::default()),
        None if x.version == Version::Http11 => {
            (BodyWriter::Chunked, Added { chunked: true, ..Added::default() })
        }
        None => (BodyWriter::UntilClose, Added::default()),
    })
}
