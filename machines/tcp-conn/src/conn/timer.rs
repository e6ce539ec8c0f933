//! The connection's timers: one table keyed by [`Timer`], what each timer does
//! when it fires, and where each is armed.

use core::fmt;

use wirestate_wire::Instant;

use super::{Connection, Event, State};
use crate::error::ConnectionError;

/// A connection's timers, each a deadline in one table
/// ([`Connection::timer`] reads one, [`Connection::poll_timeout`] is the
/// earliest). What happens when each fires:
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The retransmission timeout (RFC 6298 §5; RFC 5681 §3.1). In SYN-SENT and
    /// SYN-RECEIVED the SYN (or SYN,ACK) is sent again; later, sending goes back
    /// to SND.UNA (skipping what the peer SACKed), the congestion window drops to
    /// one segment, and a new recovery cannot start until what was sent is
    /// acknowledged (RFC 6582 §3.2). The timeout doubles (§5.5). After
    /// `Config::max_retransmits` timeouts in a row, or once data has waited for
    /// its ACK longer than `Config::user_timeout` (RFC 9293 §3.8.3), the
    /// connection is lost: [`ConnectionError::TimedOut`]. Armed when a SYN, data
    /// or FIN leaves; restarted by an ACK of new data, stopped when everything is
    /// acknowledged (RFC 6298 §5.1-5.3).
    Retransmit,
    /// The delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): the ACK held back in
    /// the hope of a second full segment, or of data to ride on, goes out. Armed
    /// by in-order data (`Config::delayed_ack`), stopped by any segment carrying
    /// the ACK.
    DelayedAck,
    /// The persist timer (RFC 9293 §3.8.6.1): the peer's window is zero and data
    /// waits, so one byte is sent past the window to draw a window update. The
    /// interval backs off (doubling, up to the RTO ceiling). The connection is
    /// never given up while the peer answers; after `Config::max_retransmits`
    /// probes in a row go unanswered it is lost: [`ConnectionError::TimedOut`].
    Persist,
    /// Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6; off unless
    /// `Config::keepalive`): after `Keepalive::idle` of silence on a
    /// synchronized connection, a segment without data one below the next new
    /// sequence number draws an ACK from a live peer; then every
    /// `Keepalive::interval`, and after `Keepalive::probes` unanswered ones the
    /// connection is lost: [`ConnectionError::TimedOut`].
    Keepalive,
    /// TIME-WAIT's end (RFC 9293 §3.10.8): 2 MSL (`Config::time_wait`) after
    /// TIME-WAIT began, or after the peer's FIN last came again, the connection is
    /// CLOSED: [`Event::Closed`].
    TimeWait,
}

impl Timer {
    /// How many timers there are.
    pub const COUNT: usize = 5;
    /// Every timer, in the table's order.
    pub const ALL: [Timer; Timer::COUNT] =
        [Timer::Retransmit, Timer::DelayedAck, Timer::Persist, Timer::Keepalive, Timer::TimeWait];
}

/// The deadlines, one slot per [`Timer`] (its discriminant is its index, below
/// `Timer::COUNT` by construction).
#[derive(Clone, Copy, Default)]
pub(super) struct Timers([Option<Instant>; Timer::COUNT]);

impl Timers {
    pub(super) fn set(&mut self, t: Timer, at: Instant) {
        self.0[t as usize] = Some(at);
    }

    pub(super) fn clear(&mut self, t: Timer) {
        self.0[t as usize] = None;
    }

    pub(super) fn get(&self, t: Timer) -> Option<Instant> {
        self.0[t as usize]
    }

    pub(super) fn clear_all(&mut self) {
        self.0 = [None; Timer::COUNT];
    }

    /// The earliest deadline.
    pub(super) fn next(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }

    /// Whether `t` is due at `now`; if so it is cleared (it fires once).
    fn take_expired(&mut self, t: Timer, now: Instant) -> bool {
        let due = self.get(t).is_some_and(|at| at <= now);
        if due {
            self.clear(t);
        }
        due
    }
}

impl fmt::Debug for Timers {
    /// The armed timers by name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(Timer::ALL.iter().filter_map(|&t| Some((t, self.get(t)?)))).finish()
    }
}

impl Connection {
    /// The deadline of one timer, if it is armed.
    pub fn timer(&self, t: Timer) -> Option<Instant> {
        self.timers.get(t)
    }

    /// The earliest deadline, if any: call [`handle_timeout`](Self::handle_timeout)
    /// then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Runs the timers due at `now` (see [`Timer`]); an early or repeated call
    /// does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.timers.take_expired(Timer::TimeWait, now) {
            // RFC 9293 §3.10.8: TIME-WAIT timeout, delete the TCB.
            self.enter_closed(Event::Closed);
            return;
        }
        if self.timers.take_expired(Timer::DelayedAck, now) {
            self.ack_now = true;
        }
        if self.timers.take_expired(Timer::Retransmit, now) {
            self.on_rto(now);
        }
        // A timer above that gave the connection up cleared the rest.
        if self.timers.take_expired(Timer::Persist, now) {
            self.on_persist_timeout();
        }
        if self.timers.take_expired(Timer::Keepalive, now) {
            self.on_keepalive_timeout(now);
        }
    }

    fn user_timed_out(&self, now: Instant) -> bool {
        self.unacked_since.is_some_and(|t| now - t >= self.cfg.user_timeout)
    }

    /// RFC 6298 §5.4-5.6 and RFC 5681 §3.1: the retransmission timer expired.
    fn on_rto(&mut self, now: Instant) {
        self.backoffs += 1;
        if self.backoffs > self.cfg.max_retransmits || self.user_timed_out(now) {
            self.lose(ConnectionError::TimedOut);
            return;
        }
        self.stats.timeouts += 1;
        self.rtt.on_timeout();
        self.rtt_timer.on_retransmit();
        match self.state {
            State::SynSent | State::SynReceived => self.syn_due = true,
            State::Closed | State::Listen | State::TimeWait => {}
            _ => {
                if !self.go_back_after_timeout(now) {
                    return; // the persist timer took over
                }
            }
        }
        self.arm_rto(now);
    }

    /// RFC 9293 §3.8.6.1: never give up while the peer answers the probes; only
    /// when `max_retransmits` of them in a row go unanswered.
    fn on_persist_timeout(&mut self) {
        self.probes_unanswered += 1;
        if self.probes_unanswered > self.cfg.max_retransmits {
            self.lose(ConnectionError::TimedOut);
            return;
        }
        self.probe_due = true;
        self.persist_backoff = self.persist_backoff.saturating_add(1);
    }

    /// RFC 1122 §4.2.3.6: probe again, or give up after `probes` unanswered.
    fn on_keepalive_timeout(&mut self, now: Instant) {
        if let Some(ka) = self.cfg.keepalive {
            if self.keepalive_sent >= ka.probes {
                self.lose(ConnectionError::TimedOut);
                return;
            }
            self.keepalive_sent += 1;
            self.keepalive_due = true;
            self.timers.set(Timer::Keepalive, now + ka.interval);
        }
    }

    /// (Re)starts the retransmission timer with the current RTO.
    pub(super) fn arm_rto(&mut self, now: Instant) {
        // Never later than the user timeout (RFC 9293 §3.8.3, RFC 5482): the
        // connection is given up when it runs out, not at the next backoff.
        let at = now + self.rtt.rto();
        let give_up = self.unacked_since.map(|t| t + self.cfg.user_timeout);
        self.timers.set(Timer::Retransmit, give_up.map_or(at, |g| at.min(g.max(now))));
    }

    /// (Re)starts the keepalive idle time, when keepalives are on and the
    /// connection is synchronized (not in TIME-WAIT).
    pub(super) fn arm_keepalive(&mut self, now: Instant) {
        if let Some(ka) = self.cfg.keepalive {
            if self.state.is_synchronized() && self.state != State::TimeWait {
                self.timers.set(Timer::Keepalive, now + ka.idle);
                self.keepalive_sent = 0;
            }
        }
    }

    /// Starts the persist timer, unless it runs or a probe is already due: the
    /// RTO, doubled per probe so far (at most 2^6 times), within the RTO ceiling.
    pub(super) fn arm_persist(&mut self, now: Instant) {
        if self.timers.get(Timer::Persist).is_none() && !self.probe_due {
            let base = self.rtt.rto();
            let shift = self.persist_backoff.min(6);
            let wait = (base * (1 << shift)).min(self.cfg.rto.max);
            self.timers.set(Timer::Persist, now + wait);
        }
    }

    /// TIME-WAIT (RFC 9293 §3.10.7.4): nothing more is sent but ACKs of a
    /// repeated FIN; 2 MSL until CLOSED.
    pub(super) fn enter_time_wait(&mut self, now: Instant) {
        self.state = State::TimeWait;
        self.timers.clear(Timer::Retransmit);
        self.timers.clear(Timer::Persist);
        self.timers.clear(Timer::Keepalive);
        self.recovery = None;
        self.timers.set(Timer::TimeWait, now + self.cfg.time_wait);
    }

    /// Restarts 2 MSL: the peer's FIN came again (RFC 9293 §3.10.7.4).
    pub(super) fn restart_time_wait(&mut self, now: Instant) {
        self.timers.set(Timer::TimeWait, now + self.cfg.time_wait);
    }

    /// Whether the persist timer runs (the peer's window is closed and probing).
    pub(super) fn persisting(&self) -> bool {
        self.timers.get(Timer::Persist).is_some()
    }

    /// Whether keepalives are armed.
    pub(super) fn keepalive_armed(&self) -> bool {
        self.timers.get(Timer::Keepalive).is_some()
    }
}
