//! The TCP connection machine under arbitrary segments, timer runs and user calls:
//! no panic, every segment it writes parses back with a good checksum, and its
//! invariants (SND.UNA <= SND.NXT <= SND.MAX, buffer bounds, window accounting)
//! hold after every step.
#![no_main]

use arbitrary::Arbitrary;
use core::net::SocketAddr;
use core::time::Duration;
use libfuzzer_sys::fuzz_target;
use wirestate_tcp::{Flags, Repr, SackRanges, Segment, SeqNumber};
use wirestate_tcp_conn::{Algorithm, Config, Connection, Ecn, EcnMode, IsnKey};
use wirestate_wire::Instant;

#[derive(Debug, Arbitrary)]
struct Seg {
    flags: u8,
    /// Relative to RCV.NXT (or raw when `raw` is set), likewise `ack` to SND.UNA.
    seq: i16,
    ack: i16,
    raw: Option<(u32, u32)>,
    window: u16,
    urgent_at: u16,
    payload: u16,
    mss: Option<u16>,
    wscale: Option<u8>,
    sack_permitted: bool,
    timestamps: Option<(u32, u32)>,
    sack: Vec<(i16, u16)>,
    /// Handed over as bytes through `handle_segment_bytes` (checksum filled in, then the
    /// octet at this index, modulo the length, XORed with this value: 0 keeps
    /// it valid) instead of as a repr through `handle_segment`.
    wire: Option<(u16, u8)>,
    /// The IP ECN field it arrived with (low two bits).
    ecn: u8,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Segment(Seg),
    Advance(u16),
    Send(u16),
    SendUrgent(u16),
    Recv(u16),
    Close,
    Shutdown,
    Abort,
}

#[derive(Debug, Arbitrary)]
struct Input {
    client: bool,
    small_buffers: bool,
    cubic: bool,
    delayed_ack: bool,
    ecn: bool,
    ops: Vec<Op>,
}

fuzz_target!(|input: Input| {
    let local: SocketAddr = "192.0.2.1:40000".parse().unwrap();
    let peer: SocketAddr = "198.51.100.2:80".parse().unwrap();
    let size = if input.small_buffers { 3000 } else { 100_000 };
    let cfg = Config {
        send_buffer: size,
        recv_buffer: size,
        congestion: if input.cubic { Algorithm::Cubic } else { Algorithm::NewReno },
        delayed_ack: input.delayed_ack.then(|| Duration::from_millis(40)),
        keepalive: Some(Default::default()),
        ecn: if input.ecn { EcnMode::On } else { EcnMode::Passive },
        ..Config::new(IsnKey::new(*b"wirestate fuzzer"))
    };
    let mut now = Instant::ZERO;
    let mut c = if input.client {
        Connection::connect(now, cfg, local, peer)
    } else {
        Connection::listen(cfg, local)
    };
    let payload = vec![0x5a; 70_000];
    let mut out = vec![0u8; 2048];
    let mut sink = vec![0u8; 70_000];
    for op in input.ops.iter().take(500) {
        match op {
            Op::Segment(s) => {
                let (una, _, rcv) = c.sequence();
                let (seq, ack) = match s.raw {
                    Some((seq, ack)) => (SeqNumber(seq), SeqNumber(ack)),
                    None => (
                        SeqNumber(rcv.0.wrapping_add(s.seq as i32 as u32)),
                        SeqNumber(una.0.wrapping_add(s.ack as i32 as u32)),
                    ),
                };
                let flags = Flags(u16::from(s.flags) & 0x3f);
                let mut r = Repr::new(peer.port(), local.port(), seq);
                r.flags = flags;
                r.ack_number = flags.contains(Flags::ACK).then_some(ack);
                r.window_len = s.window;
                r.urgent_at = s.urgent_at;
                r.payload = &payload[..usize::from(s.payload).min(payload.len())];
                r.max_seg_size = s.mss;
                r.window_scale = s.wscale;
                r.sack_permitted = s.sack_permitted;
                r.timestamps = s.timestamps;
                let blocks: Vec<_> = s
                    .sack
                    .iter()
                    .take(4)
                    .map(|&(off, len)| {
                        let l = SeqNumber(una.0.wrapping_add(off as i32 as u32));
                        (l, l + usize::from(len))
                    })
                    .collect();
                r.sack_ranges = SackRanges::from_slice(&blocks);
                match s.wire {
                    None => c.handle_segment_ecn(now, peer.ip(), Ecn::from_bits(s.ecn), &r),
                    Some((at, flip)) => {
                        let mut bytes = vec![0u8; r.buffer_len()];
                        r.emit(&mut Segment::new_unchecked(&mut bytes[..]), peer.ip(), local.ip());
                        let i = usize::from(at) % bytes.len();
                        bytes[i] ^= flip;
                        let verdict = c.handle_segment_bytes(now, peer.ip(), &bytes);
                        // Over IPv4 a segment is at most 65535 octets (the
                        // pseudo-header's length); longer ones are refused.
                        if flip == 0 && bytes.len() <= usize::from(u16::MAX) {
                            verdict.expect("a valid segment is taken");
                        }
                    }
                }
            }
            Op::Advance(ms) => {
                now += Duration::from_millis(u64::from(*ms));
                if c.poll_timeout().is_some_and(|t| t <= now) {
                    c.handle_timeout(now);
                }
            }
            Op::Send(n) => {
                let _ = c.send(&payload[..usize::from(*n).min(payload.len())]);
            }
            Op::SendUrgent(n) => {
                let _ = c.send_urgent(&payload[..usize::from(*n).min(payload.len())]);
                let _ = c.urgent_remaining();
            }
            Op::Recv(n) => {
                let n = usize::from(*n).min(sink.len());
                let _ = c.recv(&mut sink[..n]);
            }
            Op::Close => {
                let _ = c.close();
            }
            Op::Shutdown => {
                let _ = c.shutdown();
            }
            Op::Abort => c.abort(),
        }
        if let Err(e) = c.check_invariants() {
            panic!("invariant broken after {op:?}: {e}");
        }
        for _ in 0..10_000 {
            // The buffer is big enough: a refusal would be a bug.
            let Some(t) = c.poll_transmit(now, &mut out).expect("a big enough buffer") else {
                break;
            };
            let seg = Segment::new_checked(&out[..t.len]).expect("a whole segment");
            let r =
                Repr::parse_verified(&seg, t.local.ip(), t.remote.ip()).expect("a valid segment");
            // RFC 3168 §6.1.5: ECT only on new data of a connection that negotiated it.
            if t.ecn != Ecn::NotEct {
                assert!(c.ecn_enabled() && !r.payload.is_empty(), "ECT on {r:?}");
            }
            if let Err(e) = c.check_invariants() {
                panic!("invariant broken after transmit: {e}");
            }
        }
        while c.poll_event().is_some() {}
    }
});
