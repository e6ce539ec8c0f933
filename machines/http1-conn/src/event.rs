//! What the connection tells its caller.

use crate::error::ConnectionError;
use crate::head::{Fields, ReceivedRequest, ReceivedResponse};

/// Something the connection read or decided, from
/// [`Connection::poll_event`](crate::Connection::poll_event). Data borrows the
/// connection's receive buffer until the next call on it.
///
/// A message reads as its head, any number of `Data`, then `Trailers` (a
/// chunked body with a trailer section only) and `End`. An interim response
/// (1xx) is a `Response` alone, without `End`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Server: a request head.
    Request(ReceivedRequest<'a>),
    /// Client: a response head, interim (1xx) or final.
    Response(ReceivedResponse<'a>),
    /// Body octets, with the framing removed; never past the message's end.
    Data(&'a [u8]),
    /// The trailer fields of a chunked body (RFC 9112 §7.1.2), when it had any.
    Trailers(Fields<'a>),
    /// The message is complete.
    End,
    /// The protocol switched (a 101, or a 2xx to CONNECT): from here on the
    /// stream is the caller's, and `rest` is what was received after the head
    /// (RFC 9110 §7.8: the new protocol starts "immediately after the empty line
    /// that terminates the 101 response"). Drain `poll_transmit` first: it may
    /// still hold the 101 head.
    Switched {
        /// Octets received after the switching message.
        rest: &'a [u8],
    },
    /// The peer broke the protocol or a deadline passed; no more is read. Raised
    /// once; [`Connection::error`](crate::Connection::error) keeps it.
    Error(ConnectionError),
    /// The connection is over: nothing more will be read or sent once
    /// `poll_transmit` is drained. Close the transport then. Raised once.
    Closed(Closed),
}

/// How a connection ended ([`Event::Closed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// Why.
    pub reason: CloseReason,
    /// Requests sent (client) or read (server) that got no response: a client
    /// may retry the idempotent ones on a new connection (RFC 9112 §9.3.1).
    pub unanswered: usize,
}

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// A message said so: `Connection: close`, HTTP/1.0 without keep-alive, or a
    /// body delimited by the close (RFC 9112 §9.3, §9.6).
    NotPersistent,
    /// This end called [`Connection::close`](crate::Connection::close).
    Local,
    /// The peer closed its side ([`Connection::handle_eof`](crate::Connection::handle_eof)).
    PeerClosed,
    /// [`Timer::Idle`](crate::Timer::Idle) fired.
    IdleTimeout,
    /// After [`Event::Error`].
    Error,
}
