//! The connection's deadlines: one table keyed by [`Timer`], what each does when
//! it fires, and where each is armed ([`Connection::rearm`]).

use wirestate_wire::Instant;

use super::{Connection, Reader, Writer};
use crate::config::Role;
use crate::error::ConnectionError;
use crate::event::CloseReason;

/// A connection's deadlines ([`Connection::timer`] reads one,
/// [`Connection::poll_timeout`] is the earliest). What happens when each fires:
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// A head that began did not end in time ([`Config::head_timeout`]): the
    /// connection fails with [`ConnectionError::HeadTimeout`], and a server answers
    /// 408 (Request Timeout, RFC 9110 §15.5.9) and closes. Armed when the first
    /// octet of a head is buffered (empty lines a server skips do not count),
    /// stopped when the head is read.
    ///
    /// [`Config::head_timeout`]: crate::Config::head_timeout
    HeadRead,
    /// A body being read got no octet in time ([`Config::body_timeout`]): the
    /// connection fails with [`ConnectionError::BodyTimeout`], and a server
    /// answers 408 and closes (if its response to that request has not begun).
    /// Armed whenever the reader waits for body octets with none buffered,
    /// so it measures the gap between arrivals; not while a server's client
    /// waits for a 100 (Continue) it was not sent.
    ///
    /// [`Config::body_timeout`]: crate::Config::body_timeout
    BodyRead,
    /// The connection sat idle ([`Config::idle_timeout`]): nothing awaits a
    /// response, nothing is being read or sent. It closes
    /// ([`CloseReason::IdleTimeout`]). Armed whenever the connection becomes idle,
    /// stopped by any octet or command.
    ///
    /// [`Config::idle_timeout`]: crate::Config::idle_timeout
    Idle,
    /// Client: the wait for a 100 (Continue) after a head with `Expect:
    /// 100-continue` is over; the body held back is sent anyway (RFC 9110
    /// §10.1.1: a client "SHOULD NOT wait for an indefinite period before sending
    /// the content"). Armed by such a head ([`Config::continue_timeout`]), stopped
    /// by any response to it.
    ///
    /// [`Config::continue_timeout`]: crate::Config::continue_timeout
    Continue,
}

impl Timer {
    /// How many timers there are.
    pub const COUNT: usize = 4;
    /// Every timer, in the table's order.
    pub const ALL: [Timer; Timer::COUNT] =
        [Timer::HeadRead, Timer::BodyRead, Timer::Idle, Timer::Continue];
}

/// The deadlines, one slot per [`Timer`] (its discriminant is its index).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timers([Option<Instant>; Timer::COUNT]);

impl Timers {
    pub(crate) fn set(&mut self, t: Timer, at: Instant) {
        self.0[t as usize] = Some(at);
    }

    pub(crate) fn clear(&mut self, t: Timer) {
        self.0[t as usize] = None;
    }

    pub(crate) fn get(&self, t: Timer) -> Option<Instant> {
        self.0[t as usize]
    }

    pub(crate) fn clear_all(&mut self) {
        self.0 = [None; Timer::COUNT];
    }

    fn earliest(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }
}

impl Connection {
    /// The deadline of one timer, if armed.
    pub fn timer(&self, t: Timer) -> Option<Instant> {
        self.timers.get(t)
    }

    /// The earliest deadline: call [`handle_timeout`](Self::handle_timeout) then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.earliest()
    }

    /// Runs the deadlines due at `now`; an early or repeated call does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
        let due = |t: Timer, s: &Self| s.timers.get(t).is_some_and(|at| at <= s.now);
        if due(Timer::Continue, self) {
            self.timers.clear(Timer::Continue);
            self.hold = None;
            if let Some(x) = self.exchanges.iter_mut().find(|x| x.expect_continue && !x.continued) {
                x.continued = true;
            }
        }
        if due(Timer::HeadRead, self) {
            self.timers.clear(Timer::HeadRead);
            self.fail(ConnectionError::HeadTimeout);
        }
        if due(Timer::BodyRead, self) {
            self.timers.clear(Timer::BodyRead);
            self.fail(ConnectionError::BodyTimeout);
        }
        if due(Timer::Idle, self) {
            self.timers.clear(Timer::Idle);
            self.reader = Reader::Stopped;
            self.finish(CloseReason::IdleTimeout);
        }
        self.settle();
    }

    /// Arms and stops the deadlines for the state the connection is in.
    pub(crate) fn rearm(&mut self) {
        if self.closed.is_some() || self.switched {
            self.timers.clear_all();
            return;
        }
        // A head is being received when the reader waits for one and octets of
        // it are buffered (a server's empty lines before a request-line do not
        // start one; they are consumed as they come).
        let head_started =
            self.reader == Reader::Head && self.read_at < self.input.len() && !self.paused();
        match (head_started, self.config.head_timeout) {
            (true, Some(limit)) => {
                if self.timers.get(Timer::HeadRead).is_none() {
                    self.timers.set(Timer::HeadRead, self.now + limit);
                }
            }
            _ => self.timers.clear(Timer::HeadRead),
        }
        // Waiting for body octets, none buffered, and not because the client
        // was told to wait (RFC 9110 §10.1.1).
        let told_to_wait = self.config.role == Role::Server
            && self.exchanges.back().is_some_and(|x| x.expect_continue && !x.continued);
        let body_waits = matches!(self.reader, Reader::Body(_))
            && self.read_at >= self.input.len()
            && !told_to_wait;
        match (body_waits, self.config.body_timeout) {
            (true, Some(limit)) => {
                if self.timers.get(Timer::BodyRead).is_none() {
                    self.timers.set(Timer::BodyRead, self.now + limit);
                }
            }
            _ => self.timers.clear(Timer::BodyRead),
        }
        let idle = self.exchanges.is_empty()
            && self.writer == Writer::Idle
            && self.reader == Reader::Head
            && !head_started;
        match (idle, self.config.idle_timeout) {
            (true, Some(limit)) => {
                if self.timers.get(Timer::Idle).is_none() {
                    self.timers.set(Timer::Idle, self.now + limit);
                }
            }
            _ => self.timers.clear(Timer::Idle),
        }
        if self.hold.is_none() || self.config.role == Role::Server {
            self.timers.clear(Timer::Continue);
        }
    }
}
