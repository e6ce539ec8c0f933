//! Scripted tests in the style of packetdrill: at this time inject this segment
//! from the peer, expect that segment (or nothing) from the connection. One
//! connection, a simulated peer, explicit times. The suite walks every transition of
//! RFC 9293's state diagram, simultaneous open and close, a RST in every state, and
//! RFC 5961's challenge ACKs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::SocketAddr;
use core::time::Duration;

use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber};
use wirestate_tcp_conn::{CallError, Config, Connection, ConnectionError, Event, IsnKey, State};
use wirestate_wire::Instant;

/// A segment as the peer saw it, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Out {
    seq: u32,
    ack: Option<u32>,
    flags: Flags,
    win: u16,
    payload: Vec<u8>,
    mss: Option<u16>,
    wscale: Option<u8>,
    sack_permitted: bool,
    sack: Vec<(u32, u32)>,
    ts: Option<(u32, u32)>,
    /// The urgent pointer field (meaningful with URG).
    up: u16,
}

impl Out {
    fn has(&self, f: Flags) -> bool {
        self.flags.contains(f)
    }
}

/// The peer's initial sequence number in every script.
const PEER_ISS: u32 = 5000;

struct Script {
    conn: Connection,
    now: Instant,
    local: SocketAddr,
    peer: SocketAddr,
    /// The connection's ISS, learned from its SYN or SYN,ACK.
    iss: u32,
}

fn defaults() -> Config {
    Config::new(IsnKey::new(*b"wirestate tests!"))
}

fn plain() -> Config {
    Config {
        window_scaling: false,
        timestamps: false,
        sack: false,
        delayed_ack: Some(Duration::from_millis(40)),
        ..defaults()
    }
}

impl Script {
    fn addrs() -> (SocketAddr, SocketAddr) {
        ("192.0.2.1:40000".parse().unwrap(), "198.51.100.2:80".parse().unwrap())
    }

    fn client(cfg: Config) -> Self {
        let (local, peer) = Self::addrs();
        let now = Instant::from_millis(0);
        Script { conn: Connection::connect(now, cfg, local, peer), now, local, peer, iss: 0 }
    }

    fn server(cfg: Config) -> Self {
        let (local, peer) = Self::addrs();
        Script { conn: Connection::listen(cfg, local), now: Instant::ZERO, local, peer, iss: 0 }
    }

    /// Moves the clock to `ms` and runs the timers due.
    fn at(&mut self, ms: u64) -> &mut Self {
        self.now = Instant::from_millis(ms);
        if self.conn.poll_timeout().is_some_and(|t| t <= self.now) {
            self.conn.handle_timeout(self.now);
        }
        self.check();
        self
    }

    fn check(&self) {
        self.conn.check_invariants().unwrap();
    }

    /// A segment from the peer: `seq` and `ack` relative to the peer's and the
    /// connection's ISS (`ack` 0 = no ACK).
    fn inject(&mut self, flags: Flags, seq: u32, ack: u32, payload: &[u8]) -> &mut Self {
        self.inject_with(flags, seq, ack, payload, |_| {})
    }

    fn inject_with(
        &mut self,
        flags: Flags,
        seq: u32,
        ack: u32,
        payload: &[u8],
        edit: impl FnOnce(&mut Repr<'_>),
    ) -> &mut Self {
        let mut r =
            Repr::new(self.peer.port(), self.local.port(), SeqNumber(PEER_ISS.wrapping_add(seq)));
        r.flags = flags;
        if flags.contains(Flags::ACK) {
            r.ack_number = Some(SeqNumber(self.iss.wrapping_add(ack)));
        }
        r.window_len = 65535;
        r.payload = payload;
        edit(&mut r);
        self.conn.handle_segment(self.now, self.peer.ip(), &r);
        self.check();
        self
    }

    /// The next segment the connection sends; panics if none.
    fn expect(&mut self) -> Out {
        self.try_out().expect("a segment")
    }

    fn try_out(&mut self) -> Option<Out> {
        let mut buf = [0u8; 2048];
        let t = self.conn.poll_transmit(self.now, &mut buf).unwrap()?;
        self.check();
        assert_eq!((t.local, t.remote), (self.local, self.peer));
        let seg = Segment::new_checked(&buf[..t.len]).unwrap();
        let r = Repr::parse_verified(&seg, self.local.ip(), self.peer.ip()).unwrap();
        if r.flags.contains(Flags::SYN) {
            self.iss = r.seq_number.0;
        }
        Some(Out {
            seq: r.seq_number.0.wrapping_sub(self.iss),
            ack: r.ack_number.map(|a| a.0.wrapping_sub(PEER_ISS)),
            flags: r.flags,
            win: r.window_len,
            payload: r.payload.to_vec(),
            mss: r.max_seg_size,
            wscale: r.window_scale,
            sack_permitted: r.sack_permitted,
            sack: r
                .sack_ranges
                .iter()
                .map(|(a, b)| (a.0.wrapping_sub(PEER_ISS), b.0.wrapping_sub(PEER_ISS)))
                .collect(),
            ts: r.timestamps,
            up: r.urgent_at,
        })
    }

    fn expect_none(&mut self) -> &mut Self {
        if let Some(o) = self.try_out() {
            panic!("unexpected segment {o:?}");
        }
        self
    }

    fn events(&mut self) -> Vec<Event> {
        core::iter::from_fn(|| self.conn.poll_event()).collect()
    }

    fn state(&self) -> State {
        self.conn.state()
    }

    /// Active open to ESTABLISHED: SYN out, SYN,ACK in, ACK out.
    fn established(cfg: Config) -> Self {
        let mut s = Script::client(cfg);
        let syn = s.expect();
        assert!(syn.has(Flags::SYN));
        s.inject_with(Flags::SYN | Flags::ACK, 0, 1, &[], |r| r.max_seg_size = Some(1460));
        let ack = s.expect();
        assert_eq!((ack.seq, ack.ack, ack.flags), (1, Some(1), Flags::ACK));
        assert_eq!(s.state(), State::Established);
        assert_eq!(s.events(), [Event::Connected]);
        s
    }
}

const SYN: Flags = Flags::SYN;
const ACK: Flags = Flags::ACK;
const FIN: Flags = Flags::FIN;
const RST: Flags = Flags::RST;

// ------------------------------------------------------------------ opening

#[test]
fn active_open_offers_the_configured_options() {
    let mut s = Script::client(defaults());
    assert_eq!(s.state(), State::SynSent);
    let syn = s.expect();
    assert_eq!((syn.seq, syn.ack, syn.flags), (0, None, SYN));
    // 64 KiB of receive buffer needs a shift of 1 to fit the 16-bit window.
    assert_eq!((syn.mss, syn.wscale, syn.sack_permitted), (Some(1460), Some(1), true));
    assert_eq!(syn.ts.map(|t| t.1), Some(0)); // RFC 7323 §3.2: TSecr 0 in a SYN
    s.expect_none();
    // SYN,ACK with all options: ESTABLISHED, ACK echoes TSval.
    s.inject_with(SYN | ACK, 0, 1, &[], |r| {
        r.max_seg_size = Some(1200);
        r.window_scale = Some(7);
        r.sack_permitted = true;
        r.timestamps = Some((777, syn.ts.unwrap().0));
    });
    let ack = s.expect();
    assert_eq!((ack.seq, ack.ack, ack.flags), (1, Some(1), ACK));
    assert_eq!(ack.ts.map(|t| t.1), Some(777));
    assert_eq!(s.state(), State::Established);
    assert!(s.conn.sack_enabled() && s.conn.timestamps_enabled());
    assert_eq!(s.conn.send_mss(), 1200 - 12); // MSS less the timestamps option
    assert_eq!(s.conn.window_scales(), (1, 7));
}

#[test]
fn passive_open_answers_syn_with_syn_ack_then_establishes() {
    let mut s = Script::server(plain());
    assert_eq!(s.state(), State::Listen);
    s.inject_with(SYN, 0, 0, &[], |r| r.max_seg_size = Some(1000));
    assert_eq!(s.state(), State::SynReceived);
    let sa = s.expect();
    assert_eq!((sa.seq, sa.ack, sa.flags), (0, Some(1), SYN | ACK));
    assert_eq!(sa.mss, Some(1460));
    assert_eq!((sa.wscale, sa.sack_permitted, sa.ts), (None, false, None)); // not offered
    s.inject(ACK, 1, 1, &[]);
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.events(), [Event::Connected]);
    assert_eq!(s.conn.send_mss(), 1000);
}

#[test]
fn syn_is_sent_again_with_backoff_and_the_handshake_gives_up() {
    let cfg = Config { max_retransmits: 2, ..plain() };
    let mut s = Script::client(cfg);
    s.expect();
    s.at(999).expect_none();
    let again = s.at(1000).expect(); // RFC 6298 §2.1: 1 s before any sample
    assert_eq!((again.seq, again.flags), (0, SYN));
    s.at(2999).expect_none();
    assert!(s.at(3000).expect().has(SYN)); // backed off to 2 s
    s.at(7000);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), [Event::Lost(ConnectionError::TimedOut)]);
}

#[test]
fn passive_open_resends_syn_ack_when_the_syn_comes_again() {
    let mut s = Script::server(plain());
    s.inject(SYN, 0, 0, &[]);
    s.expect();
    s.inject(SYN, 0, 0, &[]);
    let sa = s.expect();
    assert_eq!((sa.seq, sa.ack, sa.flags), (0, Some(1), SYN | ACK));
    // And on its own timer.
    assert!(s.at(1000).expect().has(SYN | ACK));
}

#[test]
fn simultaneous_open() {
    // RFC 9293 §3.5 figure 7.
    let mut s = Script::client(plain());
    s.expect();
    s.inject(SYN, 0, 0, &[]);
    assert_eq!(s.state(), State::SynReceived);
    let sa = s.expect();
    assert_eq!((sa.seq, sa.ack, sa.flags), (0, Some(1), SYN | ACK));
    s.inject(SYN | ACK, 0, 1, &[]);
    assert_eq!(s.state(), State::Established);
    assert_eq!(s.events(), [Event::Connected]);
}

#[test]
fn syn_sent_refuses_a_bad_ack_with_a_reset() {
    let mut s = Script::client(plain());
    s.expect();
    s.inject(SYN | ACK, 0, 7, &[]); // acknowledges something never sent
    let rst = s.expect();
    assert_eq!((rst.seq, rst.flags), (7, RST));
    assert_eq!(s.state(), State::SynSent);
}

#[test]
fn listen_answers_an_ack_with_a_reset_and_ignores_a_reset() {
    let mut s = Script::server(plain());
    s.iss = 0;
    s.inject(ACK, 10, 1234, &[]);
    let rst = s.expect();
    assert_eq!((rst.seq, rst.ack, rst.flags), (1234, None, RST));
    s.inject(RST, 0, 0, &[]).expect_none();
    assert_eq!(s.state(), State::Listen);
}

#[test]
fn closed_answers_with_the_two_reset_forms() {
    let mut s = Script::established(plain());
    s.conn.abort();
    let rst = s.expect();
    assert_eq!((rst.seq, rst.flags), (1, RST));
    assert_eq!(s.events(), [Event::Closed]);
    // RFC 9293 §3.10.7.1: no ACK -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    s.inject(Flags::EMPTY, 1, 0, b"abc");
    let rst = s.expect();
    assert_eq!((rst.seq.wrapping_add(s.iss), rst.ack, rst.flags), (0, Some(4), RST | ACK));
    // With ACK -> <SEQ=SEG.ACK><CTL=RST>.
    s.inject(ACK, 1, 9, &[]);
    assert_eq!(s.expect().seq, 9);
    // A RST is never answered.
    s.inject(RST, 1, 0, &[]).expect_none();
}

// ------------------------------------------------------------------ closing

#[test]
fn active_close_walks_fin_wait_1_fin_wait_2_time_wait_closed() {
    let mut s = Script::established(plain());
    s.conn.close().unwrap();
    assert_eq!(s.state(), State::FinWait1);
    let fin = s.expect();
    assert_eq!((fin.seq, fin.flags), (1, FIN | ACK));
    s.inject(ACK, 1, 2, &[]);
    assert_eq!(s.state(), State::FinWait2);
    s.inject(FIN | ACK, 1, 2, &[]);
    assert_eq!(s.state(), State::TimeWait);
    let ack = s.expect();
    assert_eq!((ack.seq, ack.ack, ack.flags), (2, Some(2), ACK));
    assert_eq!(s.events(), [Event::PeerClosed]);
    // RFC 9293 §3.10.7.4: a retransmitted FIN is acknowledged and restarts 2 MSL.
    s.at(30_000).inject(FIN | ACK, 1, 2, &[]);
    assert_eq!(s.expect().ack, Some(2));
    s.at(60_000);
    assert_eq!(s.state(), State::TimeWait);
    s.at(90_000);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), [Event::Closed]);
    // A normal end keeps no error; closing again is misuse.
    assert_eq!(s.conn.error(), None);
    assert_eq!(s.conn.close(), Err(CallError::NotConnected));
}

#[test]
fn fin_and_ack_together_go_from_fin_wait_1_to_time_wait() {
    let mut s = Script::established(plain());
    s.conn.close().unwrap();
    s.expect();
    s.inject(FIN | ACK, 1, 2, &[]);
    assert_eq!(s.state(), State::TimeWait);
}

#[test]
fn passive_close_walks_close_wait_last_ack_closed_and_half_close_still_sends() {
    let mut s = Script::established(plain());
    s.inject(FIN | ACK, 1, 1, &[]);
    assert_eq!(s.state(), State::CloseWait);
    assert_eq!(s.expect().ack, Some(2));
    assert_eq!(s.events(), [Event::PeerClosed]);
    // Half-close: this end still sends.
    assert_eq!(s.conn.send(b"late"), Ok(4));
    let d = s.expect();
    assert_eq!((d.seq, d.payload.as_slice()), (1, &b"late"[..]));
    s.inject(ACK, 2, 5, &[]);
    s.conn.close().unwrap();
    assert_eq!(s.state(), State::LastAck);
    let fin = s.expect();
    assert_eq!((fin.seq, fin.flags), (5, FIN | ACK));
    s.inject(ACK, 2, 6, &[]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), [Event::Writable, Event::Closed]);
}

#[test]
fn simultaneous_close_goes_through_closing() {
    let mut s = Script::established(plain());
    s.conn.close().unwrap();
    s.expect();
    s.inject(FIN | ACK, 1, 1, &[]); // the peer's FIN, not acknowledging ours
    assert_eq!(s.state(), State::Closing);
    assert_eq!(s.expect().ack, Some(2));
    s.inject(ACK, 2, 2, &[]);
    assert_eq!(s.state(), State::TimeWait);
}

#[test]
fn close_in_syn_received_sends_fin_once_established() {
    let mut s = Script::server(plain());
    s.inject(SYN, 0, 0, &[]);
    s.expect();
    s.conn.close().unwrap();
    assert_eq!(s.state(), State::SynReceived);
    s.inject(ACK, 1, 1, &[]);
    assert_eq!(s.state(), State::FinWait1);
    assert!(s.expect().has(FIN));
}

#[test]
fn a_fin_is_sent_again_on_timeout() {
    let mut s = Script::established(plain());
    s.conn.close().unwrap();
    s.expect();
    let again = s.at(1000).expect();
    assert_eq!((again.seq, again.flags), (1, FIN | ACK));
}

// ------------------------------------------------------------------ RST in every state

#[test]
fn reset_in_syn_sent_needs_an_acceptable_ack() {
    let mut s = Script::client(plain());
    s.expect();
    s.inject(RST, 0, 0, &[]);
    assert_eq!(s.state(), State::SynSent); // no ACK: ignored
    s.inject(RST | ACK, 0, 1, &[]);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), [Event::Lost(ConnectionError::Refused)]);
}

#[test]
fn a_lost_connection_returns_its_error_to_every_later_call() {
    let mut s = Script::established(plain());
    s.inject(ACK, 1, 1, b"unread");
    s.events();
    s.inject(RST, 7, 0, &[]);
    let lost = CallError::Lost(ConnectionError::Reset);
    assert_eq!(s.events(), [Event::Lost(ConnectionError::Reset)]);
    assert_eq!(s.conn.error(), Some(ConnectionError::Reset));
    assert_eq!(s.conn.send(b"x"), Err(lost));
    assert_eq!(s.conn.send_urgent(b"x"), Err(lost));
    assert_eq!(s.conn.recv(&mut [0u8; 16]), Err(lost));
    assert_eq!(s.conn.recv_with(|b| b.len()), Err(lost));
    assert_eq!(s.conn.close(), Err(lost));
    // Raised once; abort never fails, and the error stays.
    assert_eq!(s.events(), []);
    s.conn.abort();
    s.expect_none();
    assert_eq!(s.conn.error(), Some(ConnectionError::Reset));
    assert_eq!(s.conn.close(), Err(lost));
}

#[test]
fn reset_in_syn_received_returns_to_listen() {
    // RFC 9293 §3.10.7.4: a connection that came from LISTEN goes back there,
    // without telling the user, and can take the next SYN.
    let mut s = Script::server(plain());
    s.inject(SYN, 0, 0, &[]);
    s.expect();
    s.inject(RST, 1, 0, &[]);
    assert_eq!(s.state(), State::Listen);
    assert_eq!(s.events(), []);
    assert_eq!(s.conn.remote(), None);
    s.inject(SYN, 0, 0, &[]);
    assert_eq!(s.state(), State::SynReceived);
    s.expect();
    s.inject(ACK, 1, 1, &[]);
    assert_eq!(s.state(), State::Established);
}

/// Brings a connection to `state`, then checks RFC 5961 §3.2 there: a RST at
/// exactly RCV.NXT resets, one elsewhere in the window draws a challenge ACK, one
/// outside the window is dropped silently.
fn reset_rules_in(state: State) {
    let mut s = Script::established(plain());
    let mut rcv = 1;
    match state {
        State::Established => {}
        State::FinWait1 => {
            s.conn.close().unwrap();
            s.expect();
        }
        State::FinWait2 => {
            s.conn.close().unwrap();
            s.expect();
            s.inject(ACK, 1, 2, &[]);
        }
        State::CloseWait => {
            s.inject(FIN | ACK, 1, 1, &[]);
            s.expect();
            rcv = 2;
        }
        State::Closing => {
            s.conn.close().unwrap();
            s.expect();
            s.inject(FIN | ACK, 1, 1, &[]);
            s.expect();
            rcv = 2;
        }
        State::LastAck => {
            s.inject(FIN | ACK, 1, 1, &[]);
            s.expect();
            s.conn.close().unwrap();
            s.expect();
            rcv = 2;
        }
        State::TimeWait => {
            s.conn.close().unwrap();
            s.expect();
            s.inject(FIN | ACK, 1, 2, &[]);
            s.expect();
            rcv = 2;
        }
        _ => unreachable!(),
    }
    assert_eq!(s.state(), state);
    s.events();
    s.inject(RST, rcv + 100_000, 0, &[]).expect_none(); // outside the window
    assert_eq!(s.state(), state);
    s.inject(RST, rcv + 10, 0, &[]); // in the window, not exact
    let challenge = s.expect();
    assert_eq!((challenge.flags, challenge.ack), (ACK, Some(rcv)), "{state:?}");
    assert_eq!(s.state(), state);
    s.inject(RST, rcv, 0, &[]);
    assert_eq!(s.state(), State::Closed, "{state:?}");
    assert_eq!(s.events(), [Event::Lost(ConnectionError::Reset)]);
    assert_eq!(s.conn.error(), Some(ConnectionError::Reset));
    s.expect_none();
}

#[test]
fn reset_in_every_synchronized_state() {
    for state in [
        State::Established,
        State::FinWait1,
        State::FinWait2,
        State::CloseWait,
        State::Closing,
        State::LastAck,
        State::TimeWait,
    ] {
        reset_rules_in(state);
    }
}

// ------------------------------------------------------------------ RFC 5961

#[test]
fn syn_in_a_synchronized_state_draws_a_challenge_ack() {
    let mut s = Script::established(plain());
    s.inject(SYN, 1, 0, &[]); // RFC 5961 §4.2: in window or not, no reset
    let c = s.expect();
    assert_eq!((c.flags, c.seq, c.ack), (ACK, 1, Some(1)));
    assert_eq!(s.state(), State::Established);
}

#[test]
fn an_ack_for_data_never_sent_draws_a_challenge_ack() {
    let mut s = Script::established(plain());
    s.inject(ACK, 1, 100, b"x"); // RFC 5961 §5.2: SEG.ACK > SND.NXT
    let c = s.expect();
    assert_eq!((c.flags, c.ack), (ACK, Some(1))); // the data was dropped too
    assert_eq!(s.conn.recv_available(), 0);
    assert_eq!(s.conn.stats().challenge_acks, 1);
}

#[test]
fn challenge_acks_are_rate_limited() {
    let cfg = Config { challenge_ack_limit: 2, ..plain() };
    let mut s = Script::established(cfg);
    for _ in 0..5 {
        s.inject(SYN, 1, 0, &[]);
    }
    assert!(s.try_out().is_some());
    assert_eq!(s.conn.stats().challenge_acks, 2);
}

// ------------------------------------------------------------------ data

#[test]
fn in_order_data_is_acknowledged_by_the_delayed_ack_timer_or_every_second_segment() {
    let mut s = Script::established(plain());
    s.inject(ACK, 1, 1, b"hello");
    s.expect_none();
    assert_eq!(s.events(), [Event::Readable]);
    let mut buf = [0u8; 16];
    assert_eq!(s.conn.recv(&mut buf), Ok(5));
    s.at(39).expect_none();
    assert_eq!(s.at(40).expect().ack, Some(6));
    // Two full segments: acknowledged at once.
    let full = vec![7u8; 1460];
    s.inject(ACK, 6, 1, &full).expect_none();
    s.inject(ACK, 6 + 1460, 1, &full);
    assert_eq!(s.expect().ack, Some(6 + 2920));
}

#[test]
fn out_of_order_data_is_acknowledged_at_once_with_sack_blocks() {
    let cfg = Config { sack: true, ..plain() };
    let mut s = Script::client(cfg);
    s.expect();
    s.inject_with(SYN | ACK, 0, 1, &[], |r| r.sack_permitted = true);
    s.expect();
    s.inject(ACK, 101, 1, &[1; 100]); // 1..101 missing
    let dup = s.expect();
    assert_eq!((dup.ack, dup.sack.as_slice()), (Some(1), &[(101, 201)][..]));
    s.inject(ACK, 301, 1, &[1; 100]);
    let dup = s.expect();
    // RFC 2018 §4: the newest block first.
    assert_eq!(dup.sack, [(301, 401), (101, 201)]);
    s.inject(ACK, 1, 1, &[1; 100]); // fills the first hole
    let ack = s.expect();
    assert_eq!((ack.ack, ack.sack.as_slice()), (Some(201), &[(301, 401)][..]));
    assert_eq!(s.conn.recv_available(), 200);
}

#[test]
fn three_duplicate_acks_trigger_fast_retransmit() {
    let mut s = Script::established(Config { nagle: false, ..plain() });
    let data = vec![9u8; 1460 * 5];
    assert_eq!(s.conn.send(&data), Ok(data.len()));
    let mut segs = Vec::new();
    while let Some(o) = s.try_out() {
        segs.push(o);
    }
    assert_eq!(segs.len(), 5);
    s.inject(ACK, 1, 1 + 1460, &[]); // the first segment arrived, the second did not
    s.expect_none();
    for _ in 0..2 {
        s.inject(ACK, 1, 1 + 1460, &[]);
        s.expect_none();
    }
    s.inject(ACK, 1, 1 + 1460, &[]); // the third duplicate
    let re = s.expect();
    assert_eq!((re.seq, re.payload.len()), (1 + 1460, 1460));
    assert!(s.conn.in_recovery());
    assert_eq!(s.conn.stats().fast_recoveries, 1);
    // The full ACK ends recovery.
    s.inject(ACK, 1, 1 + 1460 * 5, &[]);
    assert!(!s.conn.in_recovery());
}

#[test]
fn sack_recovery_resends_only_the_holes() {
    let cfg = Config { sack: true, nagle: false, ..plain() };
    let mut s = Script::client(cfg);
    s.expect();
    s.inject_with(SYN | ACK, 0, 1, &[], |r| {
        r.sack_permitted = true;
        r.max_seg_size = Some(1000);
    });
    s.expect();
    let data = vec![9u8; 1000 * 8];
    s.conn.send(&data).unwrap();
    while s.try_out().is_some() {}
    // Segments 1 and 3 (of 0..8) lost: the peer SACKs 2, then 4..8.
    let iss = s.iss;
    let sack = |s: &mut Script, blocks: &[(u32, u32)]| {
        let b: Vec<_> =
            blocks.iter().map(|&(l, h)| (SeqNumber(iss + l), SeqNumber(iss + h))).collect();
        s.inject_with(ACK, 1, 1001, &[], |r| r.sack_ranges = SackRanges::from_slice(&b));
    };
    sack(&mut s, &[(2001, 3001)]);
    sack(&mut s, &[(4001, 5001), (2001, 3001)]);
    s.expect_none();
    // RFC 6675 IsLost(1001): more than 2 * SMSS SACKed above it. Recovery begins
    // with the first hole; cwnd = 3500 (half of 7000 in flight).
    sack(&mut s, &[(4001, 6001), (2001, 3001)]);
    assert!(s.conn.in_recovery());
    assert_eq!(s.expect().seq, 1001);
    // pipe = 3001..4001 and 6001..8001 not lost, plus 1001..2001 resent: 4000 > cwnd.
    s.expect_none();
    // One more SACKed segment: pipe 2000, room for one; NextSeg skips the SACKed
    // 2001..3001 and resends the second hole.
    sack(&mut s, &[(4001, 7001), (2001, 3001)]);
    let second = s.expect();
    assert_eq!((second.seq, second.payload.len()), (3001, 1000), "the next hole, not SACKed data");
    s.expect_none();
}

#[test]
fn a_lost_retransmission_is_sent_again_when_later_data_is_sacked() {
    let cfg = Config { sack: true, nagle: false, ..plain() };
    let mut s = Script::client(cfg);
    s.expect();
    s.inject_with(SYN | ACK, 0, 1, &[], |r| {
        r.sack_permitted = true;
        r.max_seg_size = Some(1000);
    });
    s.expect();
    s.conn.send(&[9u8; 8000]).unwrap();
    while s.try_out().is_some() {}
    let iss = s.iss;
    let sack = |s: &mut Script, hi: u32| {
        let b = [(SeqNumber(iss + 2001), SeqNumber(iss + hi))];
        s.inject_with(ACK, 1, 1001, &[], |r| r.sack_ranges = SackRanges::from_slice(&b));
    };
    // 1001..2001 lost; the rest arrives: recovery resends it.
    sack(&mut s, 3001);
    sack(&mut s, 4001);
    sack(&mut s, 5001);
    assert_eq!(s.expect().seq, 1001);
    // New data goes out after the retransmission and is SACKed, the hole is not:
    // the retransmission was lost too.
    s.conn.send(&[8u8; 4000]).unwrap();
    let mut hi = 5001;
    let mut resent = None;
    for _ in 0..20 {
        while let Some(o) = s.try_out() {
            if o.seq == 1001 {
                resent = Some(o);
            }
        }
        if resent.is_some() {
            break;
        }
        hi += 1000;
        sack(&mut s, hi.min(12001));
    }
    let again = resent.expect("the lost retransmission is sent again");
    assert_eq!(again.payload.len(), 1000);
    assert!(hi > 8001 + 2000, "only once later data was SACKed: {hi}");
    assert_eq!(s.conn.stats().retransmits_lost, 1);
    assert_eq!(s.conn.stats().timeouts, 0);
}

#[test]
fn a_zero_window_is_probed_and_reopens() {
    let mut s = Script::established(plain());
    s.inject_with(ACK, 1, 1, &[], |r| r.window_len = 0);
    s.conn.send(b"abc").unwrap();
    s.expect_none();
    let deadline = s.conn.poll_timeout().expect("persist timer");
    let probe = s.at(deadline.as_nanos() / 1_000_000).expect();
    assert_eq!((probe.seq, probe.payload.len()), (1, 1));
    // The window opens: the data goes.
    s.inject_with(ACK, 1, 1, &[], |r| r.window_len = 1000);
    let d = s.expect();
    assert_eq!((d.seq, d.payload.as_slice()), (1, &b"abc"[..]));
}

#[test]
fn a_zero_window_answered_for_an_hour_never_times_out_but_silence_does() {
    let cfg = Config { max_retransmits: 3, user_timeout: Duration::from_secs(60), ..plain() };
    let mut s = Script::established(cfg);
    s.inject_with(ACK, 1, 1, &[], |r| r.window_len = 0);
    s.conn.send(b"abc").unwrap();
    s.expect_none();
    // RFC 9293 §3.8.6.1: the peer answers every probe, still with a zero window.
    let mut probes = 0;
    while s.now < Instant::from_millis(3_600_000) {
        let t = s.conn.poll_timeout().expect("persist timer");
        s.at(t.as_nanos() / 1_000_000);
        if let Some(p) = s.try_out() {
            assert_eq!(p.payload.len(), 1);
            probes += 1;
            s.inject_with(ACK, 1, 1, &[], |r| r.window_len = 0);
        }
    }
    assert_eq!(s.state(), State::Established);
    assert!(probes > 50, "{probes}"); // the interval backs off to the RTO ceiling
                                      // Now the peer goes silent: given up after max_retransmits unanswered probes.
    while s.state() == State::Established {
        let t = s.conn.poll_timeout().expect("persist timer");
        s.at(t.as_nanos() / 1_000_000);
        while s.try_out().is_some() {}
    }
    assert_eq!(s.events(), [Event::Lost(ConnectionError::TimedOut)]);
}

#[test]
fn keepalives_probe_an_idle_connection_then_give_up() {
    let cfg = Config {
        keepalive: Some(wirestate_tcp_conn::Keepalive {
            idle: Duration::from_secs(10),
            interval: Duration::from_secs(1),
            probes: 2,
        }),
        ..plain()
    };
    let mut s = Script::established(cfg);
    let k = s.at(10_000).expect();
    assert_eq!((k.seq, k.payload.len()), (0, 0)); // SND.NXT - 1
    s.at(11_000).expect();
    s.at(12_000);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(s.events(), [Event::Lost(ConnectionError::TimedOut)]);
}

#[test]
fn paws_drops_an_old_timestamp() {
    let cfg = Config { timestamps: true, ..plain() };
    let mut s = Script::client(cfg);
    s.expect();
    s.inject_with(SYN | ACK, 0, 1, &[], |r| r.timestamps = Some((1000, 0)));
    s.expect();
    s.inject_with(ACK, 1, 1, b"new", |r| r.timestamps = Some((1010, 0)));
    s.inject_with(ACK, 4, 1, b"old", |r| r.timestamps = Some((900, 0)));
    // RFC 7323 §5.3: the old segment is acknowledged (not accepted) at once.
    assert_eq!(s.expect().ack, Some(4));
    assert_eq!(s.conn.recv_available(), 3);
}

#[test]
fn user_timeout_gives_up_on_unacknowledged_data() {
    let cfg = Config { user_timeout: Duration::from_secs(5), ..plain() };
    let mut s = Script::established(cfg);
    s.conn.send(b"x").unwrap();
    s.expect();
    let mut t = 0;
    while s.state() != State::Closed && t < 60_000 {
        t += 100;
        s.at(t);
        while s.try_out().is_some() {}
    }
    assert!((5000..=8000).contains(&t), "{t}");
    assert_eq!(s.events(), [Event::Lost(ConnectionError::TimedOut)]);
}

// ------------------------------------------------------------------ urgent data

const URG: Flags = Flags::URG;

#[test]
fn urgent_data_received_is_signalled_once_and_counted_down_as_it_is_read() {
    // RFC 9293 §3.10.7.4 sixth step and §3.8.5 (MUST-32, MUST-33): the user hears
    // when the urgent pointer moves ahead of what was read, and can learn how much
    // urgent data is left (some of it may not have arrived); the bytes themselves
    // are read in line.
    let mut s = Script::established(plain());
    s.inject_with(ACK | URG, 1, 1, b"abc", |r| r.urgent_at = 7); // urgent up to 8
                                                                 // In the order raised: the sixth step (URG) comes before the seventh (text).
    assert_eq!(s.events(), [Event::Urgent, Event::Readable]);
    assert_eq!(s.conn.urgent_remaining(), 7);
    let mut buf = [0u8; 16];
    assert_eq!(s.conn.recv(&mut buf[..2]), Ok(2));
    assert_eq!(s.conn.urgent_remaining(), 5);
    // The next segment of the same urgent data, same pointer: no new signal.
    s.inject_with(ACK | URG, 4, 1, b"defg", |r| r.urgent_at = 4);
    assert_eq!(s.events(), [Event::Readable]);
    assert_eq!(s.conn.urgent_remaining(), 5);
    assert_eq!(s.conn.recv(&mut buf), Ok(5));
    assert_eq!(&buf[..5], b"cdefg");
    assert_eq!(s.conn.urgent_remaining(), 0);
    // A pointer that moves on is signalled again.
    s.inject_with(ACK | URG, 8, 1, b"hi", |r| r.urgent_at = 1);
    assert_eq!(s.events(), [Event::Urgent, Event::Readable]);
    assert_eq!(s.conn.urgent_remaining(), 1);
    // One that points at data already read means nothing is urgent.
    assert_eq!(s.conn.recv(&mut buf), Ok(2));
    s.inject_with(ACK | URG, 10, 1, b"j", |r| r.urgent_at = 0);
    assert_eq!(s.events(), [Event::Readable]);
    assert_eq!(s.conn.urgent_remaining(), 0);
}

#[test]
fn urgent_data_sent_carries_urg_and_the_pointer_until_acknowledged() {
    // RFC 9293 §3.8.5 (MUST-62): the pointer is the sequence number of the octet
    // after the urgent data, relative to each segment's own sequence number.
    let mut s = Script::established(Config { nagle: false, mss: 1000, ..plain() });
    s.inject_with(ACK, 1, 1, &[], |r| r.max_seg_size = Some(1000));
    assert_eq!(s.conn.send(&[1; 1500]).unwrap(), 1500);
    assert_eq!(s.conn.send_urgent(b"!").unwrap(), 1);
    let first = s.expect();
    assert_eq!((first.seq, first.payload.len()), (1, 1000));
    assert!(first.has(URG));
    assert_eq!(first.up, 1501); // after byte 1501, the urgent one
    let second = s.expect();
    assert_eq!((second.seq, second.payload.len()), (1001, 501));
    assert!(second.has(URG));
    assert_eq!(second.up, 501);
    // Acknowledged: urgent mode ends, later data goes without URG.
    s.inject(ACK, 1, 1502, &[]);
    s.conn.send(b"plain").unwrap();
    let third = s.expect();
    assert_eq!(third.seq, 1502);
    assert!(!third.has(URG));
}
