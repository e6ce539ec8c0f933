//! What went wrong: the peer broke HTTP/1.1 or a deadline passed
//! ([`ConnectionError`]), or a call was refused ([`CallError`]).

use wirestate_http1::suggested_status;
use wirestate_wire::Error;

/// Why a connection stopped reading: the peer's octets broke a rule of
/// RFC 9110/9112, a limit was reached, or a deadline passed. It is kept:
/// [`Connection::error`](crate::Connection::error) returns it from then on,
/// [`Event::Error`](crate::Event::Error) reports it once, and later calls that
/// would start a message return it inside [`CallError::Lost`]. The connection
/// never persists after one (request smuggling needs a connection that goes on
/// after a framing disagreement).
///
/// A server answers [`status`](Self::status) itself, in its turn after the
/// responses to requests read before, with `Connection: close`, then closes.
///
/// ```
/// use wirestate_http1_conn::ConnectionError;
/// use wirestate_wire::Error;
/// let e = ConnectionError::Malformed(Error::unsupported("request-line", 0, 9000));
/// assert_eq!(e.status(), 414);
/// assert_eq!(ConnectionError::BodyTooLarge { limit: 10 }.status(), 413);
/// assert_eq!(ConnectionError::HeadTimeout.to_string(), "the head did not arrive in time");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The peer's octets broke a rule of the message syntax or framing; the
    /// codec's error names the field, the offset (from the start of the message)
    /// and the rule.
    #[error("malformed message: {0}")]
    Malformed(Error),
    /// A body is longer than [`Config::max_body`](crate::Config::max_body) (413).
    #[error("body longer than {limit} octets")]
    BodyTooLarge {
        /// The limit.
        limit: u64,
    },
    /// A head took longer than [`Config::head_timeout`](crate::Config::head_timeout) (408).
    #[error("the head did not arrive in time")]
    HeadTimeout,
    /// A body went longer than [`Config::body_timeout`](crate::Config::body_timeout)
    /// without an octet (408).
    #[error("the body stalled")]
    BodyTimeout,
    /// The peer closed the stream inside a message whose framing says more follows.
    #[error("the peer closed the connection inside a message")]
    ClosedInMessage,
    /// Client: octets arrived when no request awaits a response, or a 101
    /// (Switching Protocols) answered a request that offered no Upgrade
    /// (RFC 9110 §15.2.2: "A server MUST NOT switch to a protocol that was not
    /// indicated by the client").
    #[error("a response no request asked for")]
    Unsolicited,
}

impl ConnectionError {
    /// The status a server answers this with (RFC 9110 §15): 400, 413, 414, 431,
    /// 501 or 505 from the codec's error ([`suggested_status`]), 408 for the head
    /// and body deadlines.
    pub fn status(&self) -> u16 {
        match self {
            ConnectionError::Malformed(e) => suggested_status(e),
            ConnectionError::BodyTooLarge { .. } => 413,
            ConnectionError::HeadTimeout | ConnectionError::BodyTimeout => 408,
            ConnectionError::ClosedInMessage | ConnectionError::Unsolicited => 400,
        }
    }
}

/// Why a call was refused. Nothing was sent and nothing changed.
///
/// ```
/// use wirestate_http1_conn::CallError;
/// assert_eq!(CallError::PipelineFull.to_string(), "too many requests await responses");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The call belongs to the other role (a server sending a request).
    #[error("not a call of this role")]
    WrongRole,
    /// The connection will not carry another message: this end or the peer
    /// asked to close (`Connection: close`, HTTP/1.0, a close-delimited body), an
    /// idle deadline passed, or it is closed.
    #[error("connection closing")]
    Closing,
    /// The connection stopped reading after this error.
    #[error("connection lost: {0}")]
    Lost(ConnectionError),
    /// The protocol was switched (101, or a 2xx to CONNECT): the stream is no
    /// longer HTTP/1.1 and belongs to the caller.
    #[error("protocol switched")]
    Switched,
    /// A message is being sent: end it with `send_end` first.
    #[error("a message is in progress")]
    MessageInProgress,
    /// No message is being sent: `send_data` and `send_end` need a head first.
    #[error("no message in progress")]
    NoMessage,
    /// Server: no request awaits a response.
    #[error("no request awaits a response")]
    NoRequest,
    /// Client: [`Config::max_pipeline`](crate::Config::max_pipeline) requests
    /// already await responses.
    #[error("too many requests await responses")]
    PipelineFull,
    /// Client: a request that may switch protocols (Upgrade, CONNECT) awaits its
    /// response; nothing can follow it until then (RFC 9110 §7.8, §9.3.6).
    #[error("a protocol switch is pending")]
    SwitchPending,
    /// The head breaks a rule; the codec's error names the field and the rule
    /// (a control octet in a value, two Content-Length fields, Transfer-Encoding
    /// with Content-Length, a Content-Length on a 204, no Host in HTTP/1.1, ...).
    #[error("head refused: {0}")]
    Head(Error),
    /// This message has no body: a response to HEAD, a 1xx, 204 or 304, or a
    /// request sent without framing fields (RFC 9112 §6.3, RFC 9110 §6.4.1).
    #[error("this message has no body")]
    NoBody,
    /// The data would run past the Content-Length (`remaining` octets are left).
    #[error("body longer than its Content-Length: {remaining} octets left")]
    BodyTooLong {
        /// Octets the Content-Length still allows.
        remaining: u64,
    },
    /// `send_end` before the Content-Length was sent (`remaining` octets short).
    #[error("body shorter than its Content-Length: {remaining} octets missing")]
    BodyIncomplete {
        /// Octets still owed.
        remaining: u64,
    },
    /// Trailers on a body that is not chunked (RFC 9112 §7.1.2), or trailer
    /// fields the codec refuses.
    #[error("trailers need the chunked coding")]
    Trailers,
    /// The status code is not allowed here: a 1xx to an HTTP/1.0 request (RFC
    /// 9110 §15.2), a 101 without an Upgrade offer, outside 100-599, or a 100
    /// after the response began.
    #[error("status {0} not allowed here")]
    Status(u16),
    /// `poll_transmit` was given an empty buffer while octets are owed.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least buffer that makes progress.
        need: usize,
    },
}
