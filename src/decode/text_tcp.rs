//! The TCP part of the text view's line, as `tcpdump -nn` prints it: flags, sequence
//! and acknowledgment numbers relative to the start of the connection, window,
//! options and length; and the per-connection state that makes them relative.

use core::fmt::Write as _;
use core::net::IpAddr;
use std::collections::HashMap;

use wirestate_packet::{Sliced, Transport};
use wirestate_tcp::Segment;

/// What to take from a segment's numbers to print them relative to its connection:
/// all zero prints them as they are (the first segment of a connection seen, a
/// segment without ACK, or a frame shown on its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpBase {
    /// Taken from the sequence number.
    pub seq: u32,
    /// Taken from the acknowledgment number.
    pub ack: u32,
    /// Taken from the edges of SACK blocks (they acknowledge, like `ack`, but also
    /// in the segment that starts the count, as tcpdump prints them).
    pub sack: u32,
}

/// A connection as tcpdump keys it: both directions under one key, the side with
/// the lower port (then the lower address) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    ports: u32,
}

/// The first numbers of a connection: `seq` of the keyed side, `ack` of the other.
#[derive(Debug, Clone, Copy)]
struct Start {
    seq: u32,
    ack: u32,
}

/// Connections one generation of [`TcpSeqs`] holds before it is set aside.
const GENERATION: usize = 1 << 16;

/// The first sequence numbers of each TCP connection, for tcpdump's relative
/// numbers. Fed every segment shown, in capture order.
///
/// As tcpdump does, a segment with ACK whose connection is unknown, or that also
/// carries SYN, (re)starts its connection's count and prints its own numbers whole;
/// later segments with ACK print theirs less those. Memory is bounded: connections
/// are kept in two generations of at most 65,536 each; when the newer is full the
/// older is dropped, and a dropped connection starts over at its next segment
/// (which then prints whole numbers again), where tcpdump's table would grow.
#[derive(Debug)]
pub struct TcpSeqs {
    new: HashMap<Key, Start, foldhash::fast::RandomState>,
    old: HashMap<Key, Start, foldhash::fast::RandomState>,
    generation: usize,
}

impl Default for TcpSeqs {
    fn default() -> Self {
        TcpSeqs::with_generation(GENERATION)
    }
}

impl TcpSeqs {
    /// An empty table.
    pub fn new() -> Self {
        TcpSeqs::default()
    }

    /// An empty table whose generations hold `generation` connections each.
    fn with_generation(generation: usize) -> Self {
        TcpSeqs { new: HashMap::default(), old: HashMap::default(), generation }
    }

    /// How many connections the table holds (at most two generations' worth).
    pub fn len(&self) -> usize {
        self.new.len() + self.old.len()
    }

    /// Whether the table holds no connection.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Notes a frame shown and returns what its TCP numbers are printed less.
    pub fn base(&mut self, s: &Sliced<'_>) -> TcpBase {
        let (Some(Transport::Tcp(seg)), Some((src, dst))) =
            (s.transport(), s.net().and_then(|n| n.addrs()))
        else {
            return TcpBase::default();
        };
        let flags = seg.as_bytes().get(13).copied().unwrap_or(0);
        if flags & ACK == 0 {
            return TcpBase::default();
        }
        let (sport, dport) = (seg.src_port(), seg.dst_port());
        let rev = sport > dport || (sport == dport && src > dst);
        let key = if rev {
            Key { src: dst, dst: src, ports: u32::from(dport) << 16 | u32::from(sport) }
        } else {
            Key { src, dst, ports: u32::from(sport) << 16 | u32::from(dport) }
        };
        let (seq, ack) = (seg.seq_number().0, seg.ack_number().0);
        let known = match self.new.get(&key) {
            Some(s) => Some(*s),
            None => self.old.remove(&key),
        };
        let (start, fresh) = match known {
            Some(start) if flags & SYN == 0 => (start, false),
            _ => {
                let start = if rev {
                    Start { seq: ack.wrapping_sub(1), ack: seq }
                } else {
                    Start { seq, ack: ack.wrapping_sub(1) }
                };
                (start, true)
            }
        };
        if fresh || !self.new.contains_key(&key) {
            if self.new.len() >= self.generation && !self.new.contains_key(&key) {
                self.old = core::mem::take(&mut self.new);
            }
            self.new.insert(key, start);
        }
        let (seq_base, ack_base) =
            if rev { (start.ack, start.seq) } else { (start.seq, start.ack) };
        if fresh {
            TcpBase { seq: 0, ack: 0, sack: ack_base }
        } else {
            TcpBase { seq: seq_base, ack: ack_base, sack: ack_base }
        }
    }
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;
const URG: u8 = 0x20;

/// tcpdump's letters for the flags, in its order.
const FLAG_LETTERS: [(u8, char); 8] = [
    (FIN, 'F'),
    (SYN, 'S'),
    (RST, 'R'),
    (0x08, 'P'),
    (ACK, '.'),
    (URG, 'U'),
    (0x40, 'E'),
    (0x80, 'W'),
];

/// Writes `Flags [S.], seq 0, ack 1, win 65160, options [...], length 0` for a
/// segment whose payload (by the IP header's count) is `len` octets. Returns
/// whether the payload may be shown after it: false when the options did not
/// read (tcpdump then stops at `[bad opt]`) or the segment is a reset.
pub fn write_tcp(line: &mut String, seg: &Segment<&[u8]>, len: usize, base: TcpBase) -> bool {
    let bytes = seg.as_bytes();
    let flags = bytes.get(13).copied().unwrap_or(0);
    line.push_str("Flags [");
    if flags == 0 {
        line.push_str("none");
    }
    for (bit, letter) in FLAG_LETTERS {
        if flags & bit != 0 {
            line.push(letter);
        }
    }
    line.push(']');
    let seq = seg.seq_number().0.wrapping_sub(base.seq);
    let ack = seg.ack_number().0.wrapping_sub(base.ack);
    if len > 0 || flags & (SYN | FIN | RST) != 0 {
        push_num(line, ", seq ", seq);
        if len > 0 {
            push_num(line, ":", seq.wrapping_add(len as u32));
        }
    }
    if flags & ACK != 0 {
        push_num(line, ", ack ", ack);
    }
    push_num(line, ", win ", seg.window_len());
    if flags & URG != 0 {
        let _ = write!(line, ", urg {}", seg.urgent_at());
    }
    let options = seg.options();
    if !options.is_empty() && !write_options(line, options, base.sack) {
        return false;
    }
    push_num(line, ", length ", len);
    flags & RST == 0
}

/// `label` and `n` in decimal, through itoa rather than the formatting machinery
/// (the numbers of a TCP line are much of the text view's work).
pub(crate) fn push_num(line: &mut String, label: &str, n: impl itoa::Integer) {
    line.push_str(label);
    line.push_str(itoa::Buffer::new().format(n));
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// tcpdump's name of an option kind.
fn option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0 => "eol",
        1 => "nop",
        2 => "mss",
        3 => "wscale",
        4 => "sackOK",
        5 => "sack",
        6 => "echo",
        7 => "echoreply",
        8 => "TS",
        11 => "cc",
        12 => "ccnew",
        13 => "ccecho",
        19 => "md5",
        20 => "scps",
        28 => "uto",
        29 => "tcp-ao",
        30 => "mptcp",
        34 => "tfo",
        254 => "exp",
        _ => return None,
    })
}

/// `, options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7]`; false, after
/// `[bad opt]`, when an option's length does not fit.
fn write_options(line: &mut String, options: &[u8], sack_base: u32) -> bool {
    line.push_str(", options [");
    let mut rest = options;
    // Whether an option has been written whole (tcpdump's separator is set then).
    let mut first = true;
    while let Some((&kind, after)) = rest.split_first() {
        if !first {
            line.push(',');
        }
        let (len, data) = if kind <= 1 {
            (1, after)
        } else {
            match after.split_first() {
                Some((&len, data)) if len >= 2 && usize::from(len) <= rest.len() => {
                    (usize::from(len), data)
                }
                _ => return bad_option(line, !first),
            }
        };
        match option_name(kind) {
            Some(name) => line.push_str(name),
            None => {
                let _ = write!(line, "unknown-{kind}");
            }
        }
        // What the option's value takes, by its kind (tcpdump checks it against
        // what is left of the header, not against the option's own length).
        let value_len = match kind {
            0 | 1 | 4 => 0,
            2 => match be16(data, 0) {
                Some(v) => {
                    let _ = write!(line, " {v}");
                    2
                }
                None => return bad_option(line, !first),
            },
            3 => match data.first() {
                Some(v) => {
                    let _ = write!(line, " {v}");
                    1
                }
                None => return bad_option(line, !first),
            },
            5 => {
                let n = len - 2;
                if n % 8 != 0 {
                    line.push_str(" invalid sack");
                } else {
                    let _ = write!(line, " {} ", n / 8);
                    for i in (0..n).step_by(8) {
                        let (Some(s), Some(e)) = (be32(data, i), be32(data, i + 4)) else {
                            return bad_option(line, !first);
                        };
                        let _ = write!(
                            line,
                            "{{{}:{}}}",
                            s.wrapping_sub(sack_base),
                            e.wrapping_sub(sack_base)
                        );
                    }
                }
                n
            }
            6 | 7 | 11 | 12 | 13 => match be32(data, 0) {
                Some(v) => {
                    let _ = write!(line, " {v}");
                    4
                }
                None => return bad_option(line, !first),
            },
            8 => match (be32(data, 0), be32(data, 4)) {
                (Some(val), Some(ecr)) => {
                    push_num(line, " val ", val);
                    push_num(line, " ecr ", ecr);
                    8
                }
                _ => return bad_option(line, !first),
            },
            _ => {
                let n = len - 2;
                let Some(value) = data.get(..n) else { return bad_option(line, !first) };
                if n > 0 {
                    line.push_str(" 0x");
                    for b in value {
                        let _ = write!(line, "{b:02x}");
                    }
                }
                n
            }
        };
        let used = if kind <= 1 { 1 } else { 2 } + value_len;
        if used != len {
            let _ = write!(line, "[len {len}]");
        }
        rest = rest.get(used..).unwrap_or_default();
        first = false;
        if kind == 0 {
            break;
        }
    }
    line.push(']');
    true
}

/// `[bad opt]`, and the list's closing bracket once an option was written whole.
fn bad_option(line: &mut String, closed: bool) -> bool {
    line.push_str("[bad opt]");
    if closed {
        line.push(']');
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A bare IPv4 packet with a TCP segment from port `sport` to 80.
    fn segment(sport: u16, flags: u8, seq: u32, ack: u32) -> Vec<u8> {
        let mut p = vec![0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&80u16.to_be_bytes());
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&ack.to_be_bytes());
        p.extend_from_slice(&[0x50, flags, 1, 0, 0, 0, 0, 0]);
        p
    }

    fn base(t: &mut TcpSeqs, sport: u16, flags: u8, seq: u32, ack: u32) -> TcpBase {
        let p = segment(sport, flags, seq, ack);
        t.base(&Sliced::new(wirestate_packet::LinkType::Ip, &p))
    }

    #[test]
    fn a_connection_counts_from_its_first_segment_with_ack() {
        let mut t = TcpSeqs::new();
        // No ACK: whole numbers, nothing kept.
        assert_eq!(base(&mut t, 40000, SYN, 100, 0), TcpBase::default());
        assert!(t.is_empty());
        // The first with ACK starts the count and prints whole.
        assert_eq!(base(&mut t, 40000, ACK, 101, 501), TcpBase { seq: 0, ack: 0, sack: 500 });
        assert_eq!(base(&mut t, 40000, ACK, 150, 600), TcpBase { seq: 101, ack: 500, sack: 500 });
        // The same connection again: one entry.
        assert_eq!(base(&mut t, 40000, ACK, 101, 501).seq, 101);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn the_table_is_bounded_and_a_connection_used_again_is_kept() {
        let mut t = TcpSeqs::with_generation(2);
        for port in 1000..1010 {
            base(&mut t, port, ACK, 1, 1);
            // Port 1000 is seen again each time: it moves to the newer generation.
            assert_eq!(base(&mut t, 1000, ACK, 5, 5).seq, 1, "after {port}");
            assert!(t.len() <= 4, "{} connections", t.len());
        }
        // Port 1001 was dropped: its next segment starts over, whole.
        assert_eq!(base(&mut t, 1001, ACK, 5, 5), TcpBase { seq: 0, ack: 0, sack: 4 });
    }

    #[test]
    fn options_as_tcpdump_lists_them() {
        let opts = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7];
        let mut line = String::new();
        assert!(write_options(&mut line, &opts, 0));
        assert_eq!(line, ", options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7]");
        // SACK edges are relative like the acknowledgment number.
        let sack = [1, 1, 5, 10, 0, 0, 0, 110, 0, 0, 0, 120];
        let mut line = String::new();
        assert!(write_options(&mut line, &sack, 100));
        assert_eq!(line, ", options [nop,nop,sack 1 {10:20}]");
        // A length past the header's end.
        let mut line = String::new();
        assert!(!write_options(&mut line, &[1, 2, 9, 0], 0));
        assert_eq!(line, ", options [nop,[bad opt]]");
    }
}
