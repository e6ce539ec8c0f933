//! The connection: its state, constructors and accessors. What arrives is in
//! `read.rs`, what is sent in `write.rs`, the deadlines in `timer.rs`.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use wirestate_http1::{ChunkedDecoder, Parser, Version};
use wirestate_wire::Instant;

use crate::config::{Config, Role};
use crate::error::{CallError, ConnectionError};
use crate::event::{CloseReason, Closed};
use crate::head::FieldSpan;

mod heads;
mod read;
mod timer;
mod write;

pub use timer::Timer;
use timer::Timers;

/// One HTTP/1.1 connection in the client or the server role (RFC 9110, RFC 9112).
///
/// # Contract
///
/// - **Input**: octets from the peer go to [`handle_input`](Self::handle_input)
///   (it takes what fits in [`Config::recv_buffer`] and says how much), the end of
///   the peer's stream to [`handle_eof`](Self::handle_eof), and deadlines to
///   [`handle_timeout`](Self::handle_timeout). `now` never goes back; an early or
///   repeated `handle_timeout` does nothing.
/// - **Events**: after any input or command, call [`poll_event`](Self::poll_event)
///   until it returns `None` (a command can let reading go on: a server paused at
///   [`Config::max_pipeline`] reads the next buffered request once a response is
///   sent). Heads and body data are read from the buffer lazily, one
///   event per call, and borrow it until the next call; this is why events come
///   before output here (the pattern's other machines drain output first): a
///   server may answer as it reads.
/// - **Output**: then drain [`poll_transmit`](Self::poll_transmit) (or
///   [`transmit_pending`](Self::transmit_pending) and
///   [`transmit_advance`](Self::transmit_advance), for a writer that takes slices)
///   into the stream, and arm a timer for [`poll_timeout`](Self::poll_timeout).
///   A stream takes octets in any split, so any non-empty buffer makes progress.
/// - **Commands**: a client sends [`send_request`](Self::send_request), a server
///   [`send_response`](Self::send_response) (and
///   [`send_continue`](Self::send_continue)); both then [`send_data`](Self::send_data)
///   and [`send_end`](Self::send_end). A refused command changes nothing.
/// - **Order**: requests and responses pair first in, first out. A server reads
///   up to [`Config::max_pipeline`] requests ahead of its responses; a client may
///   send that many before the first response.
/// - **End**: [`Event::Closed`](crate::Event::Closed) says the connection is over;
///   drain the output, then close the transport. A server should half-close and
///   read a little longer before closing fully, so a client's unread request does
///   not turn the close into a reset that destroys the response (RFC 9112 §9.6).
/// - **Switch**: after [`Event::Switched`](crate::Event::Switched) the stream is
///   the caller's; drain the output (the 101 head) and stop using the machine.
///
/// # Deliberate departures from the RFCs
///
/// - A request without `Content-Length` or `Transfer-Encoding` has no body, as
///   RFC 9112 §6.3 rule 7 reads it; a client that streams a body of unknown length
///   sends `Transfer-Encoding: chunked` itself.
/// - An `Expect` other than `100-continue` is passed to the caller, not answered
///   417 (RFC 9110 §10.1.1 makes the 417 a MAY).
/// - A server past [`Config::max_pipeline`] stops reading rather than failing the
///   client: nothing in RFC 9112 §9.3.2 bounds pipelining, so backpressure, not a
///   status, is the answer.
/// - A response that arrives while no request awaits one is an error, not ignored
///   (some servers send a 408 before closing an idle connection; the connection
///   ends either way).
/// - The request-target's form is not checked against the method (§3.2); the
///   caller parses it with [`wirestate_http1::RequestTarget`].
#[derive(Debug)]
pub struct Connection {
    pub(crate) config: Config,
    /// The time of the latest input or command: what deadlines armed while
    /// events are read count from.
    pub(crate) now: Instant,

    // Receiving.
    /// Received octets; `input[read_at..]` is not yet read as events.
    pub(crate) input: Vec<u8>,
    pub(crate) read_at: usize,
    pub(crate) reader: Reader,
    pub(crate) parser: Parser,
    /// The fields of the last head or trailer section read.
    pub(crate) spans: Vec<FieldSpan>,
    pub(crate) peer_eof: bool,
    /// Body octets of the message being read so far (against `max_body`).
    pub(crate) body_read: u64,

    // Sending.
    /// Octets to send; `output[sent..]` is owed.
    pub(crate) output: Vec<u8>,
    pub(crate) sent: usize,
    /// Client: output from here on waits for a 100 (Continue) or its deadline.
    pub(crate) hold: Option<usize>,
    pub(crate) writer: Writer,

    // Both.
    /// Requests in order: sent and awaiting a response (client), or read and
    /// not yet answered in full (server).
    pub(crate) exchanges: VecDeque<Exchange>,
    /// No new exchange will start: the connection ends after those in progress.
    pub(crate) closing: Option<CloseReason>,
    pub(crate) error: Option<ConnectionError>,
    pub(crate) error_raised: bool,
    pub(crate) closed: Option<Closed>,
    pub(crate) closed_raised: bool,
    pub(crate) switched: bool,
    pub(crate) timers: Timers,
    /// Requests dropped unanswered when the connection ended.
    pub(crate) unanswered: usize,
}

/// What the receive side expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// A head (idle when nothing is buffered).
    Head,
    /// The body of the message whose head was read.
    Body(BodyReader),
    /// The trailers were reported; the message's `End` is next.
    EndNext,
    /// Nothing more is read: the connection is ending, failed or switched.
    Stopped,
    /// Octets after the switching head go to the caller in `Switched` next.
    SwitchNext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyReader {
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose,
}

/// What the send side is in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    /// Between messages.
    Idle,
    /// A body is being sent.
    Body(BodyWriter),
    /// The stream was handed over or the connection ended: nothing more.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyWriter {
    /// No body may follow (HEAD, 1xx, 204, 304, a request without framing).
    Nothing,
    Length(u64),
    Chunked,
    UntilClose,
}

/// How a request's method shapes its response's framing (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodKind {
    Head,
    Connect,
    Other,
}

impl MethodKind {
    pub(crate) fn of(method: &str) -> Self {
        match method {
            "HEAD" => MethodKind::Head,
            "CONNECT" => MethodKind::Connect,
            _ => MethodKind::Other,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MethodKind::Head => "HEAD",
            MethodKind::Connect => "CONNECT",
            MethodKind::Other => "GET",
        }
    }
}

/// One request and its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exchange {
    pub(crate) method: MethodKind,
    pub(crate) version: Version,
    /// The request lets the connection persist (RFC 9112 §9.3).
    pub(crate) keep_alive: bool,
    /// The request offered an Upgrade (with the `upgrade` connection option).
    pub(crate) upgrade: bool,
    /// The request carries `Expect: 100-continue` (HTTP/1.1) and a body.
    pub(crate) expect_continue: bool,
    /// Server: a 100 (Continue) was sent.
    pub(crate) continued: bool,
    /// The request was read (server) or sent (client) in full.
    pub(crate) request_done: bool,
    /// Server: the final response's head was sent.
    pub(crate) responding: bool,
    /// Server: the machine answers this one itself with this status, then closes.
    pub(crate) auto_status: Option<u16>,
}

impl Exchange {
    pub(crate) fn new(method: MethodKind, version: Version) -> Self {
        Exchange {
            method,
            version,
            keep_alive: true,
            upgrade: false,
            expect_continue: false,
            continued: false,
            request_done: false,
            responding: false,
            auto_status: None,
        }
    }

    /// Whether its response may switch the protocol, so nothing after the
    /// request is read as HTTP until the response says.
    pub(crate) fn may_switch(&self) -> bool {
        self.upgrade || self.method == MethodKind::Connect
    }
}

impl Connection {
    /// A connection with `config`, idle: a client may send a request, a server
    /// waits for one.
    pub fn new(config: Config) -> Self {
        let mut config = config;
        config.recv_buffer = config.recv_buffer.max(config.parser.max_head_len.saturating_add(1));
        config.max_pipeline = config.max_pipeline.max(1);
        Connection {
            config,
            now: Instant::ZERO,
            input: Vec::new(),
            read_at: 0,
            reader: Reader::Head,
            parser: Parser::new(config.parser),
            spans: Vec::new(),
            peer_eof: false,
            body_read: 0,
            output: Vec::new(),
            sent: 0,
            hold: None,
            writer: Writer::Idle,
            exchanges: VecDeque::with_capacity(config.max_pipeline.min(16)),
            closing: None,
            error: None,
            error_raised: false,
            closed: None,
            closed_raised: false,
            switched: false,
            timers: Timers::default(),
            unanswered: 0,
        }
    }

    /// The configuration (with `recv_buffer` and `max_pipeline` as raised).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Client or server.
    pub fn role(&self) -> Role {
        self.config.role
    }

    /// What stopped the connection reading, if anything did.
    pub fn error(&self) -> Option<ConnectionError> {
        self.error
    }

    /// Whether the connection is over ([`Event::Closed`](crate::Event::Closed) was
    /// raised or is due).
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// Whether the connection will carry no new exchange (it ends once those in
    /// progress do).
    pub fn is_closing(&self) -> bool {
        self.closing.is_some() || self.closed.is_some()
    }

    /// Whether the protocol switched (101 or a 2xx to CONNECT).
    pub fn is_switched(&self) -> bool {
        self.switched
    }

    /// Received octets not yet read as events (at most
    /// [`Config::recv_buffer`]): after a protocol switch, none (they went out
    /// in [`Event::Switched`](crate::Event::Switched)).
    pub fn buffered(&self) -> usize {
        self.input.len().saturating_sub(self.read_at)
    }

    /// Requests awaiting their responses (client), or read and not yet answered
    /// in full (server).
    pub fn in_flight(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether nothing is in progress: no request awaits a response, no message
    /// is being read or sent, nothing is buffered.
    pub fn is_idle(&self) -> bool {
        self.exchanges.is_empty()
            && self.writer == Writer::Idle
            && self.reader == Reader::Head
            && self.read_at >= self.input.len()
    }

    /// Stops the connection after the exchanges in progress: a client sends no
    /// more requests and ends once the responses it awaits are read (it should
    /// have sent `Connection: close` on the last, RFC 9112 §9.6); a server reads
    /// no more requests and marks its next response `Connection: close`. Requests
    /// read but not answered then stay unanswered.
    pub fn close(&mut self, now: Instant) {
        self.now = self.now.max(now);
        if self.closing.is_none() && self.closed.is_none() {
            self.closing = Some(crate::event::CloseReason::Local);
        }
        // A server stops reading, unless a request that may switch protocols
        // is last: what follows it is the caller's if the switch happens.
        let may_switch = self.exchanges.back().is_some_and(Exchange::may_switch);
        if self.config.role == Role::Server && !self.reading_message() && !may_switch {
            self.reader = Reader::Stopped;
        }
        self.settle();
    }

    /// Ends the connection now: whatever is owed is dropped and
    /// [`Event::Closed`](crate::Event::Closed) is raised (if not yet).
    pub fn abort(&mut self, now: Instant) {
        self.now = self.now.max(now);
        self.output.clear();
        self.sent = 0;
        self.hold = None;
        self.reader = Reader::Stopped;
        self.writer = Writer::Done;
        self.finish(self.closing.unwrap_or(CloseReason::Local));
    }

    /// Whether a message is being read (its head is not all there yet does not
    /// count: that is idle).
    pub(crate) fn reading_message(&self) -> bool {
        matches!(self.reader, Reader::Body(_) | Reader::EndNext)
    }

    /// The connection ends now: the exchanges left are unanswered.
    pub(crate) fn finish(&mut self, reason: CloseReason) {
        if self.closed.is_some() {
            return;
        }
        // The machine's own error answers are not requests.
        self.unanswered += self.exchanges.iter().filter(|x| x.auto_status.is_none()).count();
        self.exchanges.clear();
        self.reader = Reader::Stopped;
        if self.writer != Writer::Done {
            self.writer = Writer::Done;
        }
        self.closing.get_or_insert(reason);
        self.closed = Some(Closed { reason, unanswered: self.unanswered });
        self.timers.clear_all();
    }

    /// After any change: the machine's own responses, the end of the connection
    /// when nothing is left, and the deadlines.
    pub(crate) fn settle(&mut self) {
        if self.config.role == Role::Server {
            self.answer_automatically();
        }
        if let Some(reason) = self.closing {
            let done = self.exchanges.is_empty()
                && matches!(self.writer, Writer::Idle | Writer::Done)
                && !self.reading_message()
                && self.reader != Reader::SwitchNext;
            if done && !self.switched {
                self.finish(reason);
            }
        }
        self.rearm();
    }

    /// Raises the error that stops reading (once), and ends persistence.
    pub(crate) fn fail(&mut self, err: ConnectionError) {
        if self.error.is_some() || self.closed.is_some() {
            return;
        }
        self.error = Some(err);
        let reading = self.reading_message();
        self.reader = Reader::Stopped;
        self.closing.get_or_insert(CloseReason::Error);
        match self.config.role {
            Role::Client => {
                // Nothing can be read any more, so no request will be answered.
                self.writer = Writer::Done;
                self.hold = None;
                self.finish(CloseReason::Error);
            }
            Role::Server => self.queue_error_response(err.status(), reading),
        }
        self.settle();
    }

    /// Server: the erroring request is answered by the machine in its turn. If
    /// its response already began, the connection just ends after it.
    fn queue_error_response(&mut self, status: u16, reading: bool) {
        if reading {
            // The failing body's request: answered by the machine unless its
            // response began (then the connection just ends after it), and not
            // at all if that response was sent in full (RFC 9110 §15: exactly
            // one final response per request).
            if let Some(x) = self.exchanges.back_mut().filter(|x| !x.request_done) {
                if !x.responding {
                    x.auto_status = Some(status);
                }
                x.request_done = true;
            }
            return;
        }
        let mut x = Exchange::new(MethodKind::Other, Version::Http11);
        x.auto_status = Some(status);
        x.keep_alive = false;
        x.request_done = true;
        self.exchanges.push_back(x);
    }

    pub(crate) fn check_usable(&self) -> Result<(), CallError> {
        if self.switched {
            return Err(CallError::Switched);
        }
        Ok(())
    }
}
