//! What can go wrong: the peer or the network ended the connection
//! ([`ConnectionError`]), or a call was refused ([`CallError`]).

/// Why a connection was lost. It is kept: [`Connection::error`] returns it from
/// then on, [`Event::Lost`] reports it once, and every later user call returns it
/// as [`CallError::Lost`].
///
/// ```
/// use wirestate_tcp_conn::ConnectionError;
/// assert_eq!(ConnectionError::Refused.to_string(), "connection refused by the peer");
/// ```
///
/// [`Connection::error`]: crate::Connection::error
/// [`Event::Lost`]: crate::Event::Lost
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The peer reset the connection: a RST in a synchronized state, or in
    /// SYN-RECEIVED when the connection was not opened from LISTEN
    /// (RFC 9293 §3.10.7.4, with RFC 5961 §3.2's exact-match rule).
    #[error("connection reset by the peer")]
    Reset,
    /// The peer answered this end's SYN with a RST that acknowledged it
    /// (SYN-SENT, RFC 9293 §3.10.7.3): nothing listens on that port.
    #[error("connection refused by the peer")]
    Refused,
    /// The connection was given up: retransmissions (the handshake's included,
    /// `Config::max_retransmits`), the user timeout (RFC 9293 §3.8.3), keepalives
    /// (RFC 1122 §4.2.3.6) or zero-window probes (RFC 9293 §3.8.6.1) went
    /// unanswered.
    #[error("connection timed out")]
    TimedOut,
}

/// Why a call on a connection or a listener was refused. Nothing changed.
///
/// ```
/// use wirestate_tcp_conn::{CallError, ConnectionError};
/// let e = CallError::Lost(ConnectionError::Reset);
/// assert_eq!(e.to_string(), "connection lost: connection reset by the peer");
/// assert_eq!(
///     CallError::BufferTooSmall { need: 1520 }.to_string(),
///     "transmit buffer too small: need 1520 octets"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The connection cannot take data any more: this end closed, or the
    /// connection is not open (RFC 9293 §3.10.2, "connection closing").
    #[error("connection closing")]
    Closing,
    /// The connection does not exist (CLOSED, or LISTEN with no peer yet; RFC 9293
    /// §3.10.2, "connection does not exist").
    #[error("connection does not exist")]
    NotConnected,
    /// The connection was lost earlier, for this reason.
    #[error("connection lost: {0}")]
    Lost(ConnectionError),
    /// The buffer handed to `poll_transmit` is shorter than `need` octets (see
    /// `transmit_buffer_len`); nothing was written and nothing owed was lost.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least buffer length `poll_transmit` accepts.
        need: usize,
    },
}
