//! One TCP connection (RFC 9293), sans IO: segments, timeouts and user calls in;
//! segments, deadlines and events out.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber, HEADER_LEN};
use wirestate_wire::{checksum, Error, Instant, IpProtocol};

use crate::buffer::{RecvBuffer, SendBuffer};
use crate::cc::{CongestionControl, Controller};
use crate::config::Config;
use crate::isn::IsnGenerator;
use crate::rtt::{RttEstimator, RttTimer};
use crate::scoreboard::{Scoreboard, DUP_THRESH};

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

/// What a connection tells its user. [`Connection::poll_event`] hands each out
/// once; an event raised again before it is polled is reported once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The handshake completed (ESTABLISHED).
    Connected,
    /// New in-order bytes can be read.
    Readable,
    /// Send buffer space was freed.
    Writable,
    /// The peer sent FIN: no more bytes will arrive after those buffered.
    PeerClosed,
    /// The connection ended normally (CLOSED after the close handshake and
    /// TIME-WAIT, or after an abort by this end).
    Closed,
    /// The peer reset the connection.
    Reset,
    /// The connection was given up: the handshake, retransmissions, the user
    /// timeout or keepalives ran out.
    TimedOut,
    /// The peer's urgent pointer moved ahead of what was read (RFC 9293 §3.8.5):
    /// [`Connection::urgent_remaining`] says how much of the unread data is
    /// urgent. The urgent bytes are read in line, as ordinary data.
    Urgent,
}

const EVENTS: [Event; 8] = [
    Event::Connected,
    Event::Readable,
    Event::Writable,
    Event::PeerClosed,
    Event::Reset,
    Event::TimedOut,
    Event::Closed,
    Event::Urgent,
];

fn event_bit(e: Event) -> u8 {
    1 << EVENTS.iter().position(|&x| x == e).unwrap_or(0)
}

/// A segment [`Connection::poll_transmit`] wrote: `buf[..len]` is the TCP segment,
/// checksum filled for the pseudo-header of `local` to `remote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Bytes written at the start of the buffer.
    pub len: usize,
    /// Source address and port.
    pub local: SocketAddr,
    /// Destination address and port.
    pub remote: SocketAddr,
}

/// Why a user call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallError {
    /// The connection cannot take data any more: this end closed, or the
    /// connection is not open (RFC 9293 §3.10.2, "connection closing").
    Closing,
    /// The connection does not exist any more (CLOSED).
    NotConnected,
}

/// Counters a user can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Segments written by `poll_transmit`.
    pub segments_sent: u64,
    /// Segments handed to `handle_segment`.
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
}

/// A reset to send: RFC 9293 §3.10.7.1's two forms.
#[derive(Debug, Clone, Copy)]
struct PendingRst {
    to: SocketAddr,
    seq: SeqNumber,
    ack: Option<SeqNumber>,
}

/// Loss recovery in progress (RFC 6582 §3.2, RFC 6675 §5).
#[derive(Debug, Clone, Copy)]
struct Recovery {
    /// "recover": SND.MAX when recovery began; an ACK past it ends recovery.
    recover: SeqNumber,
    /// RFC 6675 HighRxt: the end of what was sent again.
    high_rxt: SeqNumber,
    /// NewReno's window inflation: one SMSS per duplicate ACK (RFC 6582 §3.2 step 4).
    inflation: usize,
    /// Send the segment at SND.UNA again before anything else.
    resend_una: bool,
    /// SND.MAX when the latest retransmission left: data above it was sent later.
    rxt_mark: SeqNumber,
}

/// RFC 9406 state: the current round's end and least RTT, the last round's,
/// the samples this round, and whether the first slow start is over.
#[derive(Debug, Clone, Copy, Default)]
struct HyStart {
    end: SeqNumber,
    current_min: Option<Duration>,
    last_min: Option<Duration>,
    samples: u32,
    done: bool,
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

/// One TCP connection: the state of RFC 9293 §3.3.2 and everything it carries.
///
/// Inputs are [`handle_segment`](Self::handle_segment),
/// [`handle_timeout`](Self::handle_timeout) and the user calls ([`send`](Self::send),
/// [`recv`](Self::recv), [`close`](Self::close), [`abort`](Self::abort)); outputs are
/// [`poll_transmit`](Self::poll_transmit) (call until `None` after every input),
/// [`poll_timeout`](Self::poll_timeout) and [`poll_event`](Self::poll_event). Time is
/// always passed in.
///
/// ```
/// use core::net::SocketAddr;
/// use wirestate_tcp::{Repr, Segment};
/// use wirestate_tcp_conn::{Config, Connection, Event, State};
/// use wirestate_wire::Instant;
///
/// let (a, b): (SocketAddr, SocketAddr) = ("10.0.0.1:40000".parse().unwrap(), "10.0.0.2:80".parse().unwrap());
/// let now = Instant::ZERO;
/// let mut client = Connection::connect(now, Config::default(), a, b);
/// let mut server = Connection::listen(Config::default(), b);
/// let mut buf = [0u8; 2000];
/// // Carry segments both ways until both are quiet.
/// for _ in 0..4 {
///     while let Some(t) = client.poll_transmit(now, &mut buf) {
///         let seg = Segment::new_checked(&buf[..t.len]).unwrap();
///         server.handle_segment(now, a.ip(), &Repr::parse(&seg).unwrap());
///     }
///     while let Some(t) = server.poll_transmit(now, &mut buf) {
///         let seg = Segment::new_checked(&buf[..t.len]).unwrap();
///         client.handle_segment(now, b.ip(), &Repr::parse(&seg).unwrap());
///     }
/// }
/// assert_eq!((client.state(), server.state()), (State::Established, State::Established));
/// assert_eq!(client.poll_event(), Some(Event::Connected));
/// ```
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
    /// The newest out-of-order block received, reported first (RFC 2018 §4).
    last_ooo: Option<(SeqNumber, SeqNumber)>,

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
    rto_at: Option<Instant>,
    delack_at: Option<Instant>,
    persist_at: Option<Instant>,
    time_wait_at: Option<Instant>,
    keepalive_at: Option<Instant>,
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

    events: u8,
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
            last_ooo: None,
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
            rto_at: None,
            delack_at: None,
            persist_at: None,
            time_wait_at: None,
            keepalive_at: None,
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
            events: 0,
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
        self.events |= event_bit(e);
    }

    /// The next event, each kind once until raised again.
    pub fn poll_event(&mut self) -> Option<Event> {
        let e = EVENTS.into_iter().find(|&e| self.events & event_bit(e) != 0)?;
        self.events &= !event_bit(e);
        Some(e)
    }

    // ---------------------------------------------------------------- user calls

    /// Queues bytes to send (RFC 9293 §3.10.2); returns how many fit in the send
    /// buffer (0 when it is full: wait for [`Event::Writable`]).
    ///
    /// # Errors
    /// `Closing` after [`close`](Self::close) or once the peer can no longer take data;
    /// `NotConnected` when CLOSED.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, CallError> {
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

    /// Reads received in-order bytes (RFC 9293 §3.10.3); 0 when none are buffered
    /// (after [`Event::PeerClosed`], 0 means the stream has ended).
    pub fn recv(&mut self, out: &mut [u8]) -> usize {
        let before = self.advertisable_edge();
        let n = self.recv_buf.read(out);
        self.after_read(before, n);
        n
    }

    /// Reads in place: `f` sees the unread bytes that lie in one piece in the
    /// receive buffer (all of them, or those up to where the ring wraps) and
    /// returns how many it consumed. No copy; call again for the rest.
    ///
    /// ```
    /// # use wirestate_tcp_conn::{Config, Connection};
    /// # let mut c = Connection::listen(Config::default(), "10.0.0.1:80".parse().unwrap());
    /// let mut total = 0;
    /// while c.recv_with(|bytes| { total += bytes.len(); bytes.len() }) > 0 {}
    /// ```
    pub fn recv_with(&mut self, f: impl FnOnce(&[u8]) -> usize) -> usize {
        let before = self.advertisable_edge();
        let view = self.recv_buf.contiguous();
        let n = f(view).min(view.len());
        self.recv_buf.consume(n);
        self.after_read(before, n);
        n
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

    /// Closes this end's side (RFC 9293 §3.10.4): FIN follows the buffered data.
    /// Reading goes on until the peer closes too.
    pub fn close(&mut self) {
        match self.state {
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
    }

    /// Aborts (RFC 9293 §3.10.5): a reset goes to the peer when the connection was
    /// synchronized or had received a SYN; buffers are dropped; CLOSED.
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

    fn enter_closed(&mut self, event: Event) {
        self.state = State::Closed;
        self.rto_at = None;
        self.delack_at = None;
        self.persist_at = None;
        self.time_wait_at = None;
        self.keepalive_at = None;
        self.syn_due = false;
        self.ack_now = false;
        self.probe_due = false;
        self.keepalive_due = false;
        self.recovery = None;
        self.raise(event);
    }

    fn enter_time_wait(&mut self, now: Instant) {
        self.state = State::TimeWait;
        self.rto_at = None;
        self.persist_at = None;
        self.keepalive_at = None;
        self.recovery = None;
        self.time_wait_at = Some(now + self.cfg.time_wait);
    }

    // ---------------------------------------------------------------- timers

    /// The earliest deadline, if any: call [`handle_timeout`](Self::handle_timeout)
    /// then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.rto_at, self.delack_at, self.persist_at, self.time_wait_at, self.keepalive_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.time_wait_at.is_some_and(|t| t <= now) {
            // RFC 9293 §3.10.8: TIME-WAIT timeout, delete the TCB.
            self.time_wait_at = None;
            self.enter_closed(Event::Closed);
            return;
        }
        if self.delack_at.is_some_and(|t| t <= now) {
            self.delack_at = None;
            self.ack_now = true;
        }
        if self.rto_at.is_some_and(|t| t <= now) {
            self.rto_at = None;
            self.on_rto(now);
        }
        if self.persist_at.is_some_and(|t| t <= now) {
            self.persist_at = None;
            // RFC 9293 §3.8.6.1: never give up while the peer answers the probes;
            // only when `max_retransmits` of them in a row go unanswered.
            self.probes_unanswered += 1;
            if self.probes_unanswered > self.cfg.max_retransmits {
                self.enter_closed(Event::TimedOut);
                return;
            }
            self.probe_due = true;
            self.persist_backoff = self.persist_backoff.saturating_add(1);
        }
        if self.keepalive_at.is_some_and(|t| t <= now) {
            self.keepalive_at = None;
            if let Some(ka) = self.cfg.keepalive {
                if self.keepalive_sent >= ka.probes {
                    self.enter_closed(Event::TimedOut);
                    return;
                }
                self.keepalive_sent += 1;
                self.keepalive_due = true;
                self.keepalive_at = Some(now + ka.interval);
            }
        }
    }

    fn user_timed_out(&self, now: Instant) -> bool {
        self.unacked_since.is_some_and(|t| now - t >= self.cfg.user_timeout)
    }

    /// RFC 6298 §5.4-5.6 and RFC 5681 §3.1: the retransmission timer expired.
    fn on_rto(&mut self, now: Instant) {
        self.backoffs += 1;
        if self.backoffs > self.cfg.max_retransmits || self.user_timed_out(now) {
            self.enter_closed(Event::TimedOut);
            return;
        }
        self.stats.timeouts += 1;
        self.rtt.on_timeout();
        self.rtt_timer.on_retransmit();
        match self.state {
            State::SynSent | State::SynReceived => self.syn_due = true,
            State::Closed | State::Listen | State::TimeWait => {}
            _ => {
                let flight = self.bytes_in_flight();
                self.cc.on_timeout(now, flight);
                self.hystart.done = true;
                // RFC 6582 §3.2: after a timeout, duplicate ACKs for what is sent
                // again must not start a fast retransmit.
                self.recover = self.snd_max;
                // Go back to SND.UNA. The resending skips what the peer SACKed, so
                // one timeout does not resend a whole window the peer holds; a second
                // timeout in a row forgets SACK information (RFC 2018 §8: the
                // receiver may have reneged), so a reneging peer still gets all.
                self.snd_nxt = self.snd_una;
                if self.backoffs > 1 {
                    self.scoreboard.clear();
                }
                self.recovery = None;
                self.dup_acks = 0;
                if self.snd_wnd == 0 {
                    // Nothing may be sent: the persist timer probes instead.
                    self.backoffs = 0;
                    self.arm_persist(now);
                    return;
                }
            }
        }
        self.rto_at = Some(now + self.rtt.rto());
    }

    fn arm_rto(&mut self, now: Instant) {
        self.rto_at = Some(now + self.rtt.rto());
    }

    fn arm_keepalive(&mut self, now: Instant) {
        if let Some(ka) = self.cfg.keepalive {
            if self.state.is_synchronized() && self.state != State::TimeWait {
                self.keepalive_at = Some(now + ka.idle);
                self.keepalive_sent = 0;
            }
        }
    }

    // ---------------------------------------------------------------- receiving

    /// Handles a segment from `remote_ip` (the caller parsed it, checked its checksum
    /// and found this connection by its 4-tuple, or this listener by its port).
    pub fn handle_segment(&mut self, now: Instant, remote_ip: IpAddr, seg: &Repr<'_>) {
        self.stats.segments_received += 1;
        let from = SocketAddr::new(remote_ip, seg.src_port);
        match self.state {
            State::Closed => {
                // RFC 9293 §3.10.7.1.
                self.rst = reset_for(seg).map(|(seq, ack)| PendingRst { to: from, seq, ack });
            }
            State::Listen => self.on_listen(now, remote_ip, seg),
            State::SynSent => self.on_syn_sent(now, seg),
            _ => {
                if !self.predicted(now, seg) {
                    self.on_synchronized(now, seg);
                }
            }
        }
    }

    /// Header prediction (Jacobson's, as BSD and Linux have it): the next
    /// in-order data segment of an established connection, acknowledging
    /// nothing new, in an unchanged window, with nothing out of order on either
    /// side, is handled here in a few comparisons. It does exactly what
    /// [`on_synchronized`](Self::on_synchronized) would do with it (a test runs
    /// both on the same segments); anything else returns `false` for the full
    /// path.
    fn predicted(&mut self, now: Instant, seg: &Repr<'_>) -> bool {
        let Some(fast) = Fast::from_repr(seg) else { return false };
        if !self.predictable(&fast) {
            return false;
        }
        let n = self.recv_buf.write(0, fast.payload);
        self.take_predicted(now, &fast, n);
        true
    }

    /// Whether [`predicted`](Self::predicted) takes the segment.
    #[inline]
    fn predictable(&self, seg: &Fast<'_>) -> bool {
        let unusual = Flags::SYN | Flags::FIN | Flags::RST | Flags::URG;
        let len = seg.payload.len();
        if self.state != State::Established
            || seg.flags.intersects(unusual)
            || seg.ack != self.snd_una
            || seg.seq != self.rcv_nxt
            || len == 0
            || len > self.rcv_wnd() as usize
            || self.snd_wnd == 0
            || (usize::from(seg.window) << self.snd_wscale) != self.snd_wnd
            || self.recovery.is_some()
            || self.pending_fin.is_some()
            || self.last_ooo.is_some()
            || !self.recv_buf.ooo.is_empty()
            || self.persist_at.is_some()
            || self.probe_due
            || self.persist_backoff != 0
        {
            return false;
        }
        // RFC 7323 §5.3 PAWS passes.
        match (self.ts, seg.tsval) {
            (None, _) => true,
            (Some(ts), Some(tsval)) => (tsval.wrapping_sub(ts.recent) as i32) >= 0,
            (Some(_), None) => false,
        }
    }

    /// The effects of a predicted segment whose `n` payload bytes are now in the
    /// receive buffer at RCV.NXT.
    #[inline]
    fn take_predicted(&mut self, now: Instant, seg: &Fast<'_>, n: usize) {
        // RFC 7323 §4.3: TS.Recent follows a segment that covers the last ACK sent.
        if let (Some(mut ts), Some(tsval)) = (self.ts, seg.tsval) {
            if seg.seq.le(self.last_ack_sent) {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
        }
        // The ACK: nothing new, but the window's sequence bookkeeping still moves
        // (RFC 9293 §3.10.7.4), and the peer is answering.
        let ack = self.snd_una;
        self.probes_unanswered = 0;
        if self.snd_wl1.lt(seg.seq) || (self.snd_wl1 == seg.seq && self.snd_wl2.le(ack)) {
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = ack;
        }
        if self.keepalive_sent > 0 || self.keepalive_at.is_some() {
            self.arm_keepalive(now);
        }
        // The text, already in the buffer at RCV.NXT.
        self.rcv_nxt += n;
        self.stats.bytes_received += n as u64;
        self.unacked_bytes += n;
        self.raise(Event::Readable);
        self.schedule_ack(now);
    }

    /// Takes one TCP segment as it came off the wire (the IP payload, from
    /// `remote_ip` to this connection's address): checks it, verifies its
    /// checksum, and handles it as [`handle_segment`](Self::handle_segment) does.
    /// For the next in-order segment the checksum is summed as the payload is
    /// copied into the receive buffer, and the bytes become readable only once
    /// it verifies, so the payload is read once instead of twice.
    ///
    /// # Errors
    /// Those of [`Segment::new_checked`] and [`Repr::parse`]; `Checksum`
    /// "checksum" at 16 when the checksum does not verify (`Unsupported` when
    /// `remote_ip` is of the other family than this end); `Malformed` "segment"
    /// when it is longer than an IPv4 datagram can carry. The connection does not
    /// change when there is an error.
    ///
    /// ```
    /// use wirestate_tcp_conn::{Config, Connection};
    /// use wirestate_wire::{Error, Instant};
    /// let mut server = Connection::listen(Config::default(), "10.0.0.2:80".parse().unwrap());
    /// let now = Instant::from_millis(1);
    /// // A SYN whose checksum was never filled in.
    /// let mut syn = vec![0u8; 20];
    /// syn[..4].copy_from_slice(&[0x9c, 0x40, 0, 80]);
    /// syn[12] = 5 << 4;
    /// syn[13] = 0x02;
    /// let err = server.receive(now, "10.0.0.1".parse().unwrap(), &syn).unwrap_err();
    /// assert!(matches!(err, Error::Checksum { field: "checksum", offset: 16, .. }));
    /// ```
    pub fn receive(&mut self, now: Instant, remote_ip: IpAddr, bytes: &[u8]) -> Result<(), Error> {
        let seg = Segment::new_checked(bytes)?;
        let local_ip = self.local.ip();
        let Some(pseudo) = self.pseudo_sum(remote_ip, bytes.len()) else {
            if remote_ip.is_ipv4() != local_ip.is_ipv4() {
                return Err(Error::unsupported("checksum", wirestate_tcp::field::CHECKSUM, 0));
            }
            // The pseudo-header's length field cannot hold it (65535 octets for IPv4).
            return Err(Error::malformed("segment", 0, "longer than its IP datagram can carry"));
        };
        let header = bytes.get(..seg.header_len()).unwrap_or_default();
        let head_sum = checksum::combine(&[pseudo, checksum::sum(header)]);
        // Header prediction straight from the wire: no repr is built.
        if let Some(fast) = Fast::from_view(&seg).filter(|f| self.predictable(f)) {
            if let Some(payload_sum) = self.recv_buf.stage_in_order(fast.payload) {
                if checksum::combine(&[head_sum, payload_sum]) != 0xffff {
                    return Err(seg.checksum_error(remote_ip, local_ip));
                }
                self.stats.segments_received += 1;
                let n = self.recv_buf.commit_staged(fast.payload.len());
                self.take_predicted(now, &fast, n);
                return Ok(());
            }
        }
        let parsed = Repr::parse(&seg);
        let repr = match &parsed {
            Ok(repr) => repr,
            Err(e) => return Err(*e),
        };
        let payload_sum = checksum::sum(seg.payload());
        if checksum::combine(&[head_sum, payload_sum]) != 0xffff {
            return Err(seg.checksum_error(remote_ip, local_ip));
        }
        self.handle_segment(now, remote_ip, repr);
        Ok(())
    }

    /// RFC 9293 §3.10.7.2.
    fn on_listen(&mut self, now: Instant, remote_ip: IpAddr, seg: &Repr<'_>) {
        if seg.flags.contains(Flags::RST) {
            return; // first: ignore a RST
        }
        if let Some(ack) = seg.ack_number {
            // second: an ACK is bad: <SEQ=SEG.ACK><CTL=RST>.
            let to = SocketAddr::new(remote_ip, seg.src_port);
            self.rst = Some(PendingRst { to, seq: ack, ack: None });
            return;
        }
        if !seg.flags.contains(Flags::SYN) {
            return; // fourth: other text or control, drop
        }
        // third: a SYN.
        let remote = SocketAddr::new(remote_ip, seg.src_port);
        self.set_remote(remote);
        self.choose_iss(now, remote);
        self.irs = seg.seq_number;
        self.rcv_nxt = seg.seq_number + 1;
        self.rcv_adv = self.rcv_nxt;
        self.negotiate(now, seg);
        self.snd_wnd = usize::from(seg.window_len); // never scaled in a SYN
        self.max_snd_wnd = self.snd_wnd;
        self.state = State::SynReceived;
        self.syn_due = true;
        self.unacked_since = Some(now);
        // Segment text in a SYN is not accepted here: the peer sends it again.
    }

    /// Reads the options of the peer's SYN (RFC 9293 §3.7.1, RFC 7323 §1.3, RFC 2018
    /// §2): what this end offered and the peer offered too is on.
    fn negotiate(&mut self, now: Instant, seg: &Repr<'_>) {
        let peer_mss = seg.max_seg_size.map_or_else(
            || default_mss(self.remote.map_or(self.local.ip(), |r| r.ip())),
            usize::from,
        );
        if self.cfg.window_scaling {
            if let Some(shift) = seg.window_scale {
                self.rcv_wscale = self.cfg.window_shift();
                // RFC 7323 §2.3: a shift above 14 is taken as 14.
                self.snd_wscale = shift.min(14);
                self.wscale_ok = true;
            }
        }
        self.sack_ok = self.cfg.sack && seg.sack_permitted;
        match (self.ts, seg.timestamps) {
            (Some(mut ts), Some((tsval, _))) => {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
            _ => self.ts = None,
        }
        let ts_len = if self.ts.is_some() { TS_LEN } else { 0 };
        self.smss = peer_mss.min(usize::from(self.cfg.mss)).saturating_sub(ts_len).max(1);
        self.cc.init(self.smss);
    }

    /// RFC 9293 §3.10.7.3.
    fn on_syn_sent(&mut self, now: Instant, seg: &Repr<'_>) {
        // first: the ACK.
        if let Some(ack) = seg.ack_number {
            if ack.le(self.iss) || ack.gt(self.snd_max) {
                if let Some(to) = self.remote.filter(|_| !seg.flags.contains(Flags::RST)) {
                    self.rst = Some(PendingRst { to, seq: ack, ack: None });
                }
                return;
            }
        }
        let ack_ok = seg.ack_number.is_some();
        // second: RST. Acceptable only if it acknowledges the SYN (RFC 5961 §3.2 leaves
        // SYN-SENT to RFC 9293's rule).
        if seg.flags.contains(Flags::RST) {
            if ack_ok {
                self.enter_closed(Event::Reset);
            }
            return;
        }
        // fourth: SYN.
        if !seg.flags.contains(Flags::SYN) {
            return;
        }
        self.irs = seg.seq_number;
        self.rcv_nxt = seg.seq_number + 1;
        self.rcv_adv = self.rcv_nxt;
        self.negotiate(now, seg);
        if let Some(ack) = seg.ack_number {
            // Our SYN is acknowledged: ESTABLISHED.
            self.snd_una = ack;
            self.snd_nxt = self.snd_nxt.max(ack);
            self.rtt_timer_sample(now, seg, ack);
            self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
            self.max_snd_wnd = self.snd_wnd;
            self.snd_wl1 = seg.seq_number;
            self.snd_wl2 = ack;
            self.state = State::Established;
            self.syn_due = false;
            self.rto_at = None;
            self.backoffs = 0;
            self.unacked_since = None;
            self.ack_now = true;
            self.raise(Event::Connected);
            self.arm_keepalive(now);
            // Data or FIN in the SYN-ACK: RFC 9293 §3.10.7.3 continues at the sixth
            // step; this end processes them as in ESTABLISHED.
            if !seg.payload.is_empty() || seg.flags.contains(Flags::FIN) {
                self.on_text_and_fin(now, seg);
            }
        } else {
            // Simultaneous open: SYN-RECEIVED, send SYN,ACK with our ISS.
            self.state = State::SynReceived;
            self.snd_wnd = usize::from(seg.window_len);
            self.max_snd_wnd = self.snd_wnd;
            self.snd_nxt = self.iss;
            self.syn_due = true;
        }
    }

    /// An RTT sample from a timed segment or the echoed timestamp; true if taken.
    fn rtt_timer_sample(
        &mut self,
        now: Instant,
        seg: &Repr<'_>,
        ack: SeqNumber,
    ) -> Option<Duration> {
        let from_ts = match (self.ts, seg.timestamps) {
            // RFC 7323 §4.1: RTT from TSecr, for ACKs that advance the left edge.
            (Some(ts), Some((_, tsecr))) if tsecr != 0 => {
                let elapsed = ms_clock(now).wrapping_add(ts.offset).wrapping_sub(tsecr);
                (elapsed < 1 << 30).then(|| Duration::from_millis(u64::from(elapsed)))
            }
            _ => None,
        };
        let timed = self.rtt_timer.on_ack(ack, now);
        let sample = from_ts.or(timed)?;
        self.rtt.on_sample(sample);
        Some(sample)
    }

    /// RFC 9406 (HyStart++) §4.2: in the first slow start, leave it when a round's
    /// least RTT has grown by eta = clamp(last / 8, 4 ms, 16 ms) over the previous
    /// round's, the sign that the path's queue is filling, instead of overshooting
    /// until it drops a window's worth. Rounds end when SND.UNA passes the SND.MAX
    /// of the round's start. (RFC 9406's conservative slow start that follows is
    /// not implemented: this exits straight to congestion avoidance.)
    fn hystart(&mut self, now: Instant, ack: SeqNumber, sample: Option<Duration>) {
        const MIN_SAMPLES: u32 = 8;
        let mut hs = self.hystart;
        if hs.done || !self.cfg.hystart || self.cc.window() >= self.cc.ssthresh() {
            return;
        }
        if let Some(rtt) = sample {
            hs.samples += 1;
            hs.current_min = Some(hs.current_min.map_or(rtt, |m| m.min(rtt)));
        }
        if ack.ge(hs.end) {
            hs.last_min = hs.current_min.or(hs.last_min);
            hs.current_min = None;
            hs.samples = 0;
            hs.end = self.snd_max;
        } else if hs.samples >= MIN_SAMPLES {
            if let (Some(current), Some(last)) = (hs.current_min, hs.last_min) {
                let eta = (last / 8).clamp(Duration::from_millis(4), Duration::from_millis(16));
                if current >= last + eta {
                    self.cc.exit_slow_start(now);
                    hs.done = true;
                }
            }
        }
        self.hystart = hs;
    }

    /// Sends a challenge ACK (RFC 5961 §3.2, §4.2, §5.2), rate limited (§7).
    fn challenge_ack(&mut self, now: Instant) {
        let (start, count) = self.challenge_window;
        let (start, count) =
            if now - start >= Duration::from_secs(1) { (now, 0) } else { (start, count) };
        if count < self.cfg.challenge_ack_limit {
            self.ack_now = true;
            self.stats.challenge_acks += 1;
            self.challenge_window = (start, count + 1);
        } else {
            self.challenge_window = (start, count);
        }
    }

    /// The window this end advertised last: RCV.WND.
    fn rcv_wnd(&self) -> u32 {
        self.rcv_adv.offset_from(self.rcv_nxt)
    }

    /// RFC 9293 §3.10.7.4, for SYN-RECEIVED and every synchronized state.
    fn on_synchronized(&mut self, now: Instant, seg: &Repr<'_>) {
        let rst = seg.flags.contains(Flags::RST);
        let mut seg_len = seg.segment_len() as u32;
        let mut seq = seg.seq_number;
        let mut syn = seg.flags.contains(Flags::SYN);
        if self.state == State::SynReceived
            && syn
            && !rst
            && seg.ack_number.is_none()
            && seg.seq_number == self.irs
        {
            // The peer's SYN again (our SYN,ACK was lost or is slow): answer it again.
            self.syn_due = true;
            return;
        }
        if syn && seq == self.irs && self.rcv_nxt == self.irs + 1 {
            // The peer's SYN,ACK again (simultaneous open, RFC 9293 §3.5 figure 7):
            // the SYN lies before the window and is trimmed off (§3.10.7.4: "trimming
            // off any portions that lie outside the window (including SYN and FIN)");
            // the rest is processed.
            syn = false;
            seq += 1;
            seg_len -= 1;
        }
        // RFC 7323 §5.3 PAWS, before the sequence check.
        if let (Some(ts), Some((tsval, _))) = (self.ts, seg.timestamps) {
            let older = (tsval.wrapping_sub(ts.recent) as i32) < 0;
            if older && !rst && now - ts.recent_at < PAWS_IDLE {
                self.ack_now = true;
                return;
            }
        }
        // first: sequence number acceptability (the four cases).
        let wnd = self.rcv_wnd();
        let acceptable = match (seg_len, wnd) {
            (0, 0) => seq == self.rcv_nxt,
            (0, w) => seq.in_window(self.rcv_nxt, w),
            (_, 0) => false,
            (l, w) => {
                seq.in_window(self.rcv_nxt, w)
                    || (seq + (l as usize - 1)).in_window(self.rcv_nxt, w)
            }
        };
        if !acceptable {
            // A zero window still takes ACKs, RST and the window in a zero-length
            // segment at RCV.NXT (RFC 9293 §3.10.7.4 note); the test above has them.
            if !rst {
                self.ack_now = true;
                if self.state == State::TimeWait && seg.flags.contains(Flags::FIN) {
                    self.time_wait_at = Some(now + self.cfg.time_wait);
                }
            }
            return;
        }
        // RFC 7323 §4.3: TS.Recent from a segment covering the last ACK sent.
        if let (Some(mut ts), Some((tsval, _))) = (self.ts, seg.timestamps) {
            if seg.seq_number.le(self.last_ack_sent) && (tsval.wrapping_sub(ts.recent) as i32) >= 0
            {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
        }
        // second: RST (RFC 5961 §3.2).
        if rst {
            if seg.seq_number == self.rcv_nxt {
                if self.state == State::SynReceived && self.passive {
                    // RFC 9293 §3.10.7.4: a connection that came from LISTEN
                    // returns to LISTEN; the user need not be informed.
                    self.return_to_listen();
                } else {
                    self.enter_closed(Event::Reset);
                }
            } else {
                self.challenge_ack(now);
            }
            return;
        }
        // fourth: SYN (RFC 5961 §4.2: a challenge ACK in every synchronized state).
        if syn {
            self.challenge_ack(now);
            return;
        }
        // fifth: ACK.
        let Some(ack) = seg.ack_number else { return };
        if self.state == State::SynReceived {
            if ack.gt(self.snd_una) && ack.le(self.snd_max) {
                // RFC 9293: SYN-RECEIVED -> ESTABLISHED.
                self.state = State::Established;
                self.syn_due = false;
                self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
                self.max_snd_wnd = self.snd_wnd;
                self.snd_wl1 = seg.seq_number;
                self.snd_wl2 = ack;
                self.raise(Event::Connected);
                self.arm_keepalive(now);
                if self.fin_queued {
                    // close() was called in SYN-RECEIVED: the FIN is on its way.
                    self.state = State::FinWait1;
                }
            } else {
                if let Some(to) = self.remote {
                    self.rst = Some(PendingRst { to, seq: ack, ack: None });
                }
                return;
            }
        }
        // RFC 5961 §5.2: an ACK outside SND.UNA - MAX.SND.WND ..= SND.NXT is
        // answered with an ACK and dropped.
        let max_wnd = self.max_snd_wnd.min(1 << 30);
        let lowest = self.snd_una - max_wnd;
        if ack.lt(lowest) || ack.gt(self.snd_max) {
            self.challenge_ack(now);
            return;
        }
        self.on_ack(now, seg, ack);
        if self.state == State::Closed {
            return;
        }
        // RFC 9293 §3.10.7.4 fifth step, per state: our FIN acknowledged?
        let fin_acked = self.fin_queued && self.snd_una == self.fin_seq() + 1;
        match self.state {
            State::FinWait1 if fin_acked => self.state = State::FinWait2,
            State::Closing if fin_acked => {
                self.enter_time_wait(now);
                return;
            }
            State::LastAck if fin_acked => {
                self.enter_closed(Event::Closed);
                return;
            }
            State::TimeWait => {
                // Only a retransmitted FIN can arrive: acknowledge it, restart 2 MSL.
                if seg.flags.contains(Flags::FIN) {
                    self.ack_now = true;
                    self.time_wait_at = Some(now + self.cfg.time_wait);
                }
                return;
            }
            _ => {}
        }
        // sixth: URG (RFC 9293 §3.10.7.4), where data can still arrive: RCV.UP
        // moves to the larger pointer, and the user hears of it when it is
        // ahead of what was read. Urgent bytes are read in line.
        if seg.flags.contains(Flags::URG)
            && matches!(self.state, State::Established | State::FinWait1 | State::FinWait2)
        {
            let up = seg.seq_number + usize::from(seg.urgent_at);
            if self.rcv_up.is_none_or(|old| up.gt(old)) {
                self.rcv_up = Some(up);
                if self.urgent_remaining() > 0 {
                    self.raise(Event::Urgent);
                } else {
                    self.rcv_up = None;
                }
            }
        }
        // seventh and eighth: text and FIN.
        self.on_text_and_fin(now, seg);
    }

    /// The sequence number of this end's FIN (when queued).
    fn fin_seq(&self) -> SeqNumber {
        self.snd_buf_seq + self.send_buf.len()
    }

    /// The ACK field of an acceptable segment in a synchronized state.
    fn on_ack(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) {
        let old_wnd = self.snd_wnd;
        self.probes_unanswered = 0;
        if self.snd_wnd == 0 && self.persist_at.is_some() {
            // A zero window the peer keeps answering is progress for the user
            // timeout too (RFC 9293 §3.8.6.1).
            self.unacked_since = self.unacked_since.map(|_| now);
        }
        let mut new_sack = false;
        if self.sack_ok {
            for (l, r) in seg.sack_ranges.iter() {
                // Only blocks inside SND.UNA..SND.MAX mean anything (RFC 2018 §4).
                if l.ge(self.snd_una) && r.le(self.snd_max) && l.lt(r) {
                    new_sack |= self.scoreboard.insert(l, r);
                }
            }
        }
        if ack.gt(self.snd_una) {
            self.on_new_ack(now, seg, ack);
        } else if ack == self.snd_una {
            // In flight: SND.NXT past SND.UNA (a zero-window probe does not count).
            let flight = self.bytes_in_flight() > 0;
            let window = (usize::from(seg.window_len) << self.snd_wscale) == old_wnd;
            let pure = seg.payload.is_empty() && !seg.flags.intersects(Flags::SYN | Flags::FIN);
            // RFC 5681 §2's duplicate ACK; RFC 6675 counts an ACK with new SACK data.
            if flight && pure && (window || new_sack) {
                self.on_dup_ack(now);
            }
        }
        self.detect_lost_retransmission();
        // RFC 9293 §3.10.7.4: window update if the segment is newer.
        if self.snd_wl1.lt(seg.seq_number)
            || (self.snd_wl1 == seg.seq_number && self.snd_wl2.le(ack))
        {
            self.snd_wnd = usize::from(seg.window_len) << self.snd_wscale;
            self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
            self.snd_wl1 = seg.seq_number;
            self.snd_wl2 = ack;
            if self.snd_wnd > 0 {
                self.persist_at = None;
                self.persist_backoff = 0;
                self.probe_due = false;
            }
        }
        if self.keepalive_sent > 0 || self.keepalive_at.is_some() {
            self.arm_keepalive(now);
        }
    }

    fn on_new_ack(&mut self, now: Instant, seg: &Repr<'_>, ack: SeqNumber) {
        let acked = ack.offset_from(self.snd_una) as usize;
        let flight_before = self.snd_max.offset_from(self.snd_una) as usize;
        let sample = self.rtt_timer_sample(now, seg, ack);
        self.hystart(now, ack, sample);
        // Release acknowledged data (the SYN and FIN take a number but no buffer).
        if ack.gt(self.snd_buf_seq) {
            let data = (ack.offset_from(self.snd_buf_seq) as usize).min(self.send_buf.len());
            let was_full = self.send_buf.free() == 0;
            self.send_buf.ack(data);
            self.snd_buf_seq += data;
            if data > 0 && (was_full || self.send_buf.free() >= self.send_buf.capacity() / 2) {
                self.raise(Event::Writable);
            }
        }
        self.snd_una = ack;
        if self.snd_up.is_some_and(|up| ack.ge(up)) {
            self.snd_up = None; // the urgent data is acknowledged: urgent mode ends
        }
        if self.snd_nxt.lt(ack) {
            self.snd_nxt = ack;
        }
        self.scoreboard.prune(ack);
        self.backoffs = 0;
        // Congestion control and recovery (RFC 5681 §3, RFC 6582 §3.2, RFC 6675 §5).
        match self.recovery {
            Some(rec) if ack.ge(rec.recover) => {
                // Full acknowledgment: recovery ends.
                self.recovery = None;
                self.dup_acks = 0;
                let flight = self.bytes_in_flight();
                self.cc.on_recovery_end(now, flight);
            }
            Some(mut rec) => {
                // Partial acknowledgment (RFC 6582 §3.2 step 5): send the next hole
                // again, deflate by what was acknowledged, add back one SMSS.
                if !self.sack_ok {
                    rec.inflation = rec.inflation.saturating_sub(acked) + self.smss;
                }
                rec.resend_una = !self.sack_ok;
                if rec.high_rxt.lt(ack) {
                    rec.high_rxt = ack;
                }
                self.recovery = Some(rec);
                self.rto_at = Some(now + self.rtt.rto()); // RFC 6582: reset on the first partial ACK
            }
            None => {
                self.dup_acks = 0;
                let srtt = self.rtt.srtt();
                self.cc.on_ack(now, acked, flight_before, srtt);
            }
        }
        // RFC 6298 §5.2/5.3: stop the timer when all is acknowledged, else restart.
        if self.snd_una == self.snd_max {
            self.rto_at = None;
            self.unacked_since = None;
        } else {
            self.rto_at = Some(now + self.rtt.rto());
            self.unacked_since = Some(now);
        }
    }

    /// In SACK recovery, the segment at SND.UNA was sent again, and more than
    /// (DupThresh - 1) * SMSS of data sent after that retransmission has been SACKed
    /// while SND.UNA has not moved: the retransmission was lost too. Send it again
    /// now rather than wait for the timeout (RFC 6675 leaves this case to the RTO;
    /// Linux detects it the same way, by later data arriving first).
    fn detect_lost_retransmission(&mut self) {
        let Some(mut rec) = self.recovery.filter(|_| self.sack_ok) else { return };
        let una_resent = self.snd_una.lt(rec.high_rxt);
        if rec.resend_una || !una_resent || self.scoreboard.sacked_end(self.snd_una).is_some() {
            return;
        }
        if self.scoreboard.is_lost(rec.rxt_mark, self.smss) {
            rec.resend_una = true;
            self.recovery = Some(rec);
            self.stats.retransmits_lost += 1;
        }
    }

    /// A duplicate ACK (RFC 5681 §3.2, RFC 6675 §5).
    fn on_dup_ack(&mut self, now: Instant) {
        self.stats.dup_acks += 1;
        self.dup_acks += 1;
        if let Some(mut rec) = self.recovery {
            // RFC 6582 §3.2 step 4: inflate by one SMSS. Not with SACK: RFC 6675's
            // pipe already leaves out what the duplicate ACK reported delivered.
            if !self.sack_ok {
                rec.inflation += self.smss;
            }
            self.recovery = Some(rec);
            return;
        }
        let lost = self.sack_ok && self.scoreboard.is_lost(self.snd_una, self.smss);
        // RFC 6582 §3.2 step 2: only if the ACK covers more than "recover".
        if (self.dup_acks as usize >= DUP_THRESH || lost) && self.snd_una.gt(self.recover) {
            // FlightSize (RFC 5681 §3.2 eq. 4): what is outstanding, SND.NXT on
            // (after a timeout SND.MAX is far ahead of what is really out).
            let flight = self.bytes_in_flight();
            self.recover = self.snd_max;
            self.cc.on_congestion(now, flight);
            self.hystart.done = true;
            self.stats.fast_recoveries += 1;
            self.recovery = Some(Recovery {
                recover: self.snd_max,
                high_rxt: self.snd_una,
                inflation: if self.sack_ok { 0 } else { DUP_THRESH * self.smss },
                resend_una: true,
                rxt_mark: self.snd_max,
            });
            self.rtt_timer.on_retransmit();
        }
    }

    /// The seventh and eighth steps: segment text, then FIN.
    fn on_text_and_fin(&mut self, now: Instant, seg: &Repr<'_>) {
        let can_receive =
            matches!(self.state, State::Established | State::FinWait1 | State::FinWait2);
        let mut payload = seg.payload;
        let mut seq = seg.seq_number;
        if seg.flags.contains(Flags::SYN) {
            seq += 1;
        }
        if can_receive && !payload.is_empty() {
            // Trim what was already received.
            if seq.lt(self.rcv_nxt) {
                let skip = (self.rcv_nxt.offset_from(seq) as usize).min(payload.len());
                payload = payload.get(skip..).unwrap_or_default();
                seq = self.rcv_nxt;
            }
            let off = seq.offset_from(self.rcv_nxt) as usize;
            let window = self.rcv_wnd() as usize;
            let room = window.saturating_sub(off);
            let take = payload.get(..payload.len().min(room)).unwrap_or_default();
            if !take.is_empty() {
                let advanced = self.recv_buf.write(off, take);
                if off > 0 {
                    // Out of order: remember the block for SACK, ACK at once (RFC 5681 §4.2).
                    if let Some(block) = self.block_around(seq) {
                        self.last_ooo = Some(block);
                    }
                    self.ack_now = true;
                } else {
                    let filled_hole = advanced > take.len() || !self.recv_buf.ooo.is_empty();
                    self.rcv_nxt += advanced;
                    self.stats.bytes_received += advanced as u64;
                    self.unacked_bytes += advanced;
                    self.raise(Event::Readable);
                    if filled_hole || self.last_ooo.is_some() {
                        self.ack_now = true; // RFC 5681 §4.2: filling a hole
                    }
                    self.refresh_last_ooo();
                    self.schedule_ack(now);
                }
            } else {
                self.ack_now = true;
            }
        } else if !payload.is_empty() {
            self.ack_now = true;
        }
        // FIN.
        if seg.flags.contains(Flags::FIN) && !self.fin_received {
            let fin = seg.seq_number + (seg.segment_len() - 1);
            if fin.ge(self.rcv_nxt) {
                self.pending_fin = Some(fin);
            }
        }
        if let Some(fin) = self.pending_fin.filter(|&f| f == self.rcv_nxt) {
            self.pending_fin = None;
            self.on_fin(now, fin);
        } else if seg.flags.contains(Flags::FIN) {
            self.ack_now = true;
        }
    }

    /// The eighth step: the peer's FIN, now in order.
    fn on_fin(&mut self, now: Instant, fin: SeqNumber) {
        if !matches!(
            self.state,
            State::SynReceived | State::Established | State::FinWait1 | State::FinWait2
        ) {
            self.ack_now = true;
            return;
        }
        self.rcv_nxt = fin + 1;
        self.fin_received = true;
        self.ack_now = true;
        self.raise(Event::PeerClosed);
        let fin_acked = self.fin_queued && self.snd_una == self.fin_seq() + 1;
        match self.state {
            State::SynReceived | State::Established => self.state = State::CloseWait,
            State::FinWait1 if fin_acked => self.enter_time_wait(now),
            State::FinWait1 => self.state = State::Closing,
            State::FinWait2 => self.enter_time_wait(now),
            _ => {}
        }
    }

    /// The SACK block (in sequence numbers) of the out-of-order range that holds
    /// `seq`, if the assembler holds it: only bytes really kept are ever reported
    /// (a block for bytes the assembler had no room for would tell the sender to
    /// skip them, and it would then wait for a timeout to send them again).
    fn block_around(&self, seq: SeqNumber) -> Option<(SeqNumber, SeqNumber)> {
        let off = seq.offset_from(self.rcv_nxt);
        self.recv_buf
            .ooo
            .ranges()
            .iter()
            .find(|&&(s, e)| s <= off && off < e)
            .map(|&(s, e)| (self.rcv_nxt + s as usize, self.rcv_nxt + e as usize))
    }

    fn refresh_last_ooo(&mut self) {
        if let Some((l, _)) = self.last_ooo {
            self.last_ooo = self.block_around(l.max(self.rcv_nxt));
        }
    }

    /// RFC 9293 §3.8.6.3 / RFC 5681 §4.2: an ACK for at least every second full
    /// segment, otherwise within the delayed ACK timer.
    fn schedule_ack(&mut self, now: Instant) {
        match self.cfg.delayed_ack {
            None => self.ack_now = true,
            Some(_) if self.unacked_bytes >= 2 * self.smss => self.ack_now = true,
            Some(d) => {
                if self.delack_at.is_none() {
                    self.delack_at = Some(now + d);
                }
            }
        }
    }

    // ---------------------------------------------------------------- sending

    /// The right edge this end could advertise now.
    fn advertisable_edge(&self) -> SeqNumber {
        self.rcv_nxt + self.recv_buf.window()
    }

    /// RFC 9293 §3.8.6.2.2: the right edge moves only by min(buffer / 2, SMSS).
    fn sws_threshold(&self) -> usize {
        (self.recv_buf.capacity() / 2).min(self.smss).max(1)
    }

    /// The window field to send, and the right edge it advertises.
    fn window_to_advertise(&self, syn: bool) -> (u16, SeqNumber) {
        let edge = self.advertisable_edge();
        let grown = edge.offset_from(self.rcv_adv) as usize;
        let edge = if edge.gt(self.rcv_adv)
            && grown < self.sws_threshold()
            && !syn
            && self.rcv_adv.ge(self.rcv_nxt)
        {
            self.rcv_adv
        } else {
            edge.max(self.rcv_adv)
        };
        let wnd = edge.offset_from(self.rcv_nxt) as usize;
        if syn {
            // RFC 7323 §2.2: the window in a SYN is never scaled.
            let w = wnd.min(usize::from(u16::MAX)) as u16;
            return (w, self.rcv_nxt + usize::from(w));
        }
        let field = (wnd >> self.rcv_wscale).min(usize::from(u16::MAX)) as u16;
        (field, self.rcv_nxt + (usize::from(field) << self.rcv_wscale))
    }

    /// The usable congestion window: cwnd, plus NewReno's inflation in recovery.
    fn congestion_window(&self) -> usize {
        self.cc.window() + self.recovery.map_or(0, |r| r.inflation)
    }

    /// Bytes counted against the congestion window: RFC 6675's pipe in SACK
    /// recovery, otherwise what is in flight.
    fn pipe(&self) -> usize {
        match self.recovery {
            Some(rec) if self.sack_ok => {
                self.scoreboard.pipe(self.snd_una, self.snd_max, rec.high_rxt, self.smss)
            }
            _ => self.bytes_in_flight(),
        }
    }

    /// Writes the next segment this connection owes into `buf` (at least the
    /// largest segment: 60 header octets plus the MSS), if any. Call until `None`
    /// after every input.
    pub fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if let Some(rst) = self.rst.take() {
            return self.write_rst(buf, rst);
        }
        self.remote?;
        match self.state {
            State::Closed | State::Listen => return None,
            State::SynSent | State::SynReceived => {
                if self.syn_due {
                    return self.write_syn(now, buf);
                }
                if self.state == State::SynSent {
                    return None;
                }
            }
            _ => {}
        }
        if self.state == State::TimeWait {
            return self.write_ack_if_due(now, buf);
        }
        if self.state == State::SynReceived {
            return self.write_ack_if_due(now, buf);
        }
        if let Some(t) = self.write_recovery(now, buf) {
            return Some(t);
        }
        if let Some(t) = self.write_data(now, buf) {
            return Some(t);
        }
        if self.probe_due {
            self.probe_due = false;
            if let Some(t) = self.write_probe(now, buf) {
                return Some(t);
            }
        }
        if self.keepalive_due {
            self.keepalive_due = false;
            // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT - 1, no data (SND.MAX here, as for
            // pure ACKs).
            let seq = self.snd_max - 1;
            return self.write_segment(now, buf, seq, Flags::EMPTY, 0, false);
        }
        self.write_ack_if_due(now, buf)
    }

    fn write_ack_if_due(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if !self.ack_now {
            return None;
        }
        // After a timeout SND.NXT went back for retransmission; a pure ACK carries
        // the next new number instead, as BSD does (the peer may already hold
        // everything up to SND.MAX, and would find SND.NXT outside its window).
        let seq = self.snd_max;
        self.write_segment(now, buf, seq, Flags::EMPTY, 0, false)
    }

    /// Loss recovery's retransmissions (RFC 5681 §3.2 fast retransmit, RFC 6582,
    /// RFC 6675 §5 NextSeg rule 1).
    fn write_recovery(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let mut rec = self.recovery?;
        let data_end = self.snd_buf_seq + self.send_buf.len();
        if rec.resend_una {
            rec.resend_una = false;
            self.recovery = Some(rec);
            let seq = self.snd_una;
            let len = self.segment_len_at(seq, data_end);
            let fin =
                self.fin_queued && seq + len == self.fin_seq() && self.snd_max.gt(self.fin_seq());
            if len == 0 && !fin {
                return None;
            }
            let end = seq + len + usize::from(fin);
            if rec.high_rxt.lt(end) {
                rec.high_rxt = end;
            }
            rec.rxt_mark = self.snd_max;
            self.recovery = Some(rec);
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
            return self.write_segment(now, buf, seq, Flags::EMPTY, len, fin);
        }
        if !self.sack_ok {
            return None;
        }
        // NextSeg rule 1: the first un-SACKed, lost byte at or past HighRxt.
        let cwnd = self.congestion_window();
        if self.pipe() + self.smss > cwnd {
            return None;
        }
        let highest = self.scoreboard.highest()?;
        let mut seq = rec.high_rxt.max(self.snd_una);
        while seq.lt(highest) {
            if let Some(end) = self.scoreboard.sacked_end(seq) {
                seq = end;
                continue;
            }
            if !self.scoreboard.is_lost(seq, self.smss) {
                return None;
            }
            let mut len = self.segment_len_at(seq, data_end);
            if let Some(next) = self.scoreboard.next_sacked(seq) {
                len = len.min(next.offset_from(seq) as usize);
            }
            if len == 0 {
                return None;
            }
            rec.high_rxt = seq + len;
            rec.rxt_mark = self.snd_max;
            self.recovery = Some(rec);
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
            return self.write_segment(now, buf, seq, Flags::EMPTY, len, false);
        }
        None
    }

    /// Payload bytes a segment starting at `seq` may carry (MSS and data end).
    fn segment_len_at(&self, seq: SeqNumber, data_end: SeqNumber) -> usize {
        if seq.ge(data_end) {
            return 0;
        }
        (data_end.offset_from(seq) as usize).min(self.smss)
    }

    /// New data and FIN from SND.NXT, within the windows, Nagle and sender-side
    /// SWS avoidance (RFC 9293 §3.8.6.2.1, §3.7.4).
    fn write_data(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        if !matches!(
            self.state,
            State::Established
                | State::CloseWait
                | State::FinWait1
                | State::Closing
                | State::LastAck
        ) {
            return None;
        }
        let data_end = self.snd_buf_seq + self.send_buf.len();
        // Going back after a timeout: skip what the peer SACKed.
        while self.snd_nxt.lt(self.snd_max) {
            match self.scoreboard.sacked_end(self.snd_nxt) {
                Some(end) => self.snd_nxt = end.min(self.snd_max),
                None => break,
            }
        }
        let seq = self.snd_nxt;
        let in_flight = seq.offset_from(self.snd_una) as usize;
        let wnd_edge = self.snd_una + self.snd_wnd;
        let by_peer = wnd_edge.offset_from(seq) as usize;
        let by_peer = if wnd_edge.gt(seq) { by_peer } else { 0 };
        let cwnd = self.congestion_window();
        let pipe = if self.recovery.is_some() { self.pipe() } else { in_flight };
        let by_cc = cwnd.saturating_sub(pipe);
        let usable = by_peer.min(by_cc);
        let avail = if seq.lt(data_end) { data_end.offset_from(seq) as usize } else { 0 };
        let mut len = avail.min(self.smss).min(usable);
        let retransmitting = seq.lt(self.snd_max);
        if retransmitting {
            if let Some(next) = self.scoreboard.next_sacked(seq) {
                len = len.min(next.offset_from(seq) as usize);
            }
        }
        // The FIN goes with the last byte of data, or alone after it, once.
        let fin = self.fin_queued && seq + len == data_end;
        if len == 0 && !fin {
            if avail > 0 && self.snd_wnd == 0 && self.bytes_in_flight() == 0 {
                self.arm_persist(now);
            }
            return None;
        }
        if len > 0 && len < self.smss && !retransmitting {
            // Sender SWS avoidance and Nagle: a short segment only if it empties the
            // buffer and (Nagle) nothing is in flight, or it fills half the largest
            // window the peer offered.
            let all = len == avail;
            let idle = self.bytes_in_flight() == 0;
            let half_window = len >= self.max_snd_wnd / 2 && self.max_snd_wnd > 0;
            let ok = half_window || (all && (!self.cfg.nagle || idle || self.fin_queued));
            if !ok {
                if self.snd_wnd == 0 && idle {
                    self.arm_persist(now);
                }
                return None;
            }
        }
        let first_time = !retransmitting;
        if first_time {
            self.stats.bytes_sent += len as u64;
            if len > 0 {
                self.rtt_timer.on_send(seq + len, now);
            }
        } else {
            self.stats.retransmits += 1;
            self.stats.bytes_retransmitted += len as u64;
        }
        self.write_segment(now, buf, seq, Flags::EMPTY, len, fin)
    }

    fn arm_persist(&mut self, now: Instant) {
        if self.persist_at.is_none() && !self.probe_due {
            let base = self.rtt.rto();
            let shift = self.persist_backoff.min(6);
            let wait = (base * (1 << shift)).min(self.cfg.rto.max);
            self.persist_at = Some(now + wait);
        }
    }

    /// A zero-window probe (RFC 9293 §3.8.6.1): one byte past the window.
    fn write_probe(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        let data_end = self.snd_buf_seq + self.send_buf.len();
        let seq = self.snd_una;
        if self.snd_wnd > 0 || !seq.lt(data_end) {
            return None;
        }
        self.arm_persist(now);
        // The probe byte counts as sent (SND.MAX) but not as in flight (SND.NXT):
        // an ACK for it is acceptable, and the persist timer, not the retransmission
        // timer, keeps probing.
        let rto_at = self.rto_at;
        let t = self.write_segment(now, buf, seq, Flags::EMPTY, 1, false);
        self.snd_nxt = seq;
        self.rto_at = rto_at;
        t
    }

    fn write_syn(&mut self, now: Instant, buf: &mut [u8]) -> Option<Transmit> {
        self.syn_due = false;
        if self.snd_max.gt(self.iss) {
            self.stats.retransmits += 1;
        } else {
            self.rtt_timer.on_send(self.iss + 1, now);
        }
        let t = self.write_segment(now, buf, self.iss, Flags::SYN, 0, false);
        if self.rto_at.is_none() {
            self.arm_rto(now);
        }
        t
    }

    fn write_rst(&mut self, buf: &mut [u8], rst: PendingRst) -> Option<Transmit> {
        let mut r = Repr::new(self.local.port(), rst.to.port(), rst.seq);
        r.flags = Flags::RST;
        r.ack_number = rst.ack;
        self.emit(buf, &r, 0, 0, rst.to)
    }

    /// Builds and writes one segment: `len` payload bytes from `seq` (out of the
    /// send buffer), with the flags, this end's ACK and window, and the options
    /// the state calls for.
    fn write_segment(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        seq: SeqNumber,
        extra: Flags,
        len: usize,
        fin: bool,
    ) -> Option<Transmit> {
        let remote = self.remote?;
        let syn = extra.contains(Flags::SYN);
        let mut r = Repr::new(self.local.port(), remote.port(), seq);
        r.flags = extra;
        if fin {
            r.flags.insert(Flags::FIN);
        }
        if len > 0 {
            r.flags.insert(Flags::PSH);
        }
        // RFC 9293 §3.8.5: URG and the pointer to the octet after the urgent data
        // on every segment before it (the field holds 16 bits: further away,
        // the most it can say, as Linux does).
        if let Some(up) = self.snd_up.filter(|up| up.gt(seq) && !syn) {
            r.flags.insert(Flags::URG);
            r.urgent_at = u16::try_from(up.offset_from(seq)).unwrap_or(u16::MAX);
        }
        let synchronized_or_synrcvd = self.state != State::SynSent;
        if synchronized_or_synrcvd {
            r.ack_number = Some(self.rcv_nxt);
        }
        let (window, edge) = self.window_to_advertise(syn);
        r.window_len = window;
        if syn {
            // A SYN offers what is configured; a SYN,ACK echoes what was agreed.
            r.max_seg_size = Some(self.cfg.mss);
            let offer = self.state == State::SynSent;
            if (offer && self.cfg.window_scaling) || (!offer && self.wscale_ok) {
                r.window_scale = Some(self.cfg.window_shift());
            }
            r.sack_permitted = if offer { self.cfg.sack } else { self.sack_ok };
        }
        if let Some(ts) = self.ts {
            let tsval = ms_clock(now).wrapping_add(ts.offset);
            // RFC 7323 §3.2: TSecr is zero in a SYN.
            let tsecr = if self.state == State::SynSent { 0 } else { ts.recent };
            r.timestamps = Some((tsval, tsecr));
        }
        if self.sack_ok && !syn && r.ack_number.is_some() {
            r.sack_ranges = self.sack_blocks();
        }
        let header_len = r.header_len();
        let total = header_len + len;
        if buf.len() < total {
            return None;
        }
        // The payload goes in first, summed as it is copied, so the checksum
        // does not read it a second time.
        let mut payload_sum = 0;
        if len > 0 {
            let off = seq.offset_from(self.snd_buf_seq) as usize;
            if off + len > self.send_buf.len() {
                return None;
            }
            if let Some(dst) = buf.get_mut(header_len..total) {
                payload_sum = self.send_buf.read_at_summing(off, dst);
            }
        }
        let end = seq + (len + usize::from(syn) + usize::from(fin));
        let t = self.emit(buf, &r, len, payload_sum, remote)?;
        // Bookkeeping after a segment leaves.
        if syn || len > 0 || fin {
            if end.gt(self.snd_nxt) {
                self.snd_nxt = end;
            }
            if end.gt(self.snd_max) {
                self.snd_max = end;
            }
            if self.rto_at.is_none() {
                self.arm_rto(now);
            }
            if self.unacked_since.is_none() && (len > 0 || fin) {
                self.unacked_since = Some(now);
            }
        }
        if let Some(ack) = r.ack_number {
            self.last_ack_sent = ack;
            self.ack_now = false;
            self.delack_at = None;
            self.unacked_bytes = 0;
            if edge.gt(self.rcv_adv) {
                self.rcv_adv = edge;
            }
        }
        if self.keepalive_at.is_some() && (len > 0) {
            self.arm_keepalive(now);
        }
        Some(t)
    }

    /// The SACK blocks to report (RFC 2018 §4): the newest first, then the others.
    fn sack_blocks(&self) -> SackRanges {
        let mut out = SackRanges::new();
        if let Some(first) = self.last_ooo {
            out.push(first.0, first.1);
        }
        for &(s, e) in self.recv_buf.ooo.ranges() {
            let block = (self.rcv_nxt + s as usize, self.rcv_nxt + e as usize);
            if Some(block) != self.last_ooo && !out.push(block.0, block.1) {
                break;
            }
        }
        out
    }

    #[inline(always)]
    fn emit(
        &mut self,
        buf: &mut [u8],
        r: &Repr<'_>,
        payload_len: usize,
        payload_sum: u16,
        remote: SocketAddr,
    ) -> Option<Transmit> {
        let total = r.header_len() + payload_len;
        let bytes = buf.get_mut(..total)?;
        let mut seg = Segment::new_unchecked(&mut bytes[..]);
        if total < HEADER_LEN {
            return None;
        }
        match self.pseudo_sum(remote.ip(), total) {
            Some(pseudo) => r.emit_header_for_payload(&mut seg, pseudo, payload_sum),
            // Addresses of different families: no checksum can be computed, and
            // the field is left zero, as `Repr::emit` leaves it.
            None => {
                r.emit_header_for_payload(&mut seg, 0, 0);
                seg.set_checksum(0);
            }
        }
        self.stats.segments_sent += 1;
        Some(Transmit { len: total, local: self.local, remote })
    }
}

/// What header prediction looks at in a segment.
struct Fast<'a> {
    seq: SeqNumber,
    ack: SeqNumber,
    window: u16,
    flags: Flags,
    tsval: Option<u32>,
    payload: &'a [u8],
}

impl<'a> Fast<'a> {
    /// `None` for a segment without ACK or with SACK blocks.
    #[inline]
    fn from_repr(seg: &Repr<'a>) -> Option<Self> {
        if !seg.sack_ranges.is_empty() {
            return None;
        }
        Some(Fast {
            seq: seg.seq_number,
            ack: seg.ack_number?,
            window: seg.window_len,
            flags: seg.flags,
            tsval: seg.timestamps.map(|(tsval, _)| tsval),
            payload: seg.payload,
        })
    }

    /// Straight from the wire, for a segment with ACK and either no options or
    /// exactly NOP, NOP, timestamps (anything else takes the full parse).
    #[inline]
    fn from_view(seg: &Segment<&'a [u8]>) -> Option<Self> {
        let flags = seg.flags();
        if !flags.contains(Flags::ACK) {
            return None;
        }
        let tsval = match seg.options_ref() {
            [] => None,
            options => Some(wirestate_tcp::aligned_timestamps(options)?.0),
        };
        Some(Fast {
            seq: seg.seq_number(),
            ack: seg.ack_number(),
            window: seg.window_len(),
            flags,
            tsval,
            payload: seg.payload_ref(),
        })
    }
}

/// RFC 9293 §3.10.7.1: the reset answering `seg` when no connection exists, as
/// `(seq, ack)`; `None` for a RST (never answered).
///
/// ```
/// use wirestate_tcp::{Flags, Repr, SeqNumber};
/// use wirestate_tcp_conn::reset_for;
/// let syn = Repr { flags: Flags::SYN, ..Repr::new(40000, 80, SeqNumber(100)) };
/// // No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
/// assert_eq!(reset_for(&syn), Some((SeqNumber(0), Some(SeqNumber(101)))));
/// ```
pub fn reset_for(seg: &Repr<'_>) -> Option<(SeqNumber, Option<SeqNumber>)> {
    if seg.flags.contains(Flags::RST) {
        return None;
    }
    Some(match seg.ack_number {
        Some(ack) => (ack, None),
        None => (SeqNumber(0), Some(seg.seq_number + seg.segment_len())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::format;
    use wirestate_tcp::Segment;

    /// The connection as a string, with the receive window's bytes (which mean
    /// nothing until they are in order) left out.
    fn observable(c: &Connection) -> std::string::String {
        let mut c = c.clone();
        c.recv_buf.clear_window();
        format!("{c:?}")
    }

    /// Two connections over a perfect in-memory link, established, with `sent`
    /// bytes moved from `a` to `b` and left unread.
    fn established(timestamps: bool, sent: usize) -> (Connection, Connection, Instant) {
        established_at(timestamps, sent, "10.0.0.1:40000", "10.0.0.2:80")
    }

    fn established_at(
        timestamps: bool,
        sent: usize,
        a_addr: &str,
        b_addr: &str,
    ) -> (Connection, Connection, Instant) {
        let cfg = Config { timestamps, send_buffer: 8192, recv_buffer: 8192, ..Config::default() };
        let (a_addr, b_addr): (SocketAddr, SocketAddr) =
            (a_addr.parse().unwrap(), b_addr.parse().unwrap());
        let mut now = Instant::from_millis(5);
        let mut a = Connection::connect(now, cfg, a_addr, b_addr);
        let mut b = Connection::listen(cfg, b_addr);
        let mut buf = [0u8; 1600];
        let data: std::vec::Vec<u8> = (0..sent).map(|i| i as u8).collect();
        let mut off = 0;
        for _ in 0..40 {
            if a.state() == State::Established && off < data.len() {
                off += a.send(&data[off..]).unwrap_or(0);
            }
            while let Some(t) = a.poll_transmit(now, &mut buf) {
                let seg = Segment::new_checked(&buf[..t.len]).unwrap();
                b.handle_segment(now, a_addr.ip(), &Repr::parse(&seg).unwrap());
            }
            while let Some(t) = b.poll_transmit(now, &mut buf) {
                let seg = Segment::new_checked(&buf[..t.len]).unwrap();
                a.handle_segment(now, b_addr.ip(), &Repr::parse(&seg).unwrap());
            }
            now += Duration::from_millis(1);
        }
        assert_eq!(b.state(), State::Established);
        (a, b, now)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Header prediction does exactly what the full path does, on segments
        /// near what the fast path takes: every field a step to either side.
        #[test]
        fn header_prediction_equals_the_full_path(
            timestamps: bool,
            sent in 0usize..3000,
            seq_step in prop_oneof![4 => Just(0i32), 1 => -3000i32..3000],
            ack_step in prop_oneof![4 => Just(0i32), 1 => -3i32..3],
            window_step in prop_oneof![4 => Just(0i32), 1 => -2i32..2],
            len in prop_oneof![2 => Just(1460usize), 1 => 0usize..9000],
            flags in prop_oneof![4 => Just(0x18u8), 1 => any::<u8>()],
            ts_step in prop_oneof![4 => Just(1i32), 1 => -2i32..2, 1 => Just(i32::MIN)],
            sack in proptest::bool::weighted(0.2),
        ) {
            let (_, b, now) = established(timestamps, sent);
            let mut seg = Repr::new(40000, 80, SeqNumber(b.rcv_nxt.0.wrapping_add(seq_step as u32)));
            seg.ack_number = Some(SeqNumber(b.snd_una.0.wrapping_add(ack_step as u32)));
            seg.flags = Flags(u16::from(flags));
            seg.window_len = ((b.snd_wnd >> b.snd_wscale) as i32 + window_step).clamp(0, 65535) as u16;
            let payload = std::vec![7u8; len];
            seg.payload = &payload;
            if let Some(ts) = b.ts {
                seg.timestamps = Some((ts.recent.wrapping_add(ts_step as u32), 0));
            }
            if sack {
                seg.sack_ranges.push(b.snd_una, b.snd_una + 1);
            }
            let (mut fast, mut full) = (b.clone(), b);
            if fast.predicted(now, &seg) {
                full.on_synchronized(now, &seg);
                prop_assert_eq!(format!("{fast:?}"), format!("{full:?}"));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// `receive` (checksum summed as the payload is copied in) ends where
        /// verifying first and then `handle_segment` ends; a segment with any
        /// byte flipped is refused and changes nothing.
        #[test]
        fn receive_equals_verify_then_handle(
            timestamps: bool,
            ipv6: bool,
            sent in 0usize..3000,
            seq_step in prop_oneof![4 => Just(0i32), 1 => -3000i32..3000],
            len in prop_oneof![2 => Just(1460usize), 1 => 0usize..9000],
            flags in prop_oneof![4 => Just(0x18u8), 1 => any::<u8>()],
            flip in proptest::option::weighted(0.3, (any::<prop::sample::Index>(), 1u8..=255)),
        ) {
            let (a_addr, b_addr) = if ipv6 {
                ("[2001:db8::1]:40000", "[2001:db8::2]:80")
            } else {
                ("10.0.0.1:40000", "10.0.0.2:80")
            };
            let (_, b, now) = established_at(timestamps, sent, a_addr, b_addr);
            let mut seg = Repr::new(40000, 80, SeqNumber(b.rcv_nxt.0.wrapping_add(seq_step as u32)));
            seg.ack_number = Some(b.snd_una);
            seg.flags = Flags(u16::from(flags));
            seg.window_len = (b.snd_wnd >> b.snd_wscale) as u16;
            let payload: std::vec::Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            seg.payload = &payload;
            seg.timestamps = b.ts.map(|ts| (ts.recent.wrapping_add(1), 0));
            let src = a_addr.parse::<SocketAddr>().unwrap().ip();
            let dst = b_addr.parse::<SocketAddr>().unwrap().ip();
            let mut bytes = std::vec![0u8; seg.buffer_len()];
            seg.emit(&mut Segment::new_unchecked(&mut bytes[..]), src, dst);
            if let Some((at, x)) = flip {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            let before = observable(&b);
            let (mut fused, mut reference) = (b.clone(), b);
            let got = fused.receive(now, src, &bytes);
            let view = Segment::new_checked(&bytes[..]);
            let want = view.as_ref().map_err(|e| *e).and_then(|v| Repr::parse_verified(v, src, dst));
            match (&got, &want) {
                (Ok(()), Ok(r)) => {
                    reference.handle_segment(now, src, r);
                    prop_assert_eq!(observable(&fused), observable(&reference));
                }
                (Err(_), Err(_)) => prop_assert_eq!(observable(&fused), before),
                _ => prop_assert!(false, "receive {:?} but verify-then-handle {:?}", got, want.map(|_| ())),
            }
        }
    }

    #[test]
    fn receive_refuses_what_it_cannot_verify() {
        let (_, mut b, now) = established(true, 0);
        let before = observable(&b);
        let mut seg = Repr::new(40000, 80, b.rcv_nxt);
        seg.ack_number = Some(b.snd_una);
        let payload = std::vec![1u8; 70_000];
        seg.payload = &payload;
        let mut bytes = std::vec![0u8; seg.buffer_len()];
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        seg.emit(&mut Segment::new_unchecked(&mut bytes[..]), v4, "10.0.0.2".parse().unwrap());
        // Longer than an IPv4 datagram can carry; from the other family.
        let err = b.receive(now, v4, &bytes).unwrap_err();
        assert!(matches!(err, Error::Malformed { field: "segment", .. }), "{err:?}");
        let err = b.receive(now, "::1".parse().unwrap(), &bytes[..100]).unwrap_err();
        assert!(matches!(err, Error::Unsupported { field: "checksum", offset: 16, .. }), "{err:?}");
        // Cut inside the header.
        assert!(matches!(b.receive(now, v4, &bytes[..10]), Err(Error::Truncated { .. })));
        assert_eq!(observable(&b), before);
    }

    #[test]
    fn header_prediction_takes_in_order_data() {
        for timestamps in [false, true] {
            let (_, mut b, now) = established(timestamps, 100);
            let mut seg = Repr::new(40000, 80, b.rcv_nxt);
            seg.ack_number = Some(b.snd_una);
            seg.flags = Flags::PSH;
            seg.window_len = (b.snd_wnd >> b.snd_wscale) as u16;
            seg.payload = &[1; 1000];
            seg.timestamps = b.ts.map(|ts| (ts.recent + 1, 0));
            let before = b.rcv_nxt;
            assert!(b.predicted(now, &seg));
            assert_eq!(b.rcv_nxt, before + 1000);
        }
    }
}
