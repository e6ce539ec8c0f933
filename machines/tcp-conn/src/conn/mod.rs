//! One TCP connection (RFC 9293), sans IO: segments, timeouts and user calls in;
//! segments, deadlines and events out.
//!
//! The type, its constructors, accessors, user calls and events are here; the
//! rest is split by what it does: [`timer`] (the timer table and what each timer
//! does), [`input`] (what arrives, step by step as RFC 9293 §3.10.7 orders it),
//! [`recovery`] (loss recovery, RTT samples, HyStart++), [`fast`] (header
//! prediction and the wire-bytes entry point) and [`output`] (what is sent).

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use wirestate_tcp::{Flags, Repr, SeqNumber};
use wirestate_wire::{checksum, Instant, IpProtocol};

use crate::buffer::{RecvBuffer, SendBuffer};
use crate::cc::{CongestionControl, Controller};
use crate::config::Config;
use crate::error::{CallError, ConnectionError};
use crate::isn::IsnGenerator;
use crate::rtt::{RttEstimator, RttTimer};
use crate::scoreboard::Scoreboard;

mod ecn;
mod event;
mod fast;
mod input;
mod output;
mod recovery;
mod sack;
#[cfg(test)]
mod tests;
mod timer;

pub use event::Event;
pub use input::reset_for;
pub use output::Transmit;
pub use timer::Timer;

use event::Events;
use output::PendingRst;
use recovery::{HyStart, Recovery};
use timer::Timers;

/// How [`Connection::close`] ended the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// Gracefully: a FIN follows the buffered data (or, before the handshake
    /// completed, the connection was simply deleted).
    Fin,
    /// With a RST, because received data was still unread: the peer learns it
    /// was lost.
    Reset {
        /// The unread bytes dropped.
        unread: usize,
    },
}

/// The eleven states of RFC 9293 §3.3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// No connection.
    Closed,
    /// Waiting for a SYN (passive open).
    Listen,
    /// SYN sent, waiting for the peer's SYN.
    SynSent,
    /// SYN received and answered, waiting for the ACK of ours.
    SynReceived,
    /// Open: data flows both ways.
    Established,
    /// Closed by this end, FIN sent, not yet acknowledged.
    FinWait1,
    /// This end's FIN acknowledged, waiting for the peer's.
    FinWait2,
    /// The peer closed; this end may still send.
    CloseWait,
    /// Both closed at once, waiting for the ACK of this end's FIN.
    Closing,
    /// The peer closed first, then this end; waiting for the last ACK.
    LastAck,
    /// Both closed; waiting 2 * MSL for stray segments to die out.
    TimeWait,
}

impl State {
    /// SYNs have been exchanged both ways (RFC 9293 §3.5's synchronized states).
    pub fn is_synchronized(self) -> bool {
        !matches!(self, State::Closed | State::Listen | State::SynSent | State::SynReceived)
    }
}

/// Counters a user can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Segments written by `poll_transmit`.
    pub segments_sent: u64,
    /// Segments handed to `handle_segment` or `handle_segment_bytes`.
    pub segments_received: u64,
    /// Payload bytes sent for the first time.
    pub bytes_sent: u64,
    /// Payload bytes sent again.
    pub bytes_retransmitted: u64,
    /// Segments sent again (timeouts, fast retransmit, SACK recovery, SYNs).
    pub retransmits: u64,
    /// Retransmission timeouts.
    pub timeouts: u64,
    /// Retransmissions found lost by later data being SACKed first, and sent again.
    pub retransmits_lost: u64,
    /// Loss recovery episodes entered (fast retransmit, RFC 5681 §3.2).
    pub fast_recoveries: u64,
    /// Duplicate ACKs received.
    pub dup_acks: u64,
    /// In-order payload bytes received.
    pub bytes_received: u64,
    /// Challenge ACKs sent (RFC 5961).
    pub challenge_acks: u64,
    /// Segments that arrived marked Congestion Experienced (RFC 3168).
    pub ce_received: u64,
    /// Window reductions in answer to ECE (RFC 3168 §6.1.2), at most one a window.
    pub ecn_reductions: u64,
}

/// The RFC 7323 state of a connection with timestamps.
#[derive(Debug, Clone, Copy)]
struct Timestamps {
    /// Added to this end's millisecond clock (RFC 7323 §5.4: a per-connection offset).
    offset: u32,
    /// TS.Recent (§4.3) and when it was taken (§5.5: ignored after 24 days idle).
    recent: u32,
    recent_at: Instant,
}

/// One TCP connection: the state of RFC 9293 §3.3.2 and everything it carries,
/// driven by its caller and touching no socket, clock or thread.
///
/// What goes in: segments ([`handle_segment`](Self::handle_segment) with a parsed,
/// checksum-verified [`Repr`], [`handle_segment_ecn`](Self::handle_segment_ecn)
/// with the IP header's ECN field too, or
/// [`handle_segment_bytes`](Self::handle_segment_bytes) with the segment's wire
/// bytes), the passing of time
/// ([`handle_timeout`](Self::handle_timeout)) and the user calls
/// ([`send`](Self::send), [`send_urgent`](Self::send_urgent), [`recv`](Self::recv),
/// [`recv_with`](Self::recv_with), [`shutdown`](Self::shutdown),
/// [`close`](Self::close), [`abort`](Self::abort)).
/// What comes out: segments ([`poll_transmit`](Self::poll_transmit), with the ECN
/// field for their IP header in [`Transmit::ecn`]), events
/// ([`poll_event`](Self::poll_event)) and the next deadline
/// ([`poll_timeout`](Self::poll_timeout)).
///
/// # The contract
///
/// - **Order.** After any `handle_*` call or user call, drain
///   [`poll_transmit`](Self::poll_transmit) until it returns `Ok(None)`, then
///   [`poll_event`](Self::poll_event) until it returns `None`, then read
///   [`poll_timeout`](Self::poll_timeout) and call
///   [`handle_timeout`](Self::handle_timeout) when that instant comes (unless
///   another input comes first, which starts the round again).
/// - **Time.** `now` never goes back: each call is passed an instant no earlier
///   than the one before. The connection reads no clock; time moves only when
///   it is passed in.
/// - **Timeouts.** [`handle_timeout`](Self::handle_timeout) runs only the timers
///   due at `now`: a call before the deadline, or a second call at the same
///   `now`, does nothing.
/// - **The transmit buffer.** [`poll_transmit`](Self::poll_transmit) needs at
///   least [`transmit_buffer_len`](Self::transmit_buffer_len) octets: 60 header
///   octets plus the largest payload it may send. A shorter buffer returns
///   [`CallError::BufferTooSmall`] and changes nothing: what was owed (a SYN, an
///   ACK, a reset, data) is still owed at the next call.
/// - **Failure.** When the connection is lost (reset, refused, timed out), the
///   [`ConnectionError`] is kept: [`error`](Self::error) returns it,
///   [`Event::Lost`] reports it once, and every later user call except
///   [`abort`](Self::abort) returns it as [`CallError::Lost`]. A CLOSED
///   connection still answers segments with resets (RFC 9293 §3.10.7.1), so keep
///   draining `poll_transmit` as long as segments are handed to it.
/// - **Memory.** The buffers are allocated once at their configured sizes; the
///   out-of-order and SACK tables have fixed sizes; at most one event of each kind
///   waits to be polled (see [`Event`]).
///
/// # Timers
///
/// One table keyed by [`Timer`]: [`poll_timeout`](Self::poll_timeout) is its
/// earliest deadline, [`timer`](Self::timer) reads one entry, and entering CLOSED
/// clears them all at once.
///
/// - [`Timer::Retransmit`] (RFC 6298, RFC 5681 §3.1): the SYN or the oldest
///   unacknowledged data is sent again, the timeout doubles, the congestion window
///   drops to one segment; the connection times out after
///   [`Config::max_retransmits`] timeouts in a row or once data waits longer than
///   [`Config::user_timeout`] (RFC 9293 §3.8.3).
/// - [`Timer::DelayedAck`] (RFC 9293 §3.8.6.3, RFC 5681 §4.2): the ACK held back
///   for a second full segment goes out.
/// - [`Timer::Persist`] (RFC 9293 §3.8.6.1): a zero-window probe goes out; the
///   connection times out only after [`Config::max_retransmits`] probes in a row
///   go unanswered.
/// - [`Timer::Keepalive`] (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): an idle
///   connection is probed; it times out when [`Keepalive::probes`] go unanswered.
/// - [`Timer::TimeWait`] (RFC 9293 §3.10.8): TIME-WAIT ends, CLOSED,
///   [`Event::Closed`].
///
/// # Deliberate departures from the RFCs
///
/// - A pure ACK carries SND.MAX, not SND.NXT, and a keepalive SND.MAX - 1, not
///   SND.NXT - 1 (RFC 9293 §3.10.7.4, RFC 1122 §4.2.3.6): after a timeout SND.NXT
///   goes back to resend, while the peer may already hold everything up to
///   SND.MAX and would find SND.NXT outside its window. BSD does the same.
/// - A copy of the peer's SYN (same ISN, no ACK) arriving in SYN-RECEIVED is
///   answered with this end's SYN,ACK again, not with a bare ACK after the
///   sequence check.
/// - Text past the right edge this end advertised is kept when the receive
///   buffer has room for it (RCV.WND is taken as the larger of the two, as BSD
///   does), except in a SYN-RECEIVED that came from LISTEN, which holds only
///   what it advertised.
/// - In TIME-WAIT every segment but an exact duplicate ACK is answered with an
///   ACK (RFC 9293 expects only the retransmitted FIN there), as BSD does.
/// - A segment marked CE is acknowledged at once when it starts an ECE echo
///   (RFC 3168 allows a delayed ACK), so the sender hears of congestion soonest.
/// - After a retransmission timeout, the resending from SND.UNA skips what the
///   peer SACKed; only a second timeout in a row forgets the SACK information
///   (RFC 2018 §8 says to forget it after the first, as the receiver may have
///   reneged).
/// - A lost retransmission is found, and sent again, when data sent after it is
///   SACKed while SND.UNA stays where it was, as Linux does; RFC 6675 leaves that
///   case to the retransmission timer.
/// - HyStart++ (RFC 9406) leaves the first slow start straight for congestion
///   avoidance: its conservative slow start (§4.2) is not implemented.
/// - An urgent pointer more than 65535 octets ahead of a segment is sent as
///   65535, as Linux does (the 16-bit field cannot say more; RFC 9293 §3.8.5).
/// - TIME-WAIT lasts [`Config::time_wait`], 60 s by default as on Linux, not
///   2 MSL with RFC 9293 §3.4.2's MSL of 2 minutes.
/// - A connection rebuilt from a SYN cookie ([`Listener`](crate::Listener))
///   negotiated only the MSS, one of eight values: no window scaling, SACK or
///   timestamps (RFC 4987 §3.6).
///
/// # Example
///
/// ```
/// use core::net::SocketAddr;
/// use wirestate_tcp_conn::{CallError, Config, Connection, ConnectionError, Event, IsnKey, State};
/// use wirestate_wire::Instant;
///
/// let (a, b): (SocketAddr, SocketAddr) = ("10.0.0.1:40000".parse()?, "10.0.0.2:80".parse()?);
/// let cfg = Config::new(IsnKey::new(*b"use a random key"));
/// let now = Instant::ZERO;
/// let mut client = Connection::connect(now, cfg, a, b);
/// let mut server = Connection::listen(cfg, b);
/// // A buffer shorter than the largest segment is refused; the SYN stays owed.
/// let mut short = [0u8; 100];
/// let need = client.transmit_buffer_len();
/// assert_eq!(client.poll_transmit(now, &mut short), Err(CallError::BufferTooSmall { need }));
/// let mut buf = vec![0u8; need];
/// // Carry segments both ways until both are quiet.
/// for _ in 0..4 {
///     while let Some(t) = client.poll_transmit(now, &mut buf)? {
///         server.handle_segment_bytes(now, a.ip(), &buf[..t.len])?;
///     }
///     while let Some(t) = server.poll_transmit(now, &mut buf)? {
///         client.handle_segment_bytes(now, b.ip(), &buf[..t.len])?;
///     }
/// }
/// assert_eq!((client.state(), server.state()), (State::Established, State::Established));
/// assert_eq!(client.poll_event(), Some(Event::Connected));
/// // The server aborts: its reset ends the client, for good.
/// server.abort();
/// while let Some(t) = server.poll_transmit(now, &mut buf)? {
///     client.handle_segment_bytes(now, b.ip(), &buf[..t.len])?;
/// }
/// assert_eq!(client.poll_event(), Some(Event::Lost(ConnectionError::Reset)));
/// assert_eq!(client.send(b"late"), Err(CallError::Lost(ConnectionError::Reset)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Keepalive::probes`]: crate::Keepalive::probes
#[derive(Debug, Clone)]
pub struct Connection {
    cfg: Config,
    state: State,
    local: SocketAddr,
    /// Unknown in LISTEN until a SYN arrives.
    remote: Option<SocketAddr>,
    /// The pseudo-header's sum over both addresses and the protocol, length 0
    /// (RFC 9293 §3.1), once `remote` is known: a segment's adds its length.
    /// `None` for addresses of different families.
    addr_sum: Option<u16>,
    isn: IsnGenerator,
    /// Opened passively (from LISTEN), where a reset SYN-RECEIVED returns.
    passive: bool,

    // ---- send sequence space (RFC 9293 §3.3.1) ----
    iss: SeqNumber,
    snd_una: SeqNumber,
    /// The next sequence number to send (moved back by a timeout, go-back-N).
    snd_nxt: SeqNumber,
    /// One past the highest sequence number ever sent.
    snd_max: SeqNumber,
    /// The peer's window, scaled, in bytes.
    snd_wnd: usize,
    /// The largest window the peer offered (RFC 9293 §3.8.6.2.1, RFC 5961 §5).
    max_snd_wnd: usize,
    snd_wl1: SeqNumber,
    snd_wl2: SeqNumber,
    /// The sequence number of the send buffer's first byte.
    snd_buf_seq: SeqNumber,
    send_buf: SendBuffer,
    /// The user closed: FIN follows the buffered data.
    fin_queued: bool,
    /// The user called [`close`](Connection::close): nothing more will be read,
    /// so new data from the peer is answered with RST (RFC 1122 §4.2.2.13).
    read_closed: bool,
    /// ECN (RFC 3168) once negotiated.
    ecn: ecn::EcnState,
    /// SYNs sent again (the later ones stop asking for ECN).
    syn_retransmits: u32,
    /// Text a SYN carried, staged in the receive buffer until ESTABLISHED.
    syn_text: usize,
    /// A FIN that came with the SYN, processed once ESTABLISHED.
    syn_fin: bool,
    /// Effective send MSS: the payload of a full segment, options allowed for.
    smss: usize,

    // ---- receive sequence space ----
    irs: SeqNumber,
    rcv_nxt: SeqNumber,
    /// The right edge last advertised (RCV.NXT + RCV.WND when it was sent).
    rcv_adv: SeqNumber,
    recv_buf: RecvBuffer,
    /// A FIN that arrived ahead of missing data.
    pending_fin: Option<SeqNumber>,
    fin_received: bool,
    /// RCV.UP: the sequence number after the peer's urgent data, while some of
    /// it is unread (RFC 9293 §3.8.5).
    rcv_up: Option<SeqNumber>,
    /// SND.UP: the sequence number after this end's urgent data, until the peer
    /// has acknowledged it.
    snd_up: Option<SeqNumber>,
    /// The SACK blocks reported most recently, newest first (RFC 2018 §4).
    sack_reported: sack::ReportedBlocks,
    /// A duplicate segment's range, for the D-SACK block of the next ACK
    /// (RFC 2883).
    dsack: Option<(SeqNumber, SeqNumber)>,

    // ---- options ----
    /// This end's window shift and the peer's, once negotiated (RFC 7323 §2).
    rcv_wscale: u8,
    snd_wscale: u8,
    /// Both SYNs carried the window scale option.
    wscale_ok: bool,
    ts: Option<Timestamps>,
    sack_ok: bool,
    last_ack_sent: SeqNumber,

    // ---- loss recovery and congestion control ----
    rtt: RttEstimator,
    rtt_timer: RttTimer,
    cc: Controller,
    scoreboard: Scoreboard,
    dup_acks: u32,
    recovery: Option<Recovery>,
    hystart: HyStart,
    /// RFC 6582 §3.2 "recover": SND.MAX when recovery last began or the timer last
    /// fired; duplicate ACKs start a new recovery only once SND.UNA passed it.
    recover: SeqNumber,

    // ---- timers ----
    timers: Timers,
    keepalive_sent: u32,
    /// Timeouts in a row without progress.
    backoffs: u32,
    /// Since when sent data (or a SYN) waits for its ACK.
    unacked_since: Option<Instant>,
    persist_backoff: u32,
    /// Zero-window probes sent since the peer last acknowledged anything.
    probes_unanswered: u32,

    // ---- what the next poll_transmit owes ----
    syn_due: bool,
    ack_now: bool,
    /// Bytes received since the last ACK this end sent.
    unacked_bytes: usize,
    rst: Option<PendingRst>,
    probe_due: bool,
    keepalive_due: bool,
    challenge_window: (Instant, u32),

    // ---- what the user is told ----
    events: Events,
    /// Why the connection was lost, once it was: kept for every later call.
    error: Option<ConnectionError>,
    stats: Stats,
}

/// A SYN's default MSS when it has no MSS option (RFC 9293 §3.7.1).
fn default_mss(ip: IpAddr) -> usize {
    match ip {
        IpAddr::V4(_) => 536,
        IpAddr::V6(_) => 1220,
    }
}

/// Octets the timestamps option takes in every segment once negotiated.
const TS_LEN: usize = 12;

/// RFC 7323 §5.5: TS.Recent is stale after 24 days of idleness.
const PAWS_IDLE: Duration = Duration::from_secs(24 * 24 * 3600);

fn ms_clock(now: Instant) -> u32 {
    (now.as_nanos() / 1_000_000) as u32
}

impl Connection {
    fn new(cfg: Config, local: SocketAddr, state: State) -> Self {
        let recv_cap = cfg.recv_capacity();
        Connection {
            cfg,
            state,
            local,
            remote: None,
            addr_sum: None,
            isn: IsnGenerator::new(cfg.isn_key),
            passive: false,
            iss: SeqNumber(0),
            snd_una: SeqNumber(0),
            snd_nxt: SeqNumber(0),
            snd_max: SeqNumber(0),
            snd_wnd: 0,
            max_snd_wnd: 0,
            snd_wl1: SeqNumber(0),
            snd_wl2: SeqNumber(0),
            snd_buf_seq: SeqNumber(0),
            send_buf: SendBuffer::new(cfg.send_buffer),
            fin_queued: false,
            smss: usize::from(cfg.mss).max(1),
            irs: SeqNumber(0),
            rcv_nxt: SeqNumber(0),
            rcv_adv: SeqNumber(0),
            recv_buf: RecvBuffer::new(recv_cap),
            pending_fin: None,
            fin_received: false,
            read_closed: false,
            ecn: ecn::EcnState::default(),
            syn_retransmits: 0,
            syn_text: 0,
            syn_fin: false,
            sack_reported: sack::ReportedBlocks::default(),
            dsack: None,
            rcv_up: None,
            snd_up: None,
            rcv_wscale: 0,
            snd_wscale: 0,
            wscale_ok: false,
            ts: None,
            sack_ok: false,
            last_ack_sent: SeqNumber(0),
            rtt: RttEstimator::new(cfg.rto),
            rtt_timer: RttTimer::default(),
            cc: Controller::new(cfg.congestion),
            scoreboard: Scoreboard::default(),
            dup_acks: 0,
            recovery: None,
            hystart: HyStart::default(),
            recover: SeqNumber(0),
            timers: Timers::default(),
            keepalive_sent: 0,
            backoffs: 0,
            unacked_since: None,
            persist_backoff: 0,
            probes_unanswered: 0,
            syn_due: false,
            ack_now: false,
            unacked_bytes: 0,
            rst: None,
            probe_due: false,
            keepalive_due: false,
            challenge_window: (Instant::ZERO, 0),
            events: Events::new(),
            error: None,
            stats: Stats::default(),
        }
    }

    /// Active open (RFC 9293 §3.10.1): SYN-SENT, the SYN goes out on the next
    /// `poll_transmit`. The ISS comes from `cfg.isn_key` and `now` (RFC 6528).
    pub fn connect(now: Instant, cfg: Config, local: SocketAddr, remote: SocketAddr) -> Self {
        let mut c = Connection::new(cfg, local, State::SynSent);
        c.set_remote(remote);
        c.choose_iss(now, remote);
        c.syn_due = true;
        c.unacked_since = Some(now);
        c
    }

    fn set_remote(&mut self, remote: SocketAddr) {
        self.remote = Some(remote);
        self.addr_sum = checksum::pseudo_header(self.local.ip(), remote.ip(), IpProtocol::TCP.0, 0);
    }

    /// The pseudo-header's sum for a segment of `len` octets between this end
    /// and `peer` (either direction: the sum does not depend on the order).
    #[inline]
    fn pseudo_sum(&self, peer: IpAddr, len: usize) -> Option<u16> {
        let len = u32::try_from(len).ok()?;
        match (self.addr_sum, self.remote) {
            (Some(addrs), Some(remote)) if remote.ip() == peer => {
                // An IPv4 pseudo-header holds the length in 16 bits.
                if peer.is_ipv4() && len > u32::from(u16::MAX) {
                    return None;
                }
                Some(checksum::combine(&[addrs, (len >> 16) as u16, len as u16]))
            }
            _ => checksum::pseudo_header(self.local.ip(), peer, IpProtocol::TCP.0, len),
        }
    }

    /// Passive open (RFC 9293 §3.10.1): LISTEN on `local` for one connection.
    pub fn listen(cfg: Config, local: SocketAddr) -> Self {
        let mut c = Connection::new(cfg, local, State::Listen);
        c.passive = true;
        c
    }

    /// Back to LISTEN as if just opened, keeping the counters.
    fn return_to_listen(&mut self) {
        let stats = self.stats;
        *self = Connection::listen(self.cfg, self.local);
        self.stats = stats;
    }

    /// A connection rebuilt from a SYN cookie (RFC 4987 §3.6): `seg` is the
    /// handshake's last ACK, `iss` the cookie. Options other than the MSS the cookie
    /// carries are lost: no window scaling, SACK or timestamps.
    pub(crate) fn from_cookie(
        now: Instant,
        cfg: Config,
        local: SocketAddr,
        remote: SocketAddr,
        iss: SeqNumber,
        seg: &Repr<'_>,
        mss: u16,
    ) -> Self {
        let mut c = Connection::new(cfg, local, State::Established);
        c.set_remote(remote);
        c.iss = iss;
        c.snd_una = iss + 1;
        c.snd_nxt = iss + 1;
        c.snd_max = iss + 1;
        c.snd_buf_seq = iss + 1;
        c.irs = seg.seq_number - 1;
        c.rcv_nxt = seg.seq_number;
        // The cookie's SYN,ACK advertised the buffer, capped at 16 bits.
        let wnd = cfg.recv_capacity().min(usize::from(u16::MAX));
        c.rcv_adv = c.rcv_nxt + wnd;
        c.smss = usize::from(mss.min(cfg.mss)).max(1);
        c.cc.init(c.smss);
        c.snd_wnd = usize::from(seg.window_len);
        c.max_snd_wnd = c.snd_wnd;
        c.snd_wl1 = seg.seq_number;
        c.snd_wl2 = iss + 1;
        c.raise(Event::Connected);
        c.arm_keepalive(now);
        if !seg.payload.is_empty() || seg.flags.contains(Flags::FIN) {
            c.on_text_and_fin(now, seg);
        }
        c
    }

    fn choose_iss(&mut self, now: Instant, remote: SocketAddr) {
        self.iss = self.isn.isn(now, self.local, remote);
        self.snd_una = self.iss;
        self.snd_nxt = self.iss;
        self.snd_max = self.iss;
        self.recover = self.iss;
        self.hystart.end = self.iss;
        self.snd_buf_seq = self.iss + 1;
        if self.cfg.timestamps {
            // RFC 7323 §5.4: a per-connection offset, here the tuple's hash the other
            // way round (no clock part matters: it is only an offset).
            let offset = self.isn.isn(Instant::ZERO, remote, self.local).0;
            self.ts = Some(Timestamps { offset, recent: 0, recent_at: now });
        }
    }

    // ---------------------------------------------------------------- accessors

    /// The settings the connection was made with.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
    /// Turns Nagle's algorithm on or off (RFC 9293 §3.7.4; `TCP_NODELAY`).
    pub fn set_nagle(&mut self, on: bool) {
        self.cfg.nagle = on;
    }
    /// Whether the peer's FIN has arrived in order: once the buffered bytes are
    /// read, the stream has ended.
    pub fn peer_closed(&self) -> bool {
        self.fin_received
    }
    /// The state.
    pub fn state(&self) -> State {
        self.state
    }
    /// The local address.
    pub fn local(&self) -> SocketAddr {
        self.local
    }
    /// The peer's address, once known.
    pub fn remote(&self) -> Option<SocketAddr> {
        self.remote
    }
    /// Why the connection was lost, once it was (then it is CLOSED for good).
    pub fn error(&self) -> Option<ConnectionError> {
        self.error
    }
    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }
    /// The smoothed RTT, once measured.
    pub fn srtt(&self) -> Option<Duration> {
        self.rtt.srtt()
    }
    /// The current retransmission timeout.
    pub fn rto(&self) -> Duration {
        self.rtt.rto()
    }
    /// The congestion window in bytes.
    pub fn cwnd(&self) -> usize {
        self.cc.window()
    }
    /// The slow start threshold in bytes.
    pub fn ssthresh(&self) -> usize {
        self.cc.ssthresh()
    }
    /// Bytes sent and not yet acknowledged.
    pub fn bytes_in_flight(&self) -> usize {
        self.snd_nxt.offset_from(self.snd_una) as usize
    }
    /// The effective send MSS (payload bytes of a full segment).
    pub fn send_mss(&self) -> usize {
        self.smss
    }
    /// The peer's window in bytes.
    pub fn send_window(&self) -> usize {
        self.snd_wnd
    }
    /// Whether loss recovery is in progress.
    pub fn in_recovery(&self) -> bool {
        self.recovery.is_some()
    }
    /// SND.UNA, SND.NXT and RCV.NXT.
    pub fn sequence(&self) -> (SeqNumber, SeqNumber, SeqNumber) {
        (self.snd_una, self.snd_nxt, self.rcv_nxt)
    }
    /// Room in the send buffer.
    pub fn send_capacity(&self) -> usize {
        self.send_buf.free()
    }
    /// In-order bytes ready to read.
    pub fn recv_available(&self) -> usize {
        self.recv_buf.readable()
    }
    /// Whether SACK was negotiated.
    pub fn sack_enabled(&self) -> bool {
        self.sack_ok
    }
    /// Whether ECN (RFC 3168) was negotiated.
    pub fn ecn_enabled(&self) -> bool {
        self.ecn.on
    }
    /// Whether timestamps were negotiated.
    pub fn timestamps_enabled(&self) -> bool {
        self.ts.is_some() && self.state != State::Listen
    }
    /// The window shifts (this end's, the peer's) in use.
    pub fn window_scales(&self) -> (u8, u8) {
        (self.rcv_wscale, self.snd_wscale)
    }

    /// Checks the invariants the machine keeps, for tests and fuzzing: sequence
    /// order (SND.UNA <= SND.NXT <= SND.MAX), buffer bounds, and window accounting.
    ///
    /// # Errors
    /// A description of the first invariant that does not hold.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        if self.state == State::Closed || self.state == State::Listen {
            return Ok(());
        }
        if self.snd_una.gt(self.snd_nxt) {
            return Err("SND.UNA > SND.NXT");
        }
        if self.snd_nxt.gt(self.snd_max) {
            return Err("SND.NXT > SND.MAX");
        }
        if self.send_buf.len() > self.send_buf.capacity() {
            return Err("send buffer over capacity");
        }
        if self.recv_buf.readable() > self.recv_buf.capacity() {
            return Err("receive buffer over capacity");
        }
        // Everything in flight is data in the buffer, the SYN or the FIN.
        let data_end = self.snd_buf_seq + self.send_buf.len();
        let limit = data_end + usize::from(self.fin_queued);
        if self.snd_max.gt(limit) {
            return Err("SND.MAX past the data, SYN and FIN");
        }
        if self.snd_una.gt(self.snd_buf_seq + usize::from(self.fin_queued)) {
            return Err("acknowledged data still buffered");
        }
        if self.state.is_synchronized() || self.state == State::SynReceived {
            // The advertised right edge never moves left (RFC 9293 §3.8.6.2.1) and
            // never promises more than the buffer holds.
            let edge = self.rcv_nxt + self.recv_buf.window();
            if self.rcv_adv.gt(edge) {
                return Err("advertised window past the receive buffer");
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- events

    fn raise(&mut self, e: Event) {
        self.events.raise(e);
    }

    /// The next event, oldest first; each kind waits at most once (see [`Event`]).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// CLOSED: every timer stops, nothing more is owed but a reset, and the user
    /// hears `event`.
    fn enter_closed(&mut self, event: Event) {
        self.state = State::Closed;
        self.timers.clear_all();
        self.syn_due = false;
        self.ack_now = false;
        self.probe_due = false;
        self.keepalive_due = false;
        self.recovery = None;
        self.raise(event);
    }

    /// CLOSED because the connection was lost: `e` is kept for every later call.
    fn lose(&mut self, e: ConnectionError) {
        self.error = Some(e);
        self.enter_closed(Event::Lost(e));
    }

    // ---------------------------------------------------------------- user calls

    /// The error every user call returns once the connection was lost.
    fn lost(&self) -> Result<(), CallError> {
        self.error.map_or(Ok(()), |e| Err(CallError::Lost(e)))
    }

    /// Queues bytes to send (RFC 9293 §3.10.2); returns how many fit in the send
    /// buffer (0 when it is full: wait for [`Event::Writable`]).
    ///
    /// # Errors
    /// `Closing` after [`close`](Self::close) or once the peer can no longer take data;
    /// `NotConnected` when CLOSED or LISTEN; `Lost` after the connection was lost.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, CallError> {
        self.lost()?;
        match self.state {
            State::Closed | State::Listen => Err(CallError::NotConnected),
            _ if self.fin_queued => Err(CallError::Closing),
            State::SynSent | State::SynReceived | State::Established | State::CloseWait => {
                Ok(self.send_buf.push(data))
            }
            _ => Err(CallError::Closing),
        }
    }

    /// [`send`](Self::send), marking the bytes as urgent (RFC 9293 §3.8.5): every
    /// segment sent until the peer has acknowledged them carries URG and the
    /// urgent pointer, the sequence number just after them. (RFC 9293 §3.8.5:
    /// new applications should not use urgent data; it is here for the peers
    /// that do.)
    ///
    /// # Errors
    /// As for [`send`](Self::send).
    pub fn send_urgent(&mut self, data: &[u8]) -> Result<usize, CallError> {
        let n = self.send(data)?;
        if n > 0 {
            self.snd_up = Some(self.snd_buf_seq + self.send_buf.len());
        }
        Ok(n)
    }

    /// How many of the bytes not read yet are urgent (the peer's urgent pointer
    /// less the read position; RFC 9293 §3.8.5 MUST-33). Some of them may not
    /// have arrived yet.
    pub fn urgent_remaining(&self) -> usize {
        let read_at = self.rcv_nxt - self.recv_buf.readable();
        match self.rcv_up {
            Some(up) if up.gt(read_at) => up.offset_from(read_at) as usize,
            _ => 0,
        }
    }

    /// Reads received in-order bytes into `out` (RFC 9293 §3.10.3) and returns how
    /// many; `Ok(0)` when none are buffered (after [`Event::PeerClosed`], the
    /// stream has ended).
    ///
    /// # Errors
    /// `Lost` once the connection was lost (bytes still buffered then are not
    /// handed out).
    pub fn recv(&mut self, out: &mut [u8]) -> Result<usize, CallError> {
        self.lost()?;
        let before = self.advertisable_edge();
        let n = self.recv_buf.read(out);
        self.after_read(before, n);
        Ok(n)
    }

    /// Reads in place: `f` sees the unread bytes that lie in one piece in the
    /// receive buffer (all of them, or those up to where the ring wraps) and
    /// returns how many it consumed. No copy; call again for the rest.
    ///
    /// # Errors
    /// As for [`recv`](Self::recv); `f` is not called then.
    ///
    /// ```
    /// # use wirestate_tcp_conn::{Config, Connection, IsnKey};
    /// # let cfg = Config::new(IsnKey::new([7; 16]));
    /// # let mut c = Connection::listen(cfg, "10.0.0.1:80".parse().unwrap());
    /// let mut total = 0;
    /// while c.recv_with(|bytes| { total += bytes.len(); bytes.len() })? > 0 {}
    /// # Ok::<(), wirestate_tcp_conn::CallError>(())
    /// ```
    pub fn recv_with(&mut self, f: impl FnOnce(&[u8]) -> usize) -> Result<usize, CallError> {
        self.lost()?;
        let before = self.advertisable_edge();
        let view = self.recv_buf.contiguous();
        let n = f(view).min(view.len());
        self.recv_buf.consume(n);
        self.after_read(before, n);
        Ok(n)
    }

    fn after_read(&mut self, before: SeqNumber, n: usize) {
        if self.urgent_remaining() == 0 {
            // All urgent data read: urgent mode ends (and a stale pointer can
            // never look ahead again after the sequence space wraps).
            self.rcv_up = None;
        }
        if n > 0 && self.state.is_synchronized() {
            // A window update when reading opened the window enough (RFC 9293
            // §3.8.6.2.2: by min(buffer / 2, SMSS) past what was advertised).
            let after = self.advertisable_edge();
            let grown = after.offset_from(self.rcv_adv) as usize;
            if after.gt(before) && grown >= self.sws_threshold() && !self.fin_received {
                self.ack_now = true;
            }
        }
    }

    /// Closes the sending side only (RFC 9293 §3.10.4, the socket API's
    /// `shutdown(SHUT_WR)`): FIN follows the buffered data, and reading goes on
    /// until the peer closes too. In LISTEN and SYN-SENT the connection is simply
    /// deleted ([`Event::Closed`]); once this end has closed, closing again does
    /// nothing.
    ///
    /// # Errors
    /// `NotConnected` when already CLOSED; `Lost` after the connection was lost.
    pub fn shutdown(&mut self) -> Result<(), CallError> {
        self.lost()?;
        match self.state {
            State::Closed => return Err(CallError::NotConnected),
            State::Listen | State::SynSent => self.enter_closed(Event::Closed),
            // RFC 9293 §3.10.4: in SYN-RECEIVED the FIN waits for ESTABLISHED.
            State::SynReceived => self.fin_queued = true,
            State::Established => {
                self.fin_queued = true;
                self.state = State::FinWait1;
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.state = State::LastAck;
            }
            _ => {}
        }
        Ok(())
    }

    /// Closes the connection for good (RFC 9293 §3.10.4 CLOSE, as the socket
    /// API's `close`): the user will neither send nor read any more. What the
    /// peer sees says whether data was lost (RFC 1122 §4.2.2.13, RFC 9293
    /// §3.6.1): with no unread data this is [`shutdown`](Self::shutdown), a FIN
    /// after the buffered data, and data the peer sends afterwards is answered
    /// with RST; with received data still unread, the connection is reset
    /// at once, as [`abort`](Self::abort) does.
    ///
    /// ```
    /// # use wirestate_tcp_conn::{Close, Config, Connection, IsnKey};
    /// # use wirestate_wire::Instant;
    /// let cfg = Config::new(IsnKey::new([9; 16]));
    /// let mut c = Connection::connect(Instant::ZERO, cfg, "10.0.0.1:4000".parse().unwrap(), "10.0.0.2:80".parse().unwrap());
    /// assert_eq!(c.close(), Ok(Close::Fin)); // SYN-SENT: deleted, nothing lost
    /// assert!(c.close().is_err()); // CLOSED now
    /// ```
    ///
    /// # Errors
    /// `NotConnected` when already CLOSED; `Lost` after the connection was lost.
    pub fn close(&mut self) -> Result<Close, CallError> {
        self.lost()?;
        let unread = self.recv_buf.readable();
        if unread > 0 && self.state != State::Closed {
            self.abort();
            return Ok(Close::Reset { unread });
        }
        self.shutdown()?;
        self.read_closed = true;
        Ok(Close::Fin)
    }

    /// Aborts (RFC 9293 §3.10.5): a reset goes to the peer when the connection was
    /// synchronized or had received a SYN; buffers are dropped; CLOSED, with
    /// [`Event::Closed`]. Never fails.
    pub fn abort(&mut self) {
        if matches!(
            self.state,
            State::SynReceived
                | State::Established
                | State::FinWait1
                | State::FinWait2
                | State::CloseWait
        ) {
            if let Some(to) = self.remote {
                self.rst = Some(PendingRst { to, seq: self.snd_nxt, ack: None });
            }
        }
        self.enter_closed(Event::Closed);
    }
}
