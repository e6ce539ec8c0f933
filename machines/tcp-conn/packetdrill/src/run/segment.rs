//! Segments: building the peer's from a script line, and checking the stack's
//! against one.

use std::fmt::Write as _;

use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber};
use wirestate_tcp_conn::Ecn;

use super::{Run, Step, Stop};
use crate::ast::{EcnMark, Packet, PacketBody, TcpOption, TcpOptions, TcpSegment};

/// The flags a script's letters stand for.
fn flags_of(letters: &str) -> Flags {
    let mut f = Flags::EMPTY;
    for c in letters.chars() {
        f.insert(match c {
            'S' => Flags::SYN,
            'F' => Flags::FIN,
            'R' => Flags::RST,
            'P' => Flags::PSH,
            '.' => Flags::ACK,
            'U' => Flags::URG,
            'E' => Flags::ECE,
            'W' => Flags::CWR,
            'N' => Flags::NS,
            _ => Flags::EMPTY,
        });
    }
    f
}

/// The codepoint a script's `[ect0]`-style mark stands for (`[ect01]`, either
/// ECT codepoint, is sent as ECT(0)).
fn ecn_of(mark: EcnMark) -> Ecn {
    match mark {
        EcnMark::NotEct => Ecn::NotEct,
        EcnMark::Ect0 | EcnMark::Ect01 => Ecn::Ect0,
        EcnMark::Ect1 => Ecn::Ect1,
        EcnMark::Ce => Ecn::Ce,
    }
}

/// Flags as packetdrill writes them.
fn letters_of(f: Flags) -> String {
    let mut s = String::new();
    for (flag, c) in [
        (Flags::SYN, 'S'),
        (Flags::FIN, 'F'),
        (Flags::RST, 'R'),
        (Flags::PSH, 'P'),
        (Flags::URG, 'U'),
        (Flags::ECE, 'E'),
        (Flags::CWR, 'W'),
        (Flags::NS, 'N'),
        (Flags::ACK, '.'),
    ] {
        if f.contains(flag) {
            s.push(c);
        }
    }
    s
}

/// An expected segment as the script wrote it, for reports.
pub(crate) fn describe_expected(p: &Packet) -> String {
    match &p.body {
        PacketBody::Tcp(t) => {
            let mut s =
                format!("{} {}:{}({})", t.flags, t.seq.unwrap_or(0), t.end.unwrap_or(0), t.len);
            if let Some(a) = t.ack {
                let _ = write!(s, " ack {a}");
            }
            if let Some(w) = t.win {
                let _ = write!(s, " win {w}");
            }
            s
        }
        PacketBody::Other { kind, text } => format!("{kind} {text}"),
    }
}

/// A raw option as it sits in the header: kind and value octets.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawOption {
    kind: u8,
    data: Vec<u8>,
}

/// Walks option octets (the codec has checked their lengths already).
fn raw_options(mut bytes: &[u8]) -> Vec<RawOption> {
    let mut out = Vec::new();
    while let Some((&kind, rest)) = bytes.split_first() {
        if kind <= 1 {
            out.push(RawOption { kind, data: Vec::new() });
            bytes = rest;
            if kind == 0 {
                break;
            }
            continue;
        }
        let len = rest.first().map_or(0, |&l| usize::from(l));
        if len < 2 || len > bytes.len() {
            break;
        }
        out.push(RawOption { kind, data: bytes.get(2..len).unwrap_or_default().to_vec() });
        bytes = bytes.get(len..).unwrap_or_default();
    }
    out
}

fn kind_name(kind: u8) -> &'static str {
    match kind {
        0 => "eol",
        1 => "nop",
        2 => "mss",
        3 => "wscale",
        4 => "sackOK",
        5 => "sack",
        8 => "TS",
        _ => "other",
    }
}

fn script_kind(o: &TcpOption) -> u8 {
    match o {
        TcpOption::Nop => 1,
        TcpOption::Eol => 0,
        TcpOption::Mss(_) => 2,
        TcpOption::WindowScale(_) => 3,
        TcpOption::SackPermitted => 4,
        TcpOption::Timestamp { .. } => 8,
        TcpOption::Sack(_) => 5,
        TcpOption::Other(_) => 255,
    }
}

fn layout(kinds: impl Iterator<Item = u8>) -> String {
    kinds.map(kind_name).collect::<Vec<_>>().join(",")
}

impl Run {
    /// Builds the peer's segment from a `<` line and delivers it.
    pub(super) fn inject(&mut self, line: usize, p: &Packet) -> Step {
        let t = match &p.body {
            PacketBody::Tcp(t) => t,
            PacketBody::Other { kind, .. } => {
                return Err(Stop::Skip(format!(
                    "line {line}: {kind} packets (ICMP errors reach a connection through the host, which is not modelled here)"
                )))
            }
        };
        let local_port = self.local_port();
        let seq = SeqNumber(self.remote_isn().wrapping_add(t.seq.unwrap_or(0)));
        let mut r = Repr::new(self.remote_port, local_port, seq);
        r.flags = flags_of(&t.flags);
        r.flags.remove(Flags::ACK);
        if t.flags.contains('.') {
            let base = self.local_iss.unwrap_or(0);
            r.ack_number = Some(SeqNumber(base.wrapping_add(t.ack.unwrap_or(0))));
        }
        r.window_len = t.win.map_or(65535, |w| w.min(65535) as u16);
        r.urgent_at = t.urg.map_or(0, |u| u.min(65535) as u16);
        let payload = vec![0u8; t.len as usize];
        r.payload = &payload;
        if let TcpOptions::List(opts) = &t.options {
            for o in opts {
                match o {
                    TcpOption::Mss(m) => r.max_seg_size = Some(*m),
                    TcpOption::WindowScale(s) => r.window_scale = Some(*s),
                    TcpOption::SackPermitted => r.sack_permitted = true,
                    TcpOption::Timestamp { val, ecr } => {
                        r.timestamps = Some((*val, self.map_ecr(*ecr)));
                    }
                    TcpOption::Sack(blocks) => {
                        let base = self.local_iss.unwrap_or(0);
                        let mut ranges = SackRanges::new();
                        for &(a, b) in blocks {
                            ranges.push(
                                SeqNumber(base.wrapping_add(a)),
                                SeqNumber(base.wrapping_add(b)),
                            );
                        }
                        r.sack_ranges = ranges;
                    }
                    TcpOption::Nop | TcpOption::Eol => {}
                    TcpOption::Other(text) => {
                        return Err(Stop::Skip(format!(
                            "line {line}: TCP option {text:?} is not modelled"
                        )))
                    }
                }
            }
        }
        if self.trace {
            eprintln!(
                "{:>10.6} line {line}: < {}",
                self.now_us as f64 / 1e6,
                self.describe_actual_in(&r)
            );
        }
        self.deliver(&r, p.ecn.map_or(Ecn::NotEct, ecn_of));
        Ok(())
    }

    /// An inbound TSecr: the stack's TSval that the script's value stands for.
    fn map_ecr(&self, ecr: u32) -> u32 {
        if ecr == 0 {
            return 0;
        }
        if let Some(&actual) = self.ts_map.get(&ecr) {
            return actual;
        }
        match self.ts_first {
            Some((script, actual)) => ecr.wrapping_sub(script).wrapping_add(actual),
            None => ecr,
        }
    }

    /// The local port of the connection or listener the script talks to.
    fn local_port(&self) -> u16 {
        if let Some(c) = self.conns.last() {
            return c.local().port();
        }
        self.listeners.last().map_or(8080, |l| l.local().port())
    }

    /// Checks a segment the stack sent against a `>` line.
    pub(super) fn check_outbound(
        &mut self,
        line: usize,
        p: &Packet,
        bytes: &[u8],
        ecn: Ecn,
    ) -> Step {
        let t = match &p.body {
            PacketBody::Tcp(t) => t,
            PacketBody::Other { kind, .. } => {
                return Err(Stop::Skip(format!(
                    "line {line}: outbound {kind} packets are not modelled"
                )))
            }
        };
        let seg = match Segment::new_checked(bytes) {
            Ok(s) => s,
            Err(e) => return Err(self.fail(line, "segment", "a TCP segment", &e.to_string())),
        };
        let r = match Repr::parse_verified(&seg, self.local_ip, self.remote_ip) {
            Ok(r) => r,
            Err(e) => {
                return Err(self.fail(line, "segment", "a valid TCP segment", &e.to_string()))
            }
        };
        let got = self.describe_actual(&r);
        let want = describe_expected(p);
        if self.trace {
            eprintln!("{:>10} line {line}: > {got}   (script: {want})", "");
        }
        let fail = |run: &Run, field: &str| Err(run.fail(line, field, &want, &got));
        // Flags: PSH is the sender's choice (RFC 9293 §3.9.1), the rest is protocol.
        let expected_flags = flags_of(&t.flags);
        let mut actual_flags = r.flags;
        if r.ack_number.is_some() {
            actual_flags.insert(Flags::ACK);
        }
        // BSD repeats an unacknowledged FIN on every ACK it sends
        // (`F. 1:1(0)` where a pure ACK would be `. 2:2(0)`): the same
        // acknowledgment, the FIN's retransmission left to the timer here.
        let fin_repeat = expected_flags.contains(Flags::FIN)
            && !actual_flags.contains(Flags::FIN)
            && t.len == 0
            && r.payload.is_empty()
            && t.seq.is_some_and(|s| s.wrapping_add(1) == self.seq_out(r.seq_number))
            && t.ack.is_none_or(|a| {
                r.ack_number.map(|x| x.0.wrapping_sub(self.remote_isn())) == Some(a)
            });
        if fin_repeat {
            self.tune(line, "FIN repeated on the ACK", &want, &got);
            return Ok(());
        }
        let mask = Flags(Flags::ALL.bits() & !Flags::PSH.bits());
        if Flags(expected_flags.bits() & mask.bits()) != Flags(actual_flags.bits() & mask.bits()) {
            return fail(self, "tcp_flags");
        }
        if expected_flags.contains(Flags::PSH) != actual_flags.contains(Flags::PSH) {
            self.tune(line, "tcp_psh", &t.flags, &letters_of(actual_flags));
        }
        if let Some(mark) = p.ecn {
            let ok = match mark {
                EcnMark::Ect01 => matches!(ecn, Ecn::Ect0 | Ecn::Ect1),
                other => ecn_of(other) == ecn,
            };
            if !ok {
                return Err(self.fail(
                    line,
                    "IP ECN field",
                    &format!("{mark:?}"),
                    &format!("{ecn:?}"),
                ));
            }
        }
        if let Some(seq) = t.seq {
            if self.seq_out(r.seq_number) != seq {
                return fail(self, "tcp_seq");
            }
        }
        if r.payload.len() != t.len as usize {
            return fail(self, "payload length");
        }
        if let Some(ack) = t.ack {
            let got_ack = r.ack_number.map(|a| a.0.wrapping_sub(self.remote_isn()));
            if got_ack != Some(ack) {
                return fail(self, "tcp_ack_seq");
            }
        }
        if let Some(win) = t.win {
            if u32::from(r.window_len) != win {
                self.tune(line, "window", &win.to_string(), &r.window_len.to_string());
            }
        }
        if let Some(urg) = t.urg {
            if u32::from(r.urgent_at) != urg {
                return fail(self, "tcp_urg_ptr");
            }
        }
        self.check_options(line, t, &seg, &r, &want, &got)
    }

    fn check_options(
        &mut self,
        line: usize,
        t: &TcpSegment,
        seg: &Segment<&[u8]>,
        r: &Repr<'_>,
        want: &str,
        got: &str,
    ) -> Step {
        let expected = match &t.options {
            TcpOptions::Any => return Ok(()),
            TcpOptions::None => &[][..],
            TcpOptions::List(l) => &l[..],
        };
        let raw = raw_options(seg.options_ref());
        let present = |kind: u8| raw.iter().any(|o| o.kind == kind);
        let wanted = |kind: u8| expected.iter().any(|o| script_kind(o) == kind);
        // Which options are there is protocol (what was negotiated); their
        // layout and padding are the stack's.
        for kind in [2u8, 3, 4, 5, 8] {
            if present(kind) != wanted(kind) {
                let field = format!("option {}", kind_name(kind));
                let exp: Vec<String> = expected.iter().map(|o| format!("{o:?}")).collect();
                return Err(self.fail(line, &field, &format!("{want} <{}>", exp.join(",")), got));
            }
        }
        let expected_layout = layout(expected.iter().map(script_kind));
        let actual_layout = layout(raw.iter().map(|o| o.kind));
        if expected_layout != actual_layout {
            self.tune(line, "option layout", &expected_layout, &actual_layout);
        }
        for o in expected {
            match o {
                TcpOption::Mss(m) if r.max_seg_size != Some(*m) => {
                    let got = r.max_seg_size.map_or("none".into(), |v| v.to_string());
                    self.tune(line, "mss", &m.to_string(), &got);
                }
                TcpOption::WindowScale(s) if r.window_scale != Some(*s) => {
                    let got = r.window_scale.map_or("none".into(), |v| v.to_string());
                    self.tune(line, "wscale", &s.to_string(), &got);
                }
                TcpOption::Timestamp { val, ecr } => {
                    let Some((aval, aecr)) = r.timestamps else { continue };
                    // TSval: remember the mapping (packetdrill checks values only
                    // with --tcp_ts_tick_usecs).
                    self.ts_first.get_or_insert((*val, aval));
                    self.ts_map.insert(*val, aval);
                    if aecr != *ecr {
                        return Err(self.fail(line, "TS ecr", &ecr.to_string(), &aecr.to_string()));
                    }
                }
                TcpOption::Sack(blocks) => {
                    let base = self.remote_isn();
                    let actual: Vec<(u32, u32)> = r
                        .sack_ranges
                        .iter()
                        .map(|(a, b)| (a.0.wrapping_sub(base), b.0.wrapping_sub(base)))
                        .collect();
                    if &actual != blocks {
                        return Err(self.fail(
                            line,
                            "sack blocks",
                            &format!("{blocks:?}"),
                            &format!("{actual:?}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The stack's segment in script terms, for reports.
    fn describe_actual(&self, r: &Repr<'_>) -> String {
        describe(r, self.local_iss.unwrap_or(0), self.remote_isn())
    }

    /// The peer's segment in script terms, for traces.
    fn describe_actual_in(&self, r: &Repr<'_>) -> String {
        describe(r, self.remote_isn(), self.local_iss.unwrap_or(0))
    }
}

/// A segment as a script writes it: sequence numbers relative to `seq_base`
/// (the sender's ISN), acknowledgments and SACK blocks to `ack_base`.
fn describe(r: &Repr<'_>, seq_base: u32, ack_base: u32) -> String {
    let mut flags = r.flags;
    if r.ack_number.is_some() {
        flags.insert(Flags::ACK);
    }
    let seq = r.seq_number.0.wrapping_sub(seq_base);
    let len = r.payload.len() as u32;
    let mut s = format!("{} {}:{}({})", letters_of(flags), seq, seq.wrapping_add(len), len);
    if let Some(a) = r.ack_number {
        let _ = write!(s, " ack {}", a.0.wrapping_sub(ack_base));
    }
    let _ = write!(s, " win {}", r.window_len);
    let mut opts = Vec::new();
    if let Some(m) = r.max_seg_size {
        opts.push(format!("mss {m}"));
    }
    if r.sack_permitted {
        opts.push("sackOK".into());
    }
    if let Some((v, e)) = r.timestamps {
        opts.push(format!("TS val {v} ecr {e}"));
    }
    if let Some(w) = r.window_scale {
        opts.push(format!("wscale {w}"));
    }
    if !r.sack_ranges.is_empty() {
        let base = ack_base;
        let blocks: Vec<String> = r
            .sack_ranges
            .iter()
            .map(|(a, b)| format!("{}:{}", a.0.wrapping_sub(base), b.0.wrapping_sub(base)))
            .collect();
        opts.push(format!("sack {}", blocks.join(" ")));
    }
    if !opts.is_empty() {
        let _ = write!(s, " <{}>", opts.join(","));
    }
    s
}
