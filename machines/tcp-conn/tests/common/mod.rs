//! Two connections over a simulated link, for the model test and the goodput
//! table: loss, duplication, reordering and delay from a seeded generator, so a
//! failing case replays exactly.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::SocketAddr;
use core::time::Duration;

use wirestate_tcp::{Repr, Segment};
use wirestate_tcp_conn::{Config, Connection, Ecn, Event, IsnKey, State};
use wirestate_wire::Instant;

/// The key of the tests' configurations (any key will do; a real one comes from
/// entropy).
pub fn key() -> IsnKey {
    IsnKey::new(*b"wirestate tests!")
}

/// splitmix64: small, seedable, good enough to pick losses.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// What the link does to each segment.
#[derive(Debug, Clone, Copy)]
pub struct LinkConfig {
    /// One-way delay.
    pub delay: Duration,
    /// Extra random delay up to this (reorders segments).
    pub jitter: Duration,
    pub loss: f64,
    pub duplicate: f64,
    /// Serialisation: bytes per second, 0 for none.
    pub rate: u64,
    /// Queue limit in segments (drop-tail), 0 for none.
    pub queue: usize,
    /// At the queue limit, mark ECN-capable packets Congestion Experienced
    /// instead of dropping them (RFC 3168 §5); others are still dropped.
    pub mark_ce: bool,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            delay: Duration::from_millis(10),
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
            rate: 0,
            queue: 0,
            mark_ce: false,
        }
    }
}

struct InFlight {
    at: Instant,
    order: u64,
    to_b: bool,
    bytes: Vec<u8>,
    ecn: Ecn,
}

/// Two endpoints, A (the client) and B (the server), and the link between them.
pub struct Pair {
    pub a: Connection,
    pub b: Connection,
    pub a_addr: SocketAddr,
    pub b_addr: SocketAddr,
    pub now: Instant,
    pub link: LinkConfig,
    pub rng: Rng,
    queue: Vec<InFlight>,
    order: u64,
    /// When each direction's link is free again (serialisation).
    busy_until: [Instant; 2],
    pub a_events: Vec<Event>,
    pub b_events: Vec<Event>,
    pub segments: u64,
    /// Packets each side sent with an ECT codepoint: [A, B].
    pub ect_sent: [u64; 2],
    /// Packets the link marked CE instead of dropping.
    pub ce_marked: u64,
    /// A's congestion window each time it changed.
    pub a_cwnd: Vec<(Instant, usize)>,
}

/// What each side writes, and what it got.
#[derive(Debug, Default)]
pub struct Transfer {
    pub a_sent: usize,
    pub b_sent: usize,
    pub a_got: Vec<u8>,
    pub b_got: Vec<u8>,
    pub a_closed: bool,
    pub b_closed: bool,
}

impl Pair {
    pub fn new(a_cfg: Config, b_cfg: Config, link: LinkConfig, seed: u64) -> Self {
        let a_addr: SocketAddr = "192.0.2.1:40000".parse().unwrap();
        let b_addr: SocketAddr = "198.51.100.2:80".parse().unwrap();
        let now = Instant::from_millis(1);
        Pair {
            a: Connection::connect(now, a_cfg, a_addr, b_addr),
            b: Connection::listen(b_cfg, b_addr),
            a_addr,
            b_addr,
            now,
            link,
            rng: Rng::new(seed),
            queue: Vec::new(),
            order: 0,
            busy_until: [now; 2],
            a_events: Vec::new(),
            b_events: Vec::new(),
            segments: 0,
            ect_sent: [0; 2],
            ce_marked: 0,
            a_cwnd: Vec::new(),
        }
    }

    fn send(&mut self, to_b: bool, bytes: &[u8], mut ecn: Ecn) {
        self.segments += 1;
        if ecn != Ecn::NotEct {
            self.ect_sent[usize::from(!to_b)] += 1;
        }
        let dir = usize::from(to_b);
        let mut at = self.now;
        if let Some(nanos) = (bytes.len() as u64 * 1_000_000_000).checked_div(self.link.rate) {
            let start = self.busy_until[dir].max(self.now);
            let tx = Duration::from_nanos(nanos);
            if self.link.queue > 0 {
                let waiting = self
                    .queue
                    .iter()
                    .filter(|f| f.to_b == to_b && f.at > self.now + self.link.delay)
                    .count();
                if waiting >= self.link.queue {
                    if !(self.link.mark_ce && matches!(ecn, Ecn::Ect0 | Ecn::Ect1)) {
                        return; // drop-tail
                    }
                    ecn = Ecn::Ce;
                    self.ce_marked += 1;
                }
            }
            self.busy_until[dir] = start + tx;
            at = start + tx;
        }
        if self.rng.chance(self.link.loss) {
            return;
        }
        let copies = if self.rng.chance(self.link.duplicate) { 2 } else { 1 };
        for _ in 0..copies {
            let jitter = if self.link.jitter.is_zero() {
                Duration::ZERO
            } else {
                Duration::from_nanos(self.rng.below(self.link.jitter.as_nanos() as u64))
            };
            self.order += 1;
            self.queue.push(InFlight {
                at: at + self.link.delay + jitter,
                order: self.order,
                to_b,
                bytes: bytes.to_vec(),
                ecn,
            });
        }
    }

    /// Moves every segment both connections owe onto the link.
    pub fn flush(&mut self) {
        let mut buf = vec![0u8; 2048];
        loop {
            let mut any = false;
            while let Some(t) = self.a.poll_transmit(self.now, &mut buf).unwrap() {
                let bytes = buf[..t.len].to_vec();
                self.send(true, &bytes, t.ecn);
                any = true;
            }
            while let Some(t) = self.b.poll_transmit(self.now, &mut buf).unwrap() {
                let bytes = buf[..t.len].to_vec();
                self.send(false, &bytes, t.ecn);
                any = true;
            }
            check(&self.a);
            check(&self.b);
            if self.a_cwnd.last().is_none_or(|&(_, w)| w != self.a.cwnd()) {
                self.a_cwnd.push((self.now, self.a.cwnd()));
            }
            if !any {
                break;
            }
        }
        while let Some(e) = self.a.poll_event() {
            self.a_events.push(e);
        }
        while let Some(e) = self.b.poll_event() {
            self.b_events.push(e);
        }
    }

    /// The next thing that happens: a delivery or a timer.
    pub fn next_time(&self) -> Option<Instant> {
        let link = self.queue.iter().map(|f| f.at).min();
        [link, self.a.poll_timeout(), self.b.poll_timeout()].into_iter().flatten().min()
    }

    /// Advances to `t`: delivers what is due, in arrival order, and runs timers.
    pub fn advance(&mut self, t: Instant) {
        self.now = self.now.max(t);
        loop {
            let due = self
                .queue
                .iter()
                .enumerate()
                .filter(|(_, f)| f.at <= self.now)
                .min_by_key(|(_, f)| (f.at, f.order))
                .map(|(i, _)| i);
            let Some(i) = due else { break };
            let f = self.queue.swap_remove(i);
            let (src, dst) =
                if f.to_b { (self.a_addr, self.b_addr) } else { (self.b_addr, self.a_addr) };
            let seg = Segment::new_checked(&f.bytes[..]).expect("a whole segment");
            let repr = Repr::parse_verified(&seg, src.ip(), dst.ip()).expect("checksum");
            if std::env::var_os("TCP_TRACE").is_some() {
                let (who, c) = if f.to_b { ("A>B", &self.b) } else { ("B>A", &self.a) };
                eprintln!(
                    "{:>8.3} {who} seq={} ack={:?} f={:?} len={} win={} sack={:?} | rx {:?}",
                    self.now.as_nanos() as f64 / 1e6,
                    repr.seq_number.0,
                    repr.ack_number.map(|a| a.0),
                    repr.flags,
                    repr.payload.len(),
                    repr.window_len,
                    repr.sack_ranges.as_slice(),
                    c.state()
                );
            }
            if f.to_b {
                self.b.handle_segment_ecn(self.now, src.ip(), f.ecn, &repr);
                check(&self.b);
            } else {
                self.a.handle_segment_ecn(self.now, src.ip(), f.ecn, &repr);
                check(&self.a);
            }
        }
        let now = self.now;
        for (name, c) in [("A", &mut self.a), ("B", &mut self.b)] {
            if c.poll_timeout().is_some_and(|d| d <= now) {
                if std::env::var_os("TCP_TRACE").is_some() {
                    let ms = now.as_nanos() as f64 / 1e6;
                    eprintln!(
                        "{ms:>8.3} {name} timeout {:?} una/nxt/rcv {:?}",
                        c.state(),
                        c.sequence()
                    );
                }
                c.handle_timeout(now);
                check(c);
            }
        }
    }

    /// Runs both applications: A writes `a_data` then closes, B writes `b_data` then
    /// closes; both read everything. Stops when nothing is left to happen or at
    /// `limit` of simulated time.
    pub fn run(&mut self, a_data: &[u8], b_data: &[u8], limit: Duration) -> Transfer {
        let mut x = Transfer::default();
        let mut buf = vec![0u8; 64 * 1024];
        let end = self.now + limit;
        let mut steps = 0u64;
        loop {
            steps += 1;
            assert!(steps < 50_000_000, "no progress");
            // Applications.
            if x.a_sent < a_data.len() {
                if let Ok(n) = self.a.send(&a_data[x.a_sent..]) {
                    x.a_sent += n;
                }
            }
            if x.a_sent == a_data.len() && !x.a_closed && self.a.state() != State::SynSent {
                let _ = self.a.shutdown();
                x.a_closed = true;
            }
            if self.b.state() != State::Listen && self.b.state() != State::SynReceived {
                if x.b_sent < b_data.len() {
                    if let Ok(n) = self.b.send(&b_data[x.b_sent..]) {
                        x.b_sent += n;
                    }
                }
                if x.b_sent == b_data.len() && !x.b_closed {
                    let _ = self.b.shutdown();
                    x.b_closed = true;
                }
            }
            loop {
                let n = self.a.recv(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                x.a_got.extend_from_slice(&buf[..n]);
            }
            loop {
                let n = self.b.recv(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                x.b_got.extend_from_slice(&buf[..n]);
            }
            self.flush();
            let Some(t) = self.next_time() else { break };
            if t > end {
                break;
            }
            self.advance(t);
        }
        x
    }
}

impl Pair {
    /// A writes `data` (without closing); runs until B has read all of it, or
    /// `limit` passes. Returns the bytes B read.
    pub fn run_until_received(&mut self, data: &[u8], limit: Duration) -> usize {
        let end = self.now + limit;
        let (mut sent, mut got) = (0, 0);
        let mut buf = vec![0u8; 64 * 1024];
        while got < data.len() {
            if sent < data.len() {
                if let Ok(n) = self.a.send(&data[sent..]) {
                    sent += n;
                }
            }
            loop {
                let n = self.b.recv(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                got += n;
            }
            self.flush();
            if got >= data.len() {
                break;
            }
            let Some(t) = self.next_time() else { break };
            if t > end {
                break;
            }
            self.advance(t);
        }
        got
    }
}

/// The machine's own invariants, after every input and output.
pub fn check(c: &Connection) {
    if let Err(e) = c.check_invariants() {
        panic!("invariant broken: {e}: {c:#?}");
    }
}
