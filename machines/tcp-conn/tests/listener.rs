//! The listener: a bounded backlog, accept, and SYN cookies when it is full.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use wirestate_tcp::{Flags, Repr, Segment, SeqNumber};
use wirestate_tcp_conn::{CallError, Config, Connection, Event, IsnKey, Listener, State};
use wirestate_wire::Instant;

fn cfg() -> Config {
    Config::new(IsnKey::new(*b"wirestate tests!"))
}

fn local() -> SocketAddr {
    "198.51.100.2:80".parse().unwrap()
}

fn client_ip(n: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, n])
}

fn syn(port: u16, seq: u32) -> Repr<'static> {
    Repr {
        flags: Flags::SYN,
        window_len: 65535,
        max_seg_size: Some(1460),
        ..Repr::new(port, 80, SeqNumber(seq))
    }
}

/// Everything the listener sends now, parsed.
fn drain(l: &mut Listener, now: Instant) -> Vec<(SocketAddr, Repr<'static>)> {
    let mut out = Vec::new();
    let mut buf = [0u8; 2048];
    while let Some(t) = l.poll_transmit(now, &mut buf).unwrap() {
        let bytes: &'static [u8] = Box::leak(buf[..t.len].to_vec().into_boxed_slice());
        let seg = Segment::new_checked(bytes).unwrap();
        out.push((t.remote, Repr::parse_verified(&seg, t.local.ip(), t.remote.ip()).unwrap()));
    }
    out
}

#[test]
fn a_full_backlog_drops_syns_without_cookies() {
    let mut l = Listener::new(cfg(), local(), 2, false);
    let now = Instant::ZERO;
    for n in 1..=3 {
        l.handle_segment(now, client_ip(n), &syn(40000, 100));
    }
    let out = drain(&mut l, now);
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|(_, r)| r.flags.contains(Flags::SYN | Flags::ACK)));
    assert_eq!((l.backlog_len(), l.stats().syns_dropped), (2, 1));
}

#[test]
fn accept_hands_out_established_connections_and_frees_the_backlog() {
    let mut l = Listener::new(cfg(), local(), 1, false);
    let now = Instant::ZERO;
    l.handle_segment(now, client_ip(1), &syn(40000, 100));
    let (_, sa) = drain(&mut l, now).pop().unwrap();
    assert!(l.accept().is_none());
    let ack = Repr {
        flags: Flags::ACK,
        ack_number: Some(sa.seq_number + 1),
        window_len: 65535,
        payload: b"hi",
        ..Repr::new(40000, 80, SeqNumber(101))
    };
    l.handle_segment(now, client_ip(1), &ack);
    let mut c = l.accept().expect("established");
    assert_eq!(c.state(), State::Established);
    assert_eq!(l.backlog_len(), 0);
    let mut buf = [0u8; 8];
    assert_eq!(c.recv(&mut buf), Ok(2));
    assert_eq!(c.poll_event(), Some(Event::Connected));
}

#[test]
fn handshakes_that_time_out_leave_the_backlog() {
    let cfg = Config { max_retransmits: 1, ..cfg() };
    let mut l = Listener::new(cfg, local(), 4, false);
    l.handle_segment(Instant::ZERO, client_ip(1), &syn(40000, 100));
    let mut now = Instant::ZERO;
    assert_eq!(drain(&mut l, now).len(), 1);
    while let Some(t) = l.poll_timeout() {
        now = t;
        l.handle_timeout(now);
        drain(&mut l, now);
    }
    assert_eq!(l.backlog_len(), 0);
    assert!(now < Instant::ZERO + Duration::from_secs(10));
}

#[test]
fn syn_cookies_carry_the_handshake_when_the_backlog_is_full() {
    let mut l = Listener::new(cfg(), local(), 1, true);
    let now = Instant::from_millis(5);
    l.handle_segment(now, client_ip(9), &syn(40009, 1)); // fills the backlog
    drain(&mut l, now);
    // A real client connects: its SYN,ACK is a cookie.
    let client_addr = SocketAddr::new(client_ip(1), 40000);
    let mut client = Connection::connect(now, cfg(), client_addr, local());
    let mut buf = [0u8; 2048];
    let t = client.poll_transmit(now, &mut buf).unwrap().unwrap();
    let seg = Segment::new_checked(&buf[..t.len]).unwrap();
    l.handle_segment(now, client_ip(1), &Repr::parse(&seg).unwrap());
    assert_eq!(l.stats().cookies_sent, 1);
    assert_eq!(l.backlog_len(), 1);
    let (to, sa) = drain(&mut l, now).pop().unwrap();
    assert_eq!(to, client_addr);
    assert_eq!(sa.max_seg_size, Some(1460));
    client.handle_segment(now, local().ip(), &sa);
    assert_eq!(client.state(), State::Established);
    // The backlog frees up (the other handshake is accepted away), then the
    // client's ACK, carrying data, rebuilds the connection from the cookie.
    l.handle_segment(
        now,
        client_ip(9),
        &Repr { flags: Flags::RST, ..Repr::new(40009, 80, SeqNumber(2)) },
    );
    assert_eq!(l.backlog_len(), 0);
    client.send(b"GET /").unwrap();
    while let Some(t) = client.poll_transmit(now, &mut buf).unwrap() {
        let seg = Segment::new_checked(&buf[..t.len]).unwrap();
        l.handle_segment(now, client_ip(1), &Repr::parse(&seg).unwrap());
    }
    assert_eq!(l.stats().cookies_accepted, 1);
    let mut server = l.accept().expect("rebuilt from the cookie");
    assert_eq!((server.state(), server.send_mss()), (State::Established, 1460));
    let mut got = [0u8; 16];
    assert_eq!(server.recv(&mut got), Ok(5));
    assert_eq!(&got[..5], b"GET /");
}

#[test]
fn a_forged_or_stale_cookie_is_refused_with_a_reset() {
    let mut l = Listener::new(cfg(), local(), 1, true);
    let now = Instant::from_millis(5);
    l.handle_segment(now, client_ip(9), &syn(40009, 1));
    l.handle_segment(now, client_ip(1), &syn(40000, 100));
    let (_, sa) = drain(&mut l, now).pop().unwrap();
    l.handle_segment(
        now,
        client_ip(9),
        &Repr { flags: Flags::RST, ..Repr::new(40009, 80, SeqNumber(2)) },
    );
    let ack = |cookie: SeqNumber| Repr {
        flags: Flags::ACK,
        ack_number: Some(cookie + 1),
        window_len: 65535,
        ..Repr::new(40000, 80, SeqNumber(101))
    };
    // Forged: one bit off.
    l.handle_segment(now, client_ip(1), &ack(SeqNumber(sa.seq_number.0 ^ 1)));
    let (_, rst) = drain(&mut l, now).pop().unwrap();
    assert!(rst.flags.contains(Flags::RST));
    // Stale: three minutes later (ticks of 64 s; the previous tick is still good).
    let later = now + Duration::from_secs(200);
    l.handle_segment(later, client_ip(1), &ack(sa.seq_number));
    assert!(drain(&mut l, later).pop().unwrap().1.flags.contains(Flags::RST));
    assert_eq!(l.stats().cookies_rejected, 2);
    assert!(l.accept().is_none());
    // Fresh and exact: accepted.
    l.handle_segment(now, client_ip(1), &ack(sa.seq_number));
    assert!(l.accept().is_some());
}

#[test]
fn a_handshake_reset_by_the_peer_leaves_the_backlog() {
    // RFC 9293 §3.10.7.4: the embryo returns to LISTEN, which for a listener means
    // it is gone, and its slot takes the next SYN.
    let mut l = Listener::new(cfg(), local(), 1, false);
    let now = Instant::ZERO;
    l.handle_segment(now, client_ip(1), &syn(40000, 100));
    drain(&mut l, now);
    assert_eq!(l.backlog_len(), 1);
    let rst = Repr { flags: Flags::RST, ..Repr::new(40000, 80, SeqNumber(101)) };
    l.handle_segment(now, client_ip(1), &rst);
    assert_eq!(l.backlog_len(), 0);
    assert!(l.accept().is_none());
    l.handle_segment(now, client_ip(2), &syn(40001, 500));
    assert_eq!(l.backlog_len(), 1);
    assert_eq!(l.stats().syns_dropped, 0);
}

#[test]
fn a_short_buffer_is_refused_and_nothing_owed_is_lost() {
    let mut l = Listener::new(cfg(), local(), 1, false);
    let now = Instant::ZERO;
    l.handle_segment(now, client_ip(1), &syn(40000, 100));
    // No backlog left: the listener itself owes a reset for a stray ACK.
    let stray = Repr {
        flags: Flags::ACK,
        ack_number: Some(SeqNumber(77)),
        ..Repr::new(40001, 80, SeqNumber(5))
    };
    l.handle_segment(now, client_ip(2), &stray);
    let need = l.transmit_buffer_len();
    assert_eq!(need, 60 + 1460);
    let mut short = [0u8; 100];
    assert_eq!(l.poll_transmit(now, &mut short), Err(CallError::BufferTooSmall { need }));
    let out = drain(&mut l, now);
    assert_eq!(out.len(), 2);
    assert!(out[0].1.flags.contains(Flags::SYN | Flags::ACK));
    assert_eq!((out[1].1.flags, out[1].1.seq_number), (Flags::RST, SeqNumber(77)));
}

#[test]
fn embryos_show_the_backlog_oldest_first_until_accepted() {
    let mut l = Listener::new(cfg(), local(), 4, false);
    let now = Instant::ZERO;
    l.handle_segment(now, client_ip(1), &syn(40000, 100));
    l.handle_segment(now, client_ip(2), &syn(40001, 200));
    let out = drain(&mut l, now);
    let seen = |l: &Listener| -> Vec<(IpAddr, State)> {
        l.embryos().map(|c| (c.remote().unwrap().ip(), c.state())).collect()
    };
    assert_eq!(seen(&l), [(client_ip(1), State::SynReceived), (client_ip(2), State::SynReceived)]);
    // The second handshake completes: established, still there until accepted.
    let ack = Repr {
        flags: Flags::ACK,
        ack_number: Some(out[1].1.seq_number + 1),
        window_len: 65535,
        ..Repr::new(40001, 80, SeqNumber(201))
    };
    l.handle_segment(now, client_ip(2), &ack);
    assert_eq!(seen(&l), [(client_ip(1), State::SynReceived), (client_ip(2), State::Established)]);
    assert_eq!(l.accept().and_then(|c| c.remote()), Some(SocketAddr::new(client_ip(2), 40001)));
    assert_eq!(seen(&l), [(client_ip(1), State::SynReceived)]);
}
