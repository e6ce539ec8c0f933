//! What a connection is configured with.

use core::time::Duration;

use crate::cc::Algorithm;
use crate::isn::IsnKey;
use crate::rtt::RtoConfig;

/// Keepalive probing (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): off by default, as the
/// RFCs require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// Idle time before the first probe (RFC 1122: no less than two hours by default).
    pub idle: Duration,
    /// Time between unanswered probes.
    pub interval: Duration,
    /// Unanswered probes before the connection is given up (`TimedOut`).
    pub probes: u32,
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive { idle: Duration::from_secs(7200), interval: Duration::from_secs(75), probes: 9 }
    }
}

/// A connection's settings. Every buffer and table it sizes is allocated once,
/// when the connection is made. [`Config::new`] gives the defaults around the one
/// setting that has none, the secret [`IsnKey`].
///
/// ```
/// use core::time::Duration;
/// use wirestate_tcp_conn::{Algorithm, Config, IsnKey};
/// let key = IsnKey::new(*b"from the entropy");
/// let cfg = Config {
///     send_buffer: 256 * 1024,
///     recv_buffer: 256 * 1024,
///     congestion: Algorithm::Cubic,
///     nagle: false,
///     ..Config::new(key)
/// };
/// assert_eq!(cfg.window_shift(), 3); // 256 KiB >> 3 fits the 16-bit window
/// assert_eq!(cfg.time_wait, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// The MSS this end advertises and the largest segment payload it sends (the
    /// path's limit; the peer's MSS option may lower it). RFC 9293 §3.7.1.
    pub mss: u16,
    /// Send buffer bytes: what `send` accepts before it returns 0.
    pub send_buffer: usize,
    /// Receive buffer bytes: the most this end ever advertises. At most 2^30
    /// (RFC 7323 §2.3); larger values are clamped.
    pub recv_buffer: usize,
    /// Nagle's algorithm (RFC 9293 §3.7.4): hold a small segment while data is in
    /// flight.
    pub nagle: bool,
    /// Offer window scaling (RFC 7323 §2).
    pub window_scaling: bool,
    /// Offer timestamps (RFC 7323 §3), which bring PAWS (§5) and RTT samples from
    /// every ACK.
    pub timestamps: bool,
    /// Offer SACK (RFC 2018) and recover with it (RFC 6675).
    pub sack: bool,
    /// TIME-WAIT's length, 2 * MSL (RFC 9293 §3.4.2 suggests MSL = 2 minutes; Linux
    /// waits 60 s in all).
    pub time_wait: Duration,
    /// The retransmission timeout's bounds (RFC 6298).
    pub rto: RtoConfig,
    /// The delayed ACK timer (RFC 9293 §3.8.6.3: under 0.5 s); `None` acknowledges
    /// every segment at once.
    pub delayed_ack: Option<Duration>,
    /// Give up when sent data stays unacknowledged this long (RFC 9293 §3.8.3,
    /// RFC 5482); also bounds the handshake.
    pub user_timeout: Duration,
    /// Keepalives, off when `None`.
    pub keepalive: Option<Keepalive>,
    /// Retransmission timeouts in a row before the connection is given up.
    pub max_retransmits: u32,
    /// RFC 5961 §7: challenge ACKs sent per second at most.
    pub challenge_ack_limit: u32,
    /// The congestion controller.
    pub congestion: Algorithm,
    /// Leave the first slow start when the RTT starts to grow (RFC 9406), rather
    /// than at the first loss. Needs RTT samples on most ACKs: timestamps.
    pub hystart: bool,
    /// The window scale shift this end offers, when it should not be derived
    /// from `recv_buffer` ([`window_shift`](Self::window_shift)): stacks offer
    /// the shift of their largest possible buffer so that the buffer can grow
    /// later (FreeBSD: of `kern.ipc.maxsockbuf`). At most 14 (RFC 7323 §2.3).
    pub offered_window_shift: Option<u8>,
    /// Explicit Congestion Notification (RFC 3168).
    pub ecn: EcnMode,
    /// SYN retransmissions that still ask for ECN; later ones do not (RFC 3168
    /// §6.1.1.1: the SYN may be lost because it asks).
    pub ecn_syn_retries: u32,
    /// Limited transmit (RFC 3042): new data on the first two duplicate ACKs.
    pub limited_transmit: bool,
    /// Report duplicate segments with D-SACK (RFC 2883) when SACK is on.
    pub dsack: bool,
    /// TIME-WAIT assassination protection (RFC 1337): a RST in TIME-WAIT is
    /// ignored instead of ending it early, as RFC 9293 §3.10.7.4 says it should.
    pub rfc1337: bool,
    /// The secret for initial sequence numbers (RFC 6528), timestamp offsets and
    /// SYN cookies: random per host, from the caller's entropy.
    pub isn_key: IsnKey,
}

/// When a connection uses Explicit Congestion Notification (RFC 3168 §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EcnMode {
    /// Never: SYNs do not ask for it and a peer's request is declined.
    Off,
    /// Only when the peer asks: a SYN with ECE and CWR gets a SYN,ACK with ECE
    /// (the default of Linux and FreeBSD, since middleboxes once dropped
    /// ECN-setup SYNs).
    #[default]
    Passive,
    /// Ask for it on active opens and accept it on passive ones.
    On,
}

impl Config {
    /// The defaults, with the secret `isn_key`: a 1460-octet MSS, 64 KiB buffers,
    /// Nagle, window scaling, timestamps and SACK on, 60 s of TIME-WAIT, an RTO
    /// floor of 200 ms, 40 ms delayed ACKs, a 5-minute user timeout, no keepalives,
    /// 15 retransmissions, 1000 challenge ACKs a second, NewReno with HyStart++.
    pub fn new(isn_key: IsnKey) -> Self {
        Config {
            mss: 1460,
            send_buffer: 64 * 1024,
            recv_buffer: 64 * 1024,
            nagle: true,
            window_scaling: true,
            timestamps: true,
            sack: true,
            time_wait: Duration::from_secs(60),
            rto: RtoConfig { min: Duration::from_millis(200), ..RtoConfig::default() },
            delayed_ack: Some(Duration::from_millis(40)),
            user_timeout: Duration::from_secs(300),
            keepalive: None,
            max_retransmits: 15,
            challenge_ack_limit: 1000,
            congestion: Algorithm::NewReno,
            hystart: true,
            offered_window_shift: None,
            ecn: EcnMode::Passive,
            ecn_syn_retries: 1,
            limited_transmit: true,
            dsack: true,
            rfc1337: false,
            isn_key,
        }
    }
}

/// The largest receive buffer a scaled window can describe (RFC 7323 §2.3).
pub(crate) const MAX_RECV_BUFFER: usize = 1 << 30;

impl Config {
    /// The receive buffer as used: clamped to 2^30, at least one byte.
    pub fn recv_capacity(&self) -> usize {
        self.recv_buffer.clamp(1, MAX_RECV_BUFFER)
    }

    /// The window scale shift this end offers: `offered_window_shift` if set,
    /// otherwise the least that lets the 16-bit window field cover the receive
    /// buffer (at most 14, RFC 7323 §2.3).
    pub fn window_shift(&self) -> u8 {
        if let Some(shift) = self.offered_window_shift {
            return shift.min(14);
        }
        let mut shift = 0u8;
        while shift < 14 && (self.recv_capacity() >> shift) > usize::from(u16::MAX) {
            shift += 1;
        }
        shift
    }
}
