//! The client: its states, the user calls, and the contract.

mod acd;
mod input;
mod output;

use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_wire::Instant;

use crate::config::Config;
use crate::error::CallError;
use crate::event::{Event, Events, LossReason};
use crate::lease::Lease;
use crate::random::{below, Entropy, SeededRandom};
use crate::timer::{Timer, Timers};

pub use output::Transmit;

/// The client's state: RFC 2131 figure 5, plus what this client does around it.
///
/// INIT and INIT-REBOOT are passed through within one call (`-/Send DHCPDISCOVER`
/// and `-/Send DHCPREQUEST` in the figure), so the client rests in `Init` only
/// while it waits to restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Not started, stopped, or the lease was released.
    Stopped,
    /// INIT: waiting before the next DISCOVER (`Timer::Restart`).
    Init,
    /// SELECTING: DISCOVER sent, collecting OFFERs (§4.4.1).
    Selecting,
    /// REQUESTING: REQUEST broadcast for the chosen OFFER (§4.4.1).
    Requesting,
    /// After the ACK, before BOUND: the address is probed with ARP (RFC 5227
    /// §2.1; RFC 2131 §4.4.1 "the client SHOULD perform a check"). Not in
    /// figure 5.
    Probing,
    /// BOUND: the lease is in use (§4.4.1).
    Bound,
    /// RENEWING: past T1, REQUEST unicast to the server (§4.4.5).
    Renewing,
    /// REBINDING: past T2, REQUEST broadcast to any server (§4.4.5).
    Rebinding,
    /// REBOOTING: INIT-REBOOT's REQUEST for a remembered address sent (§3.2,
    /// §4.4.2).
    Rebooting,
    /// DHCPINFORM sent for an address configured by other means (§3.4, §4.4.3).
    Informing,
    /// The INFORM was answered; nothing more is sent.
    Informed,
}

/// An OFFER held in SELECTING: what the server offered, and when it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The offered lease (its `acquired` is when the offer came; the times are
    /// counted again from the REQUEST once it is ACKed).
    pub lease: Lease,
    /// When the offer arrived.
    pub received: Instant,
}

/// Counters of what the client sent and what it dropped, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Messages handed out by `poll_transmit`.
    pub sent: u64,
    /// Of those, retransmissions of the same message.
    pub retransmitted: u64,
    /// Messages given to `handle_message`.
    pub received: u64,
    /// Dropped: not a BOOTP/DHCP message (short header, broken options).
    pub dropped_malformed: u64,
    /// Dropped: a BOOTREQUEST (op 1), not a reply.
    pub dropped_not_reply: u64,
    /// Dropped: no exchange waits, or the `xid` is not the current one.
    pub dropped_wrong_xid: u64,
    /// Dropped: `htype`, `hlen` or `chaddr` are not this client's.
    pub dropped_wrong_chaddr: u64,
    /// Dropped: a message type this state does not take (an OFFER in
    /// REQUESTING, an ACK without rapid commit in SELECTING, ...).
    pub dropped_unexpected: u64,
    /// Dropped: from a server other than the one chosen (REQUESTING) or the one
    /// holding the lease (RENEWING).
    pub dropped_wrong_server: u64,
    /// Dropped: an OFFER or ACK with an unusable address or lease time.
    pub dropped_invalid: u64,
    /// OFFERs considered.
    pub offers: u64,
    /// NAKs taken.
    pub naks: u64,
    /// Address conflicts found by ARP.
    pub conflicts: u64,
}

/// The address conflict detection schedule (RFC 5227 §1.1 constants).
pub(crate) mod acd_consts {
    use core::time::Duration;
    /// PROBE_WAIT: the random wait before the first probe.
    pub const PROBE_WAIT: Duration = Duration::from_secs(1);
    /// PROBE_NUM probes.
    pub const PROBE_NUM: u8 = 3;
    /// PROBE_MIN to PROBE_MAX apart.
    pub const PROBE_MIN: Duration = Duration::from_secs(1);
    /// PROBE_MAX.
    pub const PROBE_MAX: Duration = Duration::from_secs(2);
    /// ANNOUNCE_WAIT after the last probe.
    pub const ANNOUNCE_WAIT: Duration = Duration::from_secs(2);
    /// ANNOUNCE_NUM announcements.
    pub const ANNOUNCE_NUM: u8 = 2;
    /// ANNOUNCE_INTERVAL apart.
    pub const ANNOUNCE_INTERVAL: Duration = Duration::from_secs(2);
    /// MAX_CONFLICTS before the rate limit.
    pub const MAX_CONFLICTS: u32 = 10;
    /// RATE_LIMIT_INTERVAL between attempts past MAX_CONFLICTS.
    pub const RATE_LIMIT_INTERVAL: Duration = Duration::from_secs(60);
    /// DEFEND_INTERVAL: one defence per this long (§2.4 (b)).
    pub const DEFEND_INTERVAL: Duration = Duration::from_secs(10);
}

/// Messages in one run of the §4.1 schedule: sent at 0, then 4, 8, 16, 32 and
/// 64 s apart.
const SCHEDULE_LEN: u32 = 6;

/// A message sent once, not retransmitted (RFC 2131 §4.4.1, §4.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OneShot {
    Decline { xid: u32, address: Ipv4Addr, server: Ipv4Addr },
    Release { xid: u32, address: Ipv4Addr, server: Ipv4Addr },
}

/// Where address conflict detection stands.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Acd {
    pub probes_sent: u8,
    pub announces_left: u8,
    pub last_defence: Option<Instant>,
}

/// A sans-IO DHCPv4 client (RFC 2131): one interface's address, from INIT to
/// BOUND and round again.
///
/// # Contract
///
/// - **Inputs**: [`handle_message`](Self::handle_message) with every UDP payload
///   that arrives on port 68, and its IP source;
///   [`handle_arp`](Self::handle_arp) with ARP packets seen on the interface
///   while the client probes or holds an address; [`handle_timeout`](Self::handle_timeout)
///   at [`poll_timeout`](Self::poll_timeout); and the commands
///   [`start`](Self::start), [`start_reboot`](Self::start_reboot),
///   [`inform`](Self::inform), [`renew`](Self::renew), [`release`](Self::release),
///   [`stop`](Self::stop).
/// - **After any input**, drain [`poll_transmit`](Self::poll_transmit) until
///   `Ok(None)` (each is a UDP datagram from port 68 to port 67, addressed as its
///   [`Transmit`] says), then [`poll_event`](Self::poll_event) until `None`, then
///   read [`poll_timeout`](Self::poll_timeout).
/// - **Time**: `now` never goes back. An early or repeated `handle_timeout` does
///   nothing. Every input first runs the timers already due, so a lease cannot be
///   used past its end however late `handle_timeout` comes.
/// - **Buffer**: `poll_transmit` needs [`transmit_buffer_len`](Self::transmit_buffer_len)
///   octets (at least 300); a shorter one is `CallError::BufferTooSmall` and the
///   message stays owed.
/// - **Randomness** (xids, jitter, probe spacing) comes from the [`Entropy`]
///   given to [`new`](Self::new), so a run replays from its seed. It is drawn
///   once per new exchange (its xid), once per message sent in SELECTING,
///   REQUESTING, REBOOTING or INFORMING (the jitter of its retransmission), once
///   per lease with default T1 (the fuzz), once per
///   probe wait, once for a DECLINE's or RELEASE's xid, and once at `start` when
///   `Config::startup_delay_max` is not zero.
/// - **Memory** is bounded: at most `Config::max_offers` offers, one message of
///   each kind owed, one event of each kind queued.
/// - **Replies** are taken only with this client's `xid` for the exchange in
///   progress, its `htype`/`hlen`/`chaddr`, `op` 2 and a message type the state
///   expects (RFC 2131 §4.4.1); in REQUESTING only from the chosen server, in
///   RENEWING only from the lease's server. Everything dropped is counted in
///   [`stats`](Self::stats).
///
/// # Deliberate departures from the RFCs
///
/// - No random wait of one to ten seconds before the first DISCOVER by default
///   (RFC 2131 §4.4.1 SHOULD; `Config::startup_delay_max` restores it): dhcpcd
///   and systemd-networkd do not wait either, and a journey should not start with
///   ten idle seconds.
/// - A REQUEST in REBOOTING that draws no answer leads back to INIT (with the old
///   address as a hint), rather than using the remembered lease (§3.2 step 3
///   MAY).
/// - Leases shorter than `Config::min_lease` are refused: RFC 2131 sets no floor,
///   but a one-second lease would spin the client through INIT.
/// - A BOOTP reply to a DISCOVER is taken as a lease without end (RFC 1534 §3
///   allows it; `Config::accept_bootp`).
/// - An address in use after BOUND is defended once per ten seconds, and given
///   up (with a DECLINE, as dhcpcd does) at the second conflict within that time
///   (RFC 5227 §2.4 (b)).
///
/// ```
/// use core::net::Ipv4Addr;
/// use wirestate_dhcp_client::{Client, Config, SeededRandom, State};
/// use wirestate_wire::Instant;
///
/// let mut client = Client::new(Config::new([2, 0, 0, 0, 0, 1]), SeededRandom::new(1));
/// let now = Instant::ZERO;
/// client.start(now).unwrap();
/// let mut buf = vec![0u8; client.transmit_buffer_len()];
/// let t = client.poll_transmit(now, &mut buf).unwrap().unwrap();
/// assert_eq!((t.src, t.dst), (Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST));
/// assert_eq!(client.state(), State::Selecting);
/// // The DISCOVER goes again 4 s later, give or take a second (RFC 2131 §4.1).
/// let again = client.poll_timeout().unwrap();
/// assert!(again >= now + core::time::Duration::from_secs(3));
/// assert!(again <= now + core::time::Duration::from_secs(5));
/// ```
#[derive(Debug, Clone)]
pub struct Client<R: Entropy = SeededRandom> {
    config: Config,
    rng: R,
    state: State,
    /// The current exchange's transaction id.
    xid: u32,
    /// When the exchange began (`secs`, RFC 2131 §2).
    started: Instant,
    /// The `secs` of the last DISCOVER, which the REQUEST repeats (§4.4.1).
    discover_secs: u16,
    /// When the current message was first sent (the lease's start, §4.4.1).
    first_sent: Option<Instant>,
    /// Transmissions of the current message.
    sent: u32,
    /// The current state's message is owed to `poll_transmit`.
    owed: bool,
    once: Option<OneShot>,
    offers: Vec<Offer>,
    /// The offer requested in REQUESTING.
    selected: Option<Offer>,
    /// The lease being probed (PROBING) or asked for again (REBOOTING).
    candidate: Option<Lease>,
    /// The lease in use (BOUND, RENEWING, REBINDING).
    lease: Option<Lease>,
    /// The address a DISCOVER asks for (option 50, §4.4.1 MAY).
    hint: Option<Ipv4Addr>,
    /// The host's own address, for INFORM.
    inform_address: Ipv4Addr,
    acd: Acd,
    /// Conflicts since the last lease (RFC 5227 MAX_CONFLICTS).
    conflicts: u32,
    /// NAKs since the last lease, for the restart backoff.
    naks: u32,
    timers: Timers,
    events: Events,
    stats: Stats,
}

impl<R: Entropy> Client<R> {
    /// A stopped client; [`start`](Self::start) sends the first DISCOVER.
    pub fn new(config: Config, rng: R) -> Self {
        Client {
            config,
            rng,
            state: State::Stopped,
            xid: 0,
            started: Instant::ZERO,
            discover_secs: 0,
            first_sent: None,
            sent: 0,
            owed: false,
            once: None,
            offers: Vec::new(),
            selected: None,
            candidate: None,
            lease: None,
            hint: None,
            inform_address: Ipv4Addr::UNSPECIFIED,
            acd: Acd::default(),
            conflicts: 0,
            naks: 0,
            timers: Timers::default(),
            events: Events::default(),
            stats: Stats::default(),
        }
    }

    /// INIT (RFC 2131 §3.1, §4.4.1): a DISCOVER is sent, after a random wait up
    /// to `Config::startup_delay_max`.
    ///
    /// # Errors
    /// [`CallError::Running`] unless the client is stopped or informed.
    pub fn start(&mut self, now: Instant) -> Result<(), CallError> {
        self.check_idle()?;
        let most = self.config.startup_delay_max.as_millis().min(u128::from(u32::MAX)) as u32;
        // No draw when there is no delay, so the first draw is the first xid.
        let delay = match most {
            0 => Duration::ZERO,
            _ => Duration::from_millis(u64::from(below(&mut self.rng, most.saturating_add(1)))),
        };
        self.enter_init(now, delay);
        Ok(())
    }

    /// INIT-REBOOT (RFC 2131 §3.2, §4.4.2) with a lease remembered from before:
    /// a REQUEST for its address is broadcast (REBOOTING). An ACK binds it, a NAK
    /// leads to INIT. A lease already over goes straight to INIT, its address
    /// asked for in the DISCOVER.
    ///
    /// The lease's times are [`Instant`]s in the caller's clock: a lease kept
    /// across a reboot needs a clock with the same epoch (wall-clock time), or
    /// its `acquired` moved into the new one before it is handed back.
    ///
    /// # Errors
    /// [`CallError::Running`] unless the client is stopped or informed.
    pub fn start_reboot(&mut self, now: Instant, remembered: Lease) -> Result<(), CallError> {
        self.check_idle()?;
        if remembered.expires_at().is_some_and(|end| end <= now) {
            self.hint = Some(remembered.address);
            self.enter_init(now, Duration::ZERO);
            return Ok(());
        }
        self.reset(State::Rebooting);
        self.candidate = Some(remembered);
        self.new_exchange(now);
        Ok(())
    }

    /// DHCPINFORM (RFC 2131 §3.4, §4.4.3) for `address`, configured by other
    /// means: the ACK's parameters come as [`Event::Informed`].
    ///
    /// # Errors
    /// [`CallError::Running`] unless the client is stopped or informed.
    pub fn inform(&mut self, now: Instant, address: Ipv4Addr) -> Result<(), CallError> {
        self.check_idle()?;
        self.reset(State::Informing);
        self.inform_address = address;
        self.new_exchange(now);
        Ok(())
    }

    /// Renews now, as if T1 had come (BOUND to RENEWING, §4.4.5); a user's
    /// "renew" command.
    ///
    /// # Errors
    /// [`CallError::NotBound`] unless the client is BOUND with a DHCP lease (a
    /// BOOTP server takes no REQUEST).
    pub fn renew(&mut self, now: Instant) -> Result<(), CallError> {
        self.run_due(now);
        let dhcp = self.lease.as_ref().is_some_and(|l| l.kind == crate::LeaseKind::Dhcp);
        if self.state != State::Bound || !dhcp {
            return Err(CallError::NotBound);
        }
        self.enter_renewing(now);
        Ok(())
    }

    /// DHCPRELEASE (RFC 2131 §4.4.6): the lease is given back to its server and
    /// the client stops ([`Event::Lost`] with `Released`).
    ///
    /// # Errors
    /// [`CallError::NotBound`] without a lease in use.
    pub fn release(&mut self, now: Instant) -> Result<(), CallError> {
        self.run_due(now);
        let Some(lease) = self.lease.clone() else {
            return Err(CallError::NotBound);
        };
        if lease.kind == crate::LeaseKind::Dhcp {
            let xid = self.rng.next_u32();
            let (address, server) = (lease.address, lease.server);
            self.once = Some(OneShot::Release { xid, address, server });
        }
        self.lose(LossReason::Released);
        self.reset(State::Stopped);
        Ok(())
    }

    /// Stops without telling the server (a host shutting down keeps its lease for
    /// INIT-REBOOT next time, RFC 2131 §3.2). Returns the lease in use, or the one
    /// being probed or asked for again. A DECLINE or RELEASE already owed is
    /// still handed out.
    pub fn stop(&mut self) -> Option<Lease> {
        let lease = self.lease.take().or_else(|| self.candidate.take());
        self.reset(State::Stopped);
        lease
    }

    fn check_idle(&self) -> Result<(), CallError> {
        match self.state {
            State::Stopped | State::Informed => Ok(()),
            _ => Err(CallError::Running),
        }
    }

    /// The state.
    pub fn state(&self) -> State {
        self.state
    }
    /// The lease in use (BOUND, RENEWING, REBINDING).
    pub fn lease(&self) -> Option<&Lease> {
        self.lease.as_ref()
    }
    /// The offers held while collecting (SELECTING with `OfferPolicy::wait`).
    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }
    /// The current exchange's transaction id.
    pub fn xid(&self) -> u32 {
        self.xid
    }
    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// What was sent and dropped.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// One timer's deadline.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers.get(timer)
    }
    /// The earliest deadline: call [`handle_timeout`](Self::handle_timeout) then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }
    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }
    /// How many events wait (at most one of each kind).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    /// Runs every timer due at `now` (see [`Timer`]).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.run_due(now);
    }

    fn run_due(&mut self, now: Instant) {
        // Each firing clears its slot; a firing may arm others, never at or
        // before `now` unless a lease is already over, which ends in INIT with no
        // timer due. The bound is a guard, not a limit ever reached.
        for _ in 0..4 * Timer::COUNT {
            let Some(t) = self.timers.due(now) else { return };
            self.timers.clear(t);
            self.fire(now, t);
        }
    }

    fn fire(&mut self, now: Instant, timer: Timer) {
        use State as S;
        match (timer, self.state) {
            // After the whole §4.1 schedule (4 to 64 s), a new xid: a lease counts
            // from the first message of its xid (§4.4.1), so that message must
            // stay recent, or an answer after an hour of silence would be a lease
            // already over.
            // (The count of messages goes on, so the wait stays at 64 s.)
            (Timer::Retransmit, S::Selecting | S::Informing) if self.sent >= SCHEDULE_LEN => {
                self.xid = self.rng.next_u32();
                self.first_sent = None;
                self.owed = true;
            }
            (Timer::Retransmit, S::Selecting | S::Informing | S::Rebinding) => self.owed = true,
            // An infinite lease renewed by hand: the §4.1 schedule, then BOUND again.
            (Timer::Retransmit, S::Renewing) if self.lease_is_endless() => {
                if self.sent >= self.config.request_attempts {
                    self.state = State::Bound;
                } else {
                    self.owed = true;
                }
            }
            (Timer::Retransmit, S::Renewing) => self.owed = true,
            // RFC 2131 §3.1 step 3: no ACK or NAK after the retransmissions: INIT.
            (Timer::Retransmit, S::Requesting) if self.sent >= self.config.request_attempts => {
                self.enter_init(now, Duration::ZERO);
            }
            // §3.2 step 3: likewise from REBOOTING, asking for the old address.
            (Timer::Retransmit, S::Rebooting) if self.sent >= self.config.reboot_attempts => {
                self.hint = self.candidate.as_ref().map(|l| l.address);
                self.enter_init(now, Duration::ZERO);
            }
            (Timer::Retransmit, S::Requesting | S::Rebooting) => self.owed = true,
            (Timer::OfferWait, S::Selecting) => self.choose_offer(now),
            (Timer::Acd, _) => self.acd_step(now),
            (Timer::Renew, S::Bound) => self.enter_renewing(now),
            (Timer::Rebind, S::Bound | S::Renewing) => self.enter_rebinding(now),
            (Timer::Expire, S::Bound | S::Renewing | S::Rebinding) => {
                // §4.4.5: "If the lease expires before the client receives a
                // DHCPACK, the client moves to INIT state, MUST immediately stop
                // any other network processing and requests network
                // initialization parameters as if the client were uninitialized."
                self.hint = self.lease.as_ref().map(|l| l.address);
                self.lose(LossReason::Expired);
                self.enter_init(now, Duration::ZERO);
            }
            (Timer::Restart, S::Init) => self.begin_discover(now),
            _ => {}
        }
    }

    /// Leaves whatever state the client is in for `state`, with nothing owed but
    /// a one-shot message and no timer.
    fn reset(&mut self, state: State) {
        self.state = state;
        self.timers.clear_all();
        self.owed = false;
        self.offers.clear();
        self.selected = None;
        if state != State::Rebooting {
            self.candidate = None;
        }
    }

    /// INIT (§4.4.1), restarting after `delay` (zero: at once).
    fn enter_init(&mut self, now: Instant, delay: Duration) {
        self.lease = None;
        self.reset(State::Init);
        if delay.is_zero() {
            self.begin_discover(now);
        } else {
            self.timers.set(Timer::Restart, now + delay);
        }
    }

    /// INIT → SELECTING: a DISCOVER with a new xid (§4.4.1).
    fn begin_discover(&mut self, now: Instant) {
        self.reset(State::Selecting);
        self.new_exchange(now);
    }

    /// A new transaction: a new xid, `secs` counted from now, the message owed.
    fn new_exchange(&mut self, now: Instant) {
        self.started = now;
        self.next_xid();
    }

    /// A new xid for the same exchange (`secs` keeps counting): on entering
    /// REBINDING, whose `secs` count from the start of the renewal (§2).
    fn next_xid(&mut self) {
        self.xid = self.rng.next_u32();
        self.first_sent = None;
        self.sent = 0;
        self.owed = true;
        self.timers.clear(Timer::Retransmit);
    }

    /// BOUND → RENEWING at T1 (§4.4.5): a REQUEST unicast to the server.
    fn enter_renewing(&mut self, now: Instant) {
        self.state = State::Renewing;
        self.timers.clear(Timer::Renew);
        self.new_exchange(now);
    }

    /// → REBINDING at T2 (§4.4.5): the REQUEST broadcast.
    fn enter_rebinding(&mut self, now: Instant) {
        let renewing = self.state == State::Renewing;
        self.state = State::Rebinding;
        self.timers.clear(Timer::Renew);
        self.timers.clear(Timer::Rebind);
        if renewing {
            self.next_xid();
        } else {
            self.new_exchange(now);
        }
    }

    /// True if the lease in use has no end (RFC 2131 §3.3).
    fn lease_is_endless(&self) -> bool {
        self.lease.as_ref().is_some_and(|l| l.expires_at().is_none())
    }

    /// Gives up the lease in use, telling the host why.
    fn lose(&mut self, reason: LossReason) {
        if let Some(l) = self.lease.take() {
            self.events.push(Event::Lost { address: l.address, reason });
        }
    }

    /// The retransmission wait after the `n`th message (n ≥ 1): 4 s doubling to
    /// 64 s, ±1 s uniform (RFC 2131 §4.1).
    fn backoff(&mut self, n: u32) -> Duration {
        let base = 4u64 << n.saturating_sub(1).min(4);
        let jitter = u64::from(below(&mut self.rng, 2001));
        Duration::from_millis(base * 1000 - 1000 + jitter)
    }
}
