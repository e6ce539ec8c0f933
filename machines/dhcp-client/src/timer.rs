//! The client's timers: one table keyed by [`Timer`].

use wirestate_wire::Instant;

/// The client's timers, each a deadline in one table
/// ([`Client::timer`](crate::Client::timer) reads one,
/// [`Client::poll_timeout`](crate::Client::poll_timeout) is the earliest). What
/// happens when each fires:
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The message of the current exchange goes again (RFC 2131 §4.1: 4, 8, 16,
    /// 32, then 64 s apart, each ±1 s at random). In REQUESTING and REBOOTING,
    /// after `Config::request_attempts` / `Config::reboot_attempts` messages the
    /// client goes back to INIT (§3.1 step 3, §3.2 step 3). In RENEWING and
    /// REBINDING the wait is half the time left to T2 or to the lease's end, at
    /// least 60 s (§4.4.5), and the timer is not armed past T2 or the end.
    /// Once SELECTING or INFORMING has sent its six messages (0 to 124 s), each
    /// later one, 64 s apart, takes a new xid: a lease counts from the first
    /// message of its xid (§4.4.1), which so stays at most a minute old.
    Retransmit,
    /// The end of offer collection (`OfferPolicy::wait`): the best offer is
    /// requested (§4.4.1).
    OfferWait,
    /// The next step of address conflict detection (RFC 5227 §2.1.1, §2.3): an
    /// ARP probe, the end of probing (the lease is bound), or an announcement.
    Acd,
    /// T1: BOUND moves to RENEWING and a REQUEST is unicast to the server
    /// (RFC 2131 §4.4.5).
    Renew,
    /// T2: RENEWING (or BOUND) moves to REBINDING and the REQUEST is broadcast
    /// (§4.4.5).
    Rebind,
    /// The lease's end: the address is given up ([`Event::Lost`](crate::Event::Lost)
    /// with `Expired`) and the client goes back to INIT (§4.4.5).
    Expire,
    /// The wait in INIT before the next DISCOVER: the startup delay (§4.4.1),
    /// the wait after a DECLINE (§3.1 step 5, RFC 5227's rate limit after ten
    /// conflicts) or the backoff after repeated NAKs.
    Restart,
}

impl Timer {
    /// How many timers there are.
    pub const COUNT: usize = 7;
    /// Every timer, in the table's order.
    pub const ALL: [Timer; Timer::COUNT] = [
        Timer::Retransmit,
        Timer::OfferWait,
        Timer::Acd,
        Timer::Renew,
        Timer::Rebind,
        Timer::Expire,
        Timer::Restart,
    ];
}

/// The deadlines, one slot per [`Timer`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers([Option<Instant>; Timer::COUNT]);

impl Timers {
    pub fn set(&mut self, t: Timer, at: Instant) {
        self.0[t as usize] = Some(at);
    }
    pub fn clear(&mut self, t: Timer) {
        self.0[t as usize] = None;
    }
    pub fn get(&self, t: Timer) -> Option<Instant> {
        self.0[t as usize]
    }
    pub fn clear_all(&mut self) {
        self.0 = [None; Timer::COUNT];
    }
    /// The earliest deadline.
    pub fn next(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }
    /// The earliest timer due at `now`, if any.
    pub fn due(&self, now: Instant) -> Option<Timer> {
        Timer::ALL
            .into_iter()
            .filter_map(|t| self.get(t).filter(|&at| at <= now).map(|at| (at, t)))
            .min_by_key(|&(at, _)| at)
            .map(|(_, t)| t)
    }
}
