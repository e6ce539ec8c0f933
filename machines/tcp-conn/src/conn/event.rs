//! What a connection tells its user, and the bounded queue that holds it.

use alloc::collections::VecDeque;
use core::mem::discriminant;

use crate::error::ConnectionError;

/// What a connection tells its user, from [`Connection::poll_event`].
///
/// Events come out in the order they were first raised. One that is raised
/// again while it waits unpolled is not queued twice, so at most one of each
/// kind waits (seven in all): the queue is bounded however rarely it is polled.
///
/// [`Connection::poll_event`]: super::Connection::poll_event
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// The handshake completed (ESTABLISHED).
    Connected,
    /// New in-order bytes can be read.
    Readable,
    /// Send buffer space was freed.
    Writable,
    /// The peer sent FIN: no more bytes will arrive after those buffered.
    PeerClosed,
    /// The peer's urgent pointer moved ahead of what was read (RFC 9293 §3.8.5):
    /// [`Connection::urgent_remaining`] says how much of the unread data is
    /// urgent. The urgent bytes are read in line, as ordinary data.
    ///
    /// [`Connection::urgent_remaining`]: super::Connection::urgent_remaining
    Urgent,
    /// The connection ended normally: CLOSED after the close handshake (and
    /// TIME-WAIT), or after this end aborted or closed before a peer was there.
    Closed,
    /// The connection was lost (CLOSED): reset, refused or timed out. Raised once;
    /// the error stays in [`Connection::error`] and later calls return it.
    ///
    /// [`Connection::error`]: super::Connection::error
    Lost(ConnectionError),
}

impl Event {
    /// How many kinds of event there are: the most the queue ever holds.
    const KINDS: usize = 7;
}

/// Events raised and not yet polled, oldest first, at most one of each kind.
#[derive(Debug, Clone)]
pub(super) struct Events(VecDeque<Event>);

impl Events {
    /// An empty queue with room for one of each kind, so it never grows.
    pub(super) fn new() -> Self {
        Events(VecDeque::with_capacity(Event::KINDS))
    }

    /// Queues `e` unless one of its kind is already waiting.
    pub(super) fn raise(&mut self, e: Event) {
        if !self.0.iter().any(|q| discriminant(q) == discriminant(&e)) {
            debug_assert!(self.0.len() < Event::KINDS);
            self.0.push_back(e);
        }
    }

    /// The oldest event.
    pub(super) fn pop(&mut self) -> Option<Event> {
        self.0.pop_front()
    }
}
