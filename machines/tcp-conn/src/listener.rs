//! A listening port: answers SYNs, keeps the handshakes in progress in a bounded
//! backlog, and hands out connections once they are ESTABLISHED. With SYN cookies
//! on, a full backlog does not refuse new clients: the SYN,ACK's sequence number
//! carries the state instead (RFC 4987 §3.6), and the handshake's last ACK
//! rebuilds it.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::hash::Hasher;
use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use siphasher::sip::SipHasher24;
use wirestate_tcp::{Flags, Repr, Segment, SeqNumber, MAX_HEADER_LEN};
use wirestate_wire::Instant;

use crate::config::Config;
use crate::conn::{reset_for, Connection, State, Transmit};
use crate::error::CallError;

/// The MSS values a cookie can carry (3 bits), as Linux's table: the largest not
/// above the client's is chosen.
const COOKIE_MSS: [u16; 8] = [536, 1200, 1300, 1400, 1440, 1452, 1460, 8960];

/// A cookie's clock ticks every 64 s; one from the current or the previous tick
/// is accepted.
const COOKIE_TICK: Duration = Duration::from_secs(64);

/// Counters a user can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListenerStats {
    /// SYNs dropped because the backlog was full and cookies are off.
    pub syns_dropped: u64,
    /// SYN,ACKs sent with a cookie.
    pub cookies_sent: u64,
    /// Connections rebuilt from a valid cookie.
    pub cookies_accepted: u64,
    /// ACKs whose cookie did not verify (answered with RST).
    pub cookies_rejected: u64,
}

/// A passive open on one local address.
///
/// It keeps [`Connection`]'s contract (see there): after any input drain
/// [`poll_transmit`](Self::poll_transmit) until `Ok(None)`, then read
/// [`poll_timeout`](Self::poll_timeout); `now` never goes back; an early
/// [`handle_timeout`](Self::handle_timeout) does nothing; a buffer shorter than
/// [`transmit_buffer_len`](Self::transmit_buffer_len) is refused and loses
/// nothing.
///
/// ```
/// use wirestate_tcp::{Flags, Repr, SeqNumber};
/// use wirestate_tcp_conn::{CallError, Config, IsnKey, Listener, State};
/// use wirestate_wire::Instant;
/// let cfg = Config::new(IsnKey::new(*b"use a random key"));
/// let mut l = Listener::new(cfg, "10.0.0.2:80".parse().unwrap(), 8, false);
/// let syn = Repr { flags: Flags::SYN, window_len: 65535, ..Repr::new(40000, 80, SeqNumber(7)) };
/// l.handle_segment(Instant::ZERO, "10.0.0.1".parse().unwrap(), &syn);
/// let mut short = [0u8; 100];
/// let need = l.transmit_buffer_len();
/// assert_eq!(l.poll_transmit(Instant::ZERO, &mut short), Err(CallError::BufferTooSmall { need }));
/// let mut buf = vec![0u8; need];
/// let t = l.poll_transmit(Instant::ZERO, &mut buf)?.unwrap(); // the SYN,ACK
/// assert_eq!(t.remote, "10.0.0.1:40000".parse().unwrap());
/// assert!(l.accept().is_none()); // not established yet
/// assert_eq!(l.embryos().map(|c| c.state()).collect::<Vec<_>>(), [State::SynReceived]);
/// # Ok::<(), CallError>(())
/// ```
#[derive(Debug)]
pub struct Listener {
    cfg: Config,
    local: SocketAddr,
    backlog: usize,
    syn_cookies: bool,
    /// Handshakes in progress and established connections not yet accepted.
    pending: Vec<Connection>,
    /// Replies that belong to no connection: cookie SYN,ACKs and resets.
    replies: VecDeque<(SocketAddr, Repr<'static>)>,
    stats: ListenerStats,
}

impl Listener {
    /// Listens on `local` with room for `backlog` connections not yet accepted;
    /// `syn_cookies` answers SYNs with cookies when that room is used up.
    pub fn new(cfg: Config, local: SocketAddr, backlog: usize, syn_cookies: bool) -> Self {
        Listener {
            cfg,
            local,
            backlog: backlog.max(1),
            syn_cookies,
            pending: Vec::new(),
            replies: VecDeque::new(),
            stats: ListenerStats::default(),
        }
    }

    /// The address listened on.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Counters.
    pub fn stats(&self) -> ListenerStats {
        self.stats
    }

    /// Connections in the backlog (handshaking or waiting for `accept`).
    pub fn backlog_len(&self) -> usize {
        self.pending.len()
    }

    /// The connections in the backlog, oldest first: handshakes in progress
    /// (SYN-RECEIVED) and established connections not yet accepted, for
    /// inspection (their state, addresses, timers, counters).
    pub fn embryos(&self) -> impl Iterator<Item = &Connection> {
        self.pending.iter()
    }

    /// The next established connection, oldest first.
    pub fn accept(&mut self) -> Option<Connection> {
        let i = self.pending.iter().position(|c| c.state() != State::SynReceived)?;
        Some(self.pending.remove(i))
    }

    /// Handles a segment for the listening port from `remote_ip`.
    pub fn handle_segment(&mut self, now: Instant, remote_ip: IpAddr, seg: &Repr<'_>) {
        let remote = SocketAddr::new(remote_ip, seg.src_port);
        if let Some(c) = self.pending.iter_mut().find(|c| c.remote() == Some(remote)) {
            c.handle_segment(now, remote_ip, seg);
            // A handshake the peer reset goes back to LISTEN (RFC 9293 §3.10.7.4):
            // here that is the listener's own job, so the embryo is dropped.
            self.pending.retain(|c| !matches!(c.state(), State::Closed | State::Listen));
            return;
        }
        let syn = seg.flags.contains(Flags::SYN);
        let rst = seg.flags.contains(Flags::RST);
        if rst {
            return;
        }
        if syn && seg.ack_number.is_none() {
            if self.pending.len() < self.backlog {
                let mut c = Connection::listen(self.cfg, self.local);
                c.handle_segment(now, remote_ip, seg);
                self.pending.push(c);
            } else if self.syn_cookies {
                self.send_cookie(now, remote, seg);
            } else {
                // RFC 9293 §3.10.7.2 leaves a SYN the listener cannot queue to be
                // dropped; the client tries again.
                self.stats.syns_dropped += 1;
            }
            return;
        }
        if let Some(ack) = seg.ack_number.filter(|_| !syn && self.syn_cookies) {
            if let Some(mss) = self.check_cookie(now, remote, seg.seq_number - 1, ack - 1) {
                if self.pending.len() < self.backlog {
                    self.stats.cookies_accepted += 1;
                    let iss = ack - 1;
                    let c =
                        Connection::from_cookie(now, self.cfg, self.local, remote, iss, seg, mss);
                    self.pending.push(c);
                    return;
                }
            } else {
                self.stats.cookies_rejected += 1;
            }
        }
        // RFC 9293 §3.10.7.2: anything else with an ACK gets <SEQ=SEG.ACK><CTL=RST>.
        if seg.ack_number.is_some() && self.replies.len() < self.backlog {
            if let Some((seq, ack)) = reset_for(seg) {
                let mut r = Repr::new(self.local.port(), remote.port(), seq);
                r.flags = Flags::RST;
                r.ack_number = ack;
                self.replies.push_back((remote, r));
            }
        }
    }

    /// The cookie for a SYN from `remote` with initial sequence number `irs`, at
    /// tick `t` with MSS index `m`: t (5 bits) | m (3 bits) | hash (24 bits).
    fn cookie(&self, t: u32, m: u32, remote: SocketAddr, irs: SeqNumber) -> SeqNumber {
        let mut h = SipHasher24::new_with_key(self.cfg.isn_key.bytes());
        h.write_u8(0xc0); // apart from the ISN generator's inputs
        for addr in [self.local, remote] {
            match addr.ip() {
                IpAddr::V4(ip) => h.write(&ip.octets()),
                IpAddr::V6(ip) => h.write(&ip.octets()),
            }
            h.write_u16(addr.port());
        }
        h.write_u32(irs.0);
        h.write_u32(t);
        h.write_u32(m);
        let hash = (h.finish() as u32) & 0x00ff_ffff;
        SeqNumber(((t & 31) << 27) | ((m & 7) << 24) | hash)
    }

    fn tick(now: Instant) -> u32 {
        (now.as_nanos() / COOKIE_TICK.as_nanos() as u64) as u32
    }

    fn send_cookie(&mut self, now: Instant, remote: SocketAddr, syn: &Repr<'_>) {
        if self.replies.len() >= self.backlog {
            self.stats.syns_dropped += 1;
            return;
        }
        let client_mss = syn.max_seg_size.unwrap_or(536).min(self.cfg.mss);
        let m = COOKIE_MSS.iter().rposition(|&v| v <= client_mss).unwrap_or(0) as u32;
        let iss = self.cookie(Self::tick(now) & 31, m, remote, syn.seq_number);
        let mut r = Repr::new(self.local.port(), remote.port(), iss);
        r.flags = Flags::SYN;
        r.ack_number = Some(syn.seq_number + 1);
        r.window_len = self.cfg.recv_capacity().min(usize::from(u16::MAX)) as u16;
        r.max_seg_size = Some(COOKIE_MSS.get(m as usize).copied().unwrap_or(536));
        self.stats.cookies_sent += 1;
        self.replies.push_back((remote, r));
    }

    /// The MSS a valid cookie `cookie` (the ACK less one) for `irs` carries.
    fn check_cookie(
        &self,
        now: Instant,
        remote: SocketAddr,
        irs: SeqNumber,
        cookie: SeqNumber,
    ) -> Option<u16> {
        let t = cookie.0 >> 27;
        let m = (cookie.0 >> 24) & 7;
        let current = Self::tick(now) & 31;
        let age = current.wrapping_sub(t) & 31;
        if age > 1 || self.cookie(t, m, remote, irs) != cookie {
            return None;
        }
        COOKIE_MSS.get(m as usize).copied()
    }

    /// The earliest deadline of the connections in the backlog.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pending.iter().filter_map(Connection::poll_timeout).min()
    }

    /// Runs the timers of the connections in the backlog; drops those that closed
    /// (a handshake that timed out or was reset).
    pub fn handle_timeout(&mut self, now: Instant) {
        for c in &mut self.pending {
            if c.poll_timeout().is_some_and(|t| t <= now) {
                c.handle_timeout(now);
            }
        }
        self.pending.retain(|c| c.state() != State::Closed);
    }

    /// The least buffer [`poll_transmit`](Self::poll_transmit) accepts: what the
    /// connections in the backlog need ([`Connection::transmit_buffer_len`]), at
    /// least 60 header octets plus `Config::mss`.
    pub fn transmit_buffer_len(&self) -> usize {
        let own = MAX_HEADER_LEN + usize::from(self.cfg.mss).max(1);
        self.pending.iter().map(Connection::transmit_buffer_len).fold(own, usize::max)
    }

    /// The next segment the listener or a connection in its backlog owes, written
    /// into `buf`; `Ok(None)` when nothing is owed.
    ///
    /// # Errors
    /// `BufferTooSmall` when `buf` is shorter than
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); nothing changes then.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        let need = self.transmit_buffer_len();
        if buf.len() < need {
            return Err(CallError::BufferTooSmall { need });
        }
        for c in &mut self.pending {
            if let Some(t) = c.poll_transmit(now, buf)? {
                return Ok(Some(t));
            }
        }
        let Some((remote, r)) = self.replies.pop_front() else { return Ok(None) };
        // A reset or a cookie SYN,ACK: at most 20 + 4 octets, which fit.
        let len = r.buffer_len();
        let Some(bytes) = buf.get_mut(..len) else { return Ok(None) };
        r.emit(&mut Segment::new_unchecked(&mut bytes[..]), self.local.ip(), remote.ip());
        Ok(Some(Transmit { len, local: self.local, remote, ecn: crate::Ecn::NotEct }))
    }
}
