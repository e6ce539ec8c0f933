//! The driver: walks a script's events on a virtual clock, injects the `<`
//! segments into the connections it made, and checks every `>` segment the
//! stack sends against the script, with packetdrill's own rules.
//!
//! - **Time** is virtual: the clock moves to each event's time, firing the
//!   connections' timers on the way. Relative times count from the previous
//!   event as it really happened (consecutive inbound packets from the previous
//!   packet's script time), and an outbound segment's time is checked with
//!   packetdrill's tolerance: `--tolerance_usecs` (4 ms by default) or
//!   `--tolerance_percent` (12.5 %) of the gap since the previous event,
//!   whichever is larger.
//! - **Sequence numbers** are relative to each side's initial sequence number,
//!   as packetdrill writes them: the peer's ISN is the runner's own, the
//!   stack's is learned from the first SYN it sends. An inbound TSecr is mapped
//!   to the stack's real TSval the way packetdrill maps it; outbound TSvals are
//!   not checked (packetdrill checks them only with `--tcp_ts_tick_usecs`).
//! - **Verdicts**: a difference in anything the protocol decides (flags, sequence
//!   and acknowledgment numbers, payload length, SACK blocks, which options are
//!   present, TSecr, a segment that never comes, one that should not be there, a
//!   system call's result) is a FAIL at that line. A difference in what RFCs
//!   leave to the stack (the window value, option layout and padding, the MSS or
//!   window-scale value, PSH, a segment's timing, buffer sizes a socket reports)
//!   is a TUNING difference: it is recorded and the script goes on, with the
//!   stack's own values. Modes the runner does not model end the script as
//!   SKIP with the reason.

mod segment;
mod syscall;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use wirestate_tcp::{Repr, Segment, SeqNumber};
use wirestate_tcp_conn::{Connection, Ecn, Listener, State};
use wirestate_wire::Instant;

use crate::ast::{Action, Event, Script, TimeKind};
use crate::profile::{Profile, SysctlEffect};

/// How one script ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every line held.
    Pass,
    /// Every protocol check held; some stack-tuned values differed.
    Tuning,
    /// A protocol check failed.
    Fail(Difference),
    /// The script needs something the runner does not model.
    Skip(String),
}

impl Verdict {
    /// `PASS`, `TUNING`, `FAIL` or `SKIP`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Tuning => "TUNING",
            Verdict::Fail(_) => "FAIL",
            Verdict::Skip(_) => "SKIP",
        }
    }
}

/// One line that did not hold: what the script says and what the stack did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The script line.
    pub line: usize,
    /// What differs (`tcp_seq`, `window`, `timing`, `options`, ...).
    pub field: String,
    /// What the script expects.
    pub expected: String,
    /// What the stack did.
    pub got: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}: expected {}, got {}",
            self.line, self.field, self.expected, self.got
        )
    }
}

/// A script's verdict and the tuning differences seen on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub verdict: Verdict,
    /// Stack-tuned values that differed from the script's.
    pub tuning: Vec<Difference>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.verdict {
            Verdict::Fail(d) => write!(f, "FAIL {d}")?,
            Verdict::Skip(why) => write!(f, "SKIP {why}")?,
            v => f.write_str(v.label())?,
        }
        if let Some(first) = self.tuning.first() {
            write!(f, " (tuning: {first}")?;
            if self.tuning.len() > 1 {
                write!(f, "; and {} more", self.tuning.len() - 1)?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Runs `script` against wirestate-tcp-conn with `profile`'s defaults.
///
/// ```
/// use wirestate_packetdrill::{parse, run_script, Profile, ProfileName, Verdict};
/// let script = parse(
///     "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n\
///      +0 bind(3, ..., ...) = 0\n\
///      +0 listen(3, 1) = 0\n\
///      +0 < S 0:0(0) win 65535 <mss 1460>\n\
///      +0 > S. 0:0(0) ack 1 <...>\n\
///      +0 < . 1:1(0) ack 2 win 65535\n",
/// )
/// .unwrap();
/// let out = run_script(&script, &Profile::new(ProfileName::Rfc));
/// // The SYN,ACK acknowledges 1, not 2: the ACK of 2 acknowledges nothing sent.
/// assert!(matches!(out.verdict, Verdict::Pass | Verdict::Tuning), "{out}");
/// ```
pub fn run_script(script: &Script, profile: &Profile) -> Outcome {
    let mut run = Run::new(script, profile.clone());
    let verdict = match run.run(script) {
        Ok(()) if run.tuning.is_empty() => Verdict::Pass,
        Ok(()) => Verdict::Tuning,
        Err(Stop::Fail(d)) => Verdict::Fail(d),
        Err(Stop::Skip(why)) => Verdict::Skip(why),
    };
    Outcome { verdict, tuning: run.tuning }
}

/// Why a run stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    Fail(Difference),
    Skip(String),
}

pub(crate) type Step = Result<(), Stop>;

/// A socket the script made, by descriptor.
#[derive(Debug)]
pub(crate) enum Socket {
    /// Made (and perhaps bound), not yet listening or connected.
    Fresh { cfg: Box<wirestate_tcp_conn::Config> },
    /// Listening.
    Listening(usize),
    /// A connection: its index in `Run::conns`.
    Conn(usize),
}

/// The microsecond timeline: script time 0 is this instant, so that no clock
/// arithmetic goes below zero.
const EPOCH_US: u64 = 1_000_000;

/// The peer's initial sequence number (packetdrill picks its own; any value works).
const REMOTE_ISN: u32 = 0x7c00_0000;

pub(crate) struct Run {
    pub(crate) profile: Profile,
    pub(crate) local_ip: IpAddr,
    pub(crate) remote_ip: IpAddr,
    pub(crate) remote_port: u16,
    /// Microseconds since the script started.
    pub(crate) now_us: i64,
    /// The previous event: its time as it happened, its script time, and
    /// whether it was an inbound packet.
    last: Option<(i64, i64, bool)>,
    pub(crate) sockets: BTreeMap<i64, Socket>,
    pub(crate) conns: Vec<Connection>,
    pub(crate) listeners: Vec<Listener>,
    /// The descriptor the last system call used (for `tcpi_state`).
    pub(crate) last_fd: Option<i64>,
    /// Segments the stack sent and the script has not matched yet.
    pub(crate) outbound: VecDeque<(i64, Vec<u8>, Ecn)>,
    pub(crate) local_iss: Option<u32>,
    /// TSval mapping: the script's first outbound TSval and the stack's, and
    /// every exact pair seen.
    pub(crate) ts_first: Option<(u32, u32)>,
    pub(crate) ts_map: HashMap<u32, u32>,
    tolerance_us: i64,
    tolerance_percent: f64,
    pub(crate) tuning: Vec<Difference>,
    /// Print every segment both ways on stderr (`PACKETDRILL_TRACE=1`).
    pub(crate) trace: bool,
    /// Where connections write their segments (the largest a segment can be).
    buf: Vec<u8>,
}

impl Run {
    fn new(script: &Script, profile: Profile) -> Run {
        let mut ipv6 = false;
        let mut tolerance_us = 4_000;
        let mut tolerance_percent = 12.5;
        for (name, value) in &script.options {
            let value = value.as_deref().unwrap_or("");
            match name.as_str() {
                "ip_version" => ipv6 = value == "ipv6",
                "tolerance_usecs" => tolerance_us = value.parse().unwrap_or(tolerance_us),
                "tolerance_percent" => {
                    tolerance_percent = value.parse().unwrap_or(tolerance_percent)
                }
                _ => {}
            }
        }
        let (local_ip, remote_ip): (IpAddr, IpAddr) = if ipv6 {
            (
                IpAddr::V6("fd3d:fa7b:d17d::1".parse().unwrap_or(std::net::Ipv6Addr::LOCALHOST)),
                IpAddr::V6("fd3d:fa7b:d17d::2".parse().unwrap_or(std::net::Ipv6Addr::LOCALHOST)),
            )
        } else {
            (IpAddr::V4([192, 168, 0, 1].into()), IpAddr::V4([192, 0, 2, 1].into()))
        };
        Run {
            profile,
            local_ip,
            remote_ip,
            remote_port: 50_123,
            now_us: 0,
            last: None,
            sockets: BTreeMap::new(),
            conns: Vec::new(),
            listeners: Vec::new(),
            last_fd: None,
            outbound: VecDeque::new(),
            local_iss: None,
            ts_first: None,
            ts_map: HashMap::new(),
            tolerance_us,
            tolerance_percent,
            tuning: Vec::new(),
            trace: std::env::var_os("PACKETDRILL_TRACE").is_some(),
            buf: vec![0u8; 70_000],
        }
    }

    pub(crate) fn instant(us: i64) -> Instant {
        Instant::from_micros(EPOCH_US.saturating_add(u64::try_from(us.max(0)).unwrap_or(0)))
    }

    pub(crate) fn now(&self) -> Instant {
        Run::instant(self.now_us)
    }

    pub(crate) fn remote_isn(&self) -> u32 {
        REMOTE_ISN
    }

    pub(crate) fn remote(&self) -> SocketAddr {
        SocketAddr::new(self.remote_ip, self.remote_port)
    }

    fn run(&mut self, script: &Script) -> Step {
        for event in &script.events {
            self.event(event)?;
        }
        Ok(())
    }

    /// The script time (microseconds) an event is due at, and the end of its
    /// range if it has one.
    fn due(&self, event: &Event, inbound: bool) -> (i64, Option<i64>) {
        let t = event.time;
        let base = match (t.kind, self.last) {
            (TimeKind::Absolute, _) => 0,
            (TimeKind::Init | TimeKind::Cleanup, _) => return (self.now_us, None),
            (_, None) => 0,
            // Consecutive inbound packets are anchored to the script time of
            // the previous one, as packetdrill does.
            (_, Some((_, script, true))) if inbound => script,
            (_, Some((live, _, _))) => live,
        };
        match t.kind {
            TimeKind::Any => (self.now_us, None),
            _ => (base + t.start_us, t.end_us.map(|e| base + e)),
        }
    }

    fn event(&mut self, event: &Event) -> Step {
        let inbound = matches!(&event.action, Action::Packet(p) if p.direction == crate::ast::Direction::Inbound);
        let (due, due_end) = self.due(event, inbound);
        let any = event.time.kind == TimeKind::Any;
        match &event.action {
            Action::Packet(p) if p.direction == crate::ast::Direction::Outbound => {
                let happened = self.expect_outbound(event.line, p, due, due_end, any)?;
                self.last = Some((happened, due, false));
                return Ok(());
            }
            Action::Packet(p) => {
                self.advance_to(due);
                self.inject(event.line, p)?;
            }
            Action::Syscall(call) => {
                self.advance_to(due);
                let Some(end) = event.time.blocking_end_us else {
                    self.syscall(event.line, call, None)?;
                    self.drain();
                    self.last = Some((self.now_us, due, false));
                    return Ok(());
                };
                // A blocking call starts now and returns by `end`; the events
                // after it count from its start, as packetdrill runs it aside.
                let end = match event.time.kind {
                    TimeKind::Relative => self.last.map_or(0, |l| l.0) + end,
                    _ => end,
                };
                self.syscall(event.line, call, Some(end))?;
                self.drain();
                self.last = Some((due, due, false));
                return Ok(());
            }
            Action::Command(cmd) => {
                self.advance_to(due);
                self.command(cmd)?;
            }
            Action::Code(code) => {
                self.advance_to(due);
                self.code(event.line, code)?;
            }
        }
        self.drain();
        self.last = Some((self.now_us, due, inbound));
        Ok(())
    }

    /// Moves the clock to `us`, firing every timer due on the way, and collects
    /// what the stack sends.
    pub(crate) fn advance_to(&mut self, us: i64) {
        loop {
            self.drain();
            match self.next_deadline() {
                Some(at) if at <= us => {
                    self.now_us = self.now_us.max(at);
                    self.fire_timers();
                }
                _ => break,
            }
        }
        self.now_us = self.now_us.max(us);
    }

    /// The earliest timer of any connection or listener, in script microseconds.
    pub(crate) fn next_deadline(&self) -> Option<i64> {
        let conns = self.conns.iter().filter_map(Connection::poll_timeout);
        let listeners = self.listeners.iter().filter_map(Listener::poll_timeout);
        let at = conns.chain(listeners).min()?;
        let us = (at.as_nanos() / 1_000) as i64 - EPOCH_US as i64;
        Some(us)
    }

    fn fire_timers(&mut self) {
        let now = self.now();
        for c in &mut self.conns {
            if c.poll_timeout().is_some_and(|t| t <= now) {
                c.handle_timeout(now);
            }
        }
        for l in &mut self.listeners {
            if l.poll_timeout().is_some_and(|t| t <= now) {
                l.handle_timeout(now);
            }
        }
    }

    /// Collects every segment the connections and listeners owe.
    pub(crate) fn drain(&mut self) {
        let now = self.now();
        let buf = &mut self.buf;
        let mut sent: Vec<(Vec<u8>, Ecn)> = Vec::new();
        for c in &mut self.conns {
            while let Ok(Some(t)) = c.poll_transmit(now, buf) {
                sent.push((buf.get(..t.len).unwrap_or_default().to_vec(), t.ecn));
            }
            while c.poll_event().is_some() {}
        }
        for l in &mut self.listeners {
            while let Ok(Some(t)) = l.poll_transmit(now, buf) {
                sent.push((buf.get(..t.len).unwrap_or_default().to_vec(), t.ecn));
            }
        }
        for (bytes, ecn) in sent {
            self.learn_iss(&bytes);
            self.outbound.push_back((self.now_us, bytes, ecn));
        }
    }

    /// The stack's ISS, from the first SYN it sends.
    fn learn_iss(&mut self, bytes: &[u8]) {
        if self.local_iss.is_some() {
            return;
        }
        if let Ok(seg) = Segment::new_checked(bytes) {
            if seg.flags().contains(wirestate_tcp::Flags::SYN) {
                self.local_iss = Some(seg.seq_number().0);
            }
        }
    }

    /// The tolerance for an event due at `due` after the previous one.
    fn tolerance(&self, due: i64) -> i64 {
        let gap = self.last.map_or(due, |(_, script, _)| due - script).max(0);
        let dynamic = (self.tolerance_percent / 100.0 * gap as f64) as i64;
        self.tolerance_us.max(dynamic)
    }

    /// Waits for the next outbound segment and checks it; returns when it left.
    fn expect_outbound(
        &mut self,
        line: usize,
        p: &crate::ast::Packet,
        due: i64,
        due_end: Option<i64>,
        any: bool,
    ) -> Result<i64, Stop> {
        let tol = self.tolerance(due);
        let latest = due_end.unwrap_or(due) + tol;
        // Let the clock run until the segment comes or its time has passed.
        while self.outbound.is_empty() {
            self.drain();
            if !self.outbound.is_empty() {
                break;
            }
            match self.next_deadline() {
                Some(at) if at <= latest || any => {
                    self.now_us = self.now_us.max(at);
                    self.fire_timers();
                }
                _ => break,
            }
        }
        if self.outbound.is_empty() {
            // Nothing by then: a later segment would be a timing difference, so
            // look further (bounded) before calling it missing.
            let horizon = latest + 600_000_000;
            while self.outbound.is_empty() {
                match self.next_deadline() {
                    Some(at) if at <= horizon => {
                        self.now_us = self.now_us.max(at);
                        self.fire_timers();
                        self.drain();
                    }
                    _ => break,
                }
            }
        }
        let Some((at, bytes, ecn)) = self.outbound.pop_front() else {
            self.now_us = self.now_us.max(due);
            return Err(self.fail(line, "packet", &segment::describe_expected(p), "nothing sent"));
        };
        self.check_outbound(line, p, &bytes, ecn)?;
        if !any {
            let early = due - tol;
            if at < early || at > latest {
                let expected = match due_end {
                    Some(end) => format!("at {}~{} s", secs(due), secs(end)),
                    None => format!("at {} s (± {} s)", secs(due), secs(tol)),
                };
                self.tune(line, "timing", &expected, &format!("at {} s", secs(at)));
            }
        }
        self.now_us = self.now_us.max(at);
        Ok(at)
    }

    pub(crate) fn fail(&self, line: usize, field: &str, expected: &str, got: &str) -> Stop {
        Stop::Fail(Difference {
            line,
            field: field.into(),
            expected: expected.into(),
            got: got.into(),
        })
    }

    pub(crate) fn tune(&mut self, line: usize, field: &str, expected: &str, got: &str) {
        self.tuning.push(Difference {
            line,
            field: field.into(),
            expected: expected.into(),
            got: got.into(),
        });
    }

    /// A backquoted command: `sysctl -w` changes the profile; others are
    /// ignored (they set up the real machine packetdrill runs on).
    fn command(&mut self, cmd: &str) -> Step {
        let cmd = cmd.trim();
        if let Some(rest) = cmd.strip_prefix("sysctl -w ").or_else(|| cmd.strip_prefix("sysctl ")) {
            for assignment in rest.split_whitespace().filter(|a| a.contains('=')) {
                let (name, value) = assignment.split_once('=').unwrap_or((assignment, ""));
                if let SysctlEffect::Skip(why) = self.profile.sysctl(name, value) {
                    return Err(Stop::Skip(why.into()));
                }
            }
        }
        Ok(())
    }

    /// A `%{ }%` block: `assert tcpi_state == TCPI_X` is checked; anything
    /// else reads TCP_INFO fields this runner does not model, and is passed over.
    fn code(&mut self, line: usize, code: &str) -> Step {
        let code = code.trim();
        let Some(want) = code.strip_prefix("assert tcpi_state ==").map(str::trim) else {
            return Ok(());
        };
        let got = self.current_state();
        let got_name = got.map_or("none", tcpi_name);
        if want != got_name {
            return Err(self.fail(line, "tcpi_state", want, got_name));
        }
        Ok(())
    }

    /// The state of the socket the last system call used.
    pub(crate) fn current_state(&self) -> Option<State> {
        match self.sockets.get(&self.last_fd?)? {
            Socket::Fresh { .. } => Some(State::Closed),
            Socket::Listening(_) => Some(State::Listen),
            Socket::Conn(i) => self.conns.get(*i).map(Connection::state),
        }
    }

    /// Hands a segment from the peer to the connection it belongs to, the
    /// listener on its port, or, when there is neither, answers as a closed
    /// port does (RFC 9293 §3.10.7.1).
    pub(crate) fn deliver(&mut self, repr: &Repr<'_>, ecn: Ecn) {
        let now = self.now();
        let from = SocketAddr::new(self.remote_ip, repr.src_port);
        let conn = self.conns.iter_mut().rev().find(|c| {
            c.remote() == Some(from)
                && c.local().port() == repr.dst_port
                && !matches!(c.state(), State::Closed | State::Listen)
        });
        if let Some(c) = conn {
            c.handle_segment_ecn(now, self.remote_ip, ecn, repr);
            return;
        }
        if let Some(l) = self.listeners.iter_mut().find(|l| l.local().port() == repr.dst_port) {
            l.handle_segment(now, self.remote_ip, repr);
            return;
        }
        if let Some((seq, ack)) = wirestate_tcp_conn::reset_for(repr) {
            let mut r = Repr::new(repr.dst_port, repr.src_port, seq);
            r.flags = wirestate_tcp::Flags::RST;
            r.ack_number = ack;
            let mut bytes = vec![0u8; r.buffer_len()];
            r.emit(&mut Segment::new_unchecked(&mut bytes[..]), self.local_ip, self.remote_ip);
            self.outbound.push_back((self.now_us, bytes, Ecn::NotEct));
        }
    }

    pub(crate) fn seq_out(&self, seq: SeqNumber) -> u32 {
        seq.0.wrapping_sub(self.local_iss.unwrap_or(0))
    }
}

fn secs(us: i64) -> String {
    format!("{:.6}", us as f64 / 1e6)
}

/// packetdrill's name for a state (FreeBSD's TCPI_ constants).
pub(crate) fn tcpi_name(s: State) -> &'static str {
    match s {
        State::Closed => "TCPI_CLOSED",
        State::Listen => "TCPI_LISTEN",
        State::SynSent => "TCPI_SYN_SENT",
        State::SynReceived => "TCPI_SYN_RECEIVED",
        State::Established => "TCPI_ESTABLISHED",
        State::FinWait1 => "TCPI_FIN_WAIT_1",
        State::FinWait2 => "TCPI_FIN_WAIT_2",
        State::CloseWait => "TCPI_CLOSE_WAIT",
        State::Closing => "TCPI_CLOSING",
        State::LastAck => "TCPI_LAST_ACK",
        State::TimeWait => "TCPI_TIME_WAIT",
    }
}
