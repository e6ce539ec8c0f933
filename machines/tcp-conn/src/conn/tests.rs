//! Unit tests of what is private: header prediction against the full path, the
//! wire-bytes entry point against verify-then-handle, the transmit buffer check,
//! the timer table and the event queue.

use super::*;
use crate::isn::IsnKey;
use proptest::prelude::*;
use std::format;
use wirestate_tcp::Segment;
use wirestate_wire::Error;

/// A test key (any key will do; a real one comes from entropy).
fn key() -> IsnKey {
    IsnKey::new(*b"wirestate tests!")
}

fn addrs() -> (SocketAddr, SocketAddr) {
    ("10.0.0.1:40000".parse().unwrap(), "10.0.0.2:80".parse().unwrap())
}

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
    let cfg = Config { timestamps, send_buffer: 8192, recv_buffer: 8192, ..Config::new(key()) };
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
        while let Some(t) = a.poll_transmit(now, &mut buf).unwrap() {
            let seg = Segment::new_checked(&buf[..t.len]).unwrap();
            b.handle_segment(now, a_addr.ip(), &Repr::parse(&seg).unwrap());
        }
        while let Some(t) = b.poll_transmit(now, &mut buf).unwrap() {
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
            full.on_synchronized(now, crate::Ecn::NotEct, &seg);
            prop_assert_eq!(format!("{fast:?}"), format!("{full:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// `handle_segment_bytes` (checksum summed as the payload is copied in) ends where
    /// verifying first and then `handle_segment` ends; a segment with any
    /// byte flipped is refused and changes nothing.
    #[test]
    fn handle_segment_bytes_equals_verify_then_handle(
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
        let got = fused.handle_segment_bytes(now, src, &bytes);
        let view = Segment::new_checked(&bytes[..]);
        let want = view.as_ref().map_err(|e| *e).and_then(|v| Repr::parse_verified(v, src, dst));
        match (&got, &want) {
            (Ok(()), Ok(r)) => {
                reference.handle_segment(now, src, r);
                prop_assert_eq!(observable(&fused), observable(&reference));
            }
            (Err(_), Err(_)) => prop_assert_eq!(observable(&fused), before),
            _ => prop_assert!(false, "handle_segment_bytes {:?} but verify-then-handle {:?}", got, want.map(|_| ())),
        }
    }
}

#[test]
fn handle_segment_bytes_refuses_what_it_cannot_verify() {
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
    let err = b.handle_segment_bytes(now, v4, &bytes).unwrap_err();
    assert!(matches!(err, Error::Malformed { field: "segment", .. }), "{err:?}");
    let err = b.handle_segment_bytes(now, "::1".parse().unwrap(), &bytes[..100]).unwrap_err();
    assert!(matches!(err, Error::Unsupported { field: "checksum", offset: 16, .. }), "{err:?}");
    // Cut inside the header.
    assert!(matches!(b.handle_segment_bytes(now, v4, &bytes[..10]), Err(Error::Truncated { .. })));
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

// ------------------------------------------------------------------ poll_transmit's buffer

/// Asserts that `c` refuses a buffer one octet short without changing, then
/// writes into a big enough one the segment it owed, and returns it.
fn owed_after_short_buffer(c: &mut Connection, now: Instant) -> Repr<'static> {
    let need = c.transmit_buffer_len();
    let before = format!("{c:?}");
    let mut short = std::vec![0u8; need - 1];
    assert_eq!(c.poll_transmit(now, &mut short), Err(CallError::BufferTooSmall { need }));
    assert_eq!(format!("{c:?}"), before, "a refused call changes nothing");
    let mut buf = std::vec![0u8; need];
    let t = c.poll_transmit(now, &mut buf).unwrap().expect("the segment still owed");
    let bytes: &'static [u8] = std::boxed::Box::leak(buf[..t.len].into());
    Repr::parse(&Segment::new_checked(bytes).unwrap()).unwrap()
}

#[test]
fn a_short_buffer_is_refused_and_the_syn_is_still_sent() {
    let (a, b) = addrs();
    let now = Instant::from_millis(1);
    let mut c = Connection::connect(now, Config::new(key()), a, b);
    assert_eq!(c.transmit_buffer_len(), 60 + 1460);
    let syn = owed_after_short_buffer(&mut c, now);
    assert_eq!(syn.flags, Flags::SYN);
    assert_eq!(c.poll_transmit(now, &mut [0u8; 1520]), Ok(None));
}

#[test]
fn a_short_buffer_is_refused_and_the_ack_is_still_sent() {
    let (_, mut b, now) = established(false, 0);
    // Out of order: an ACK is owed at once (RFC 5681 §4.2).
    let mut seg = Repr::new(40000, 80, b.rcv_nxt + 10);
    seg.ack_number = Some(b.snd_una);
    seg.window_len = 1000;
    seg.payload = b"later";
    b.handle_segment(now, addrs().0.ip(), &seg);
    let ack = owed_after_short_buffer(&mut b, now);
    assert_eq!((ack.flags, ack.ack_number), (Flags::ACK, Some(b.rcv_nxt)));
}

#[test]
fn a_short_buffer_is_refused_and_the_reset_is_still_sent() {
    let (_, mut b, now) = established(false, 0);
    b.abort();
    let rst = owed_after_short_buffer(&mut b, now);
    assert_eq!(rst.flags, Flags::RST);
    assert_eq!(b.poll_transmit(now, &mut [0u8; 1520]), Ok(None));
}

// ------------------------------------------------------------------ timers

#[test]
fn the_timer_table_runs_each_deadline_once_and_closing_clears_it() {
    let (a, b) = addrs();
    let now = Instant::from_millis(1);
    let mut c = Connection::connect(now, Config::new(key()), a, b);
    assert!(Timer::ALL.iter().all(|&t| c.timer(t).is_none()));
    let mut buf = [0u8; 1520];
    c.poll_transmit(now, &mut buf).unwrap().expect("the SYN");
    // RFC 6298 §2.1: 1 s before any RTT sample.
    let rto = c.timer(Timer::Retransmit).expect("armed by the SYN");
    assert_eq!(rto, now + Duration::from_secs(1));
    assert_eq!(c.poll_timeout(), Some(rto));
    // Early: nothing happens.
    let before = format!("{c:?}");
    c.handle_timeout(rto - Duration::from_millis(1));
    assert_eq!(format!("{c:?}"), before);
    // Due: the SYN is owed again; repeated at the same instant: nothing more.
    c.handle_timeout(rto);
    let after = format!("{c:?}");
    c.handle_timeout(rto);
    assert_eq!(format!("{c:?}"), after);
    let t = c.poll_transmit(rto, &mut buf).unwrap().expect("the SYN again");
    let syn = Repr::parse(&Segment::new_checked(&buf[..t.len]).unwrap()).unwrap();
    assert_eq!(syn.flags, Flags::SYN);
    assert_eq!(c.stats().retransmits, 1);
    c.abort();
    assert!(Timer::ALL.iter().all(|&t| c.timer(t).is_none()));
    assert_eq!(c.poll_timeout(), None);
}

// ------------------------------------------------------------------ events

#[test]
fn events_come_out_in_the_order_first_raised_one_of_each_kind() {
    let (_, b) = addrs();
    let mut c = Connection::listen(Config::new(key()), b);
    c.raise(Event::Readable);
    c.raise(Event::Urgent);
    c.raise(Event::Readable);
    assert_eq!(c.poll_event(), Some(Event::Readable));
    c.raise(Event::Readable); // polled: raised again, queued again
    assert_eq!(c.poll_event(), Some(Event::Urgent));
    assert_eq!(c.poll_event(), Some(Event::Readable));
    assert_eq!(c.poll_event(), None);
    // However often each is raised, the queue holds one of each kind.
    let all = [
        Event::Connected,
        Event::Readable,
        Event::Writable,
        Event::PeerClosed,
        Event::Urgent,
        Event::Closed,
        Event::Lost(ConnectionError::Reset),
    ];
    for _ in 0..3 {
        for e in all {
            c.raise(e);
        }
        c.raise(Event::Lost(ConnectionError::TimedOut));
    }
    let polled: std::vec::Vec<Event> = core::iter::from_fn(|| c.poll_event()).collect();
    assert_eq!(polled, all);
}
