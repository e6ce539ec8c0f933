//! Whatever arrives, the server does not panic, stays within its limits, keeps
//! its table consistent, writes only well-formed replies, and repeats itself
//! exactly given the same history.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;
use core::time::Duration;
use std::collections::HashSet;

use common::*;
use proptest::prelude::*;
use wirestate_dhcp::{code, Builder, Message, MessageType};
use wirestate_dhcp_server::{BindingState, Config, Server};
use wirestate_wire::Instant;

fn small_config(rapid: bool, authoritative: bool) -> Config {
    Config {
        pool: pool(0)..=pool(5),
        max_leases: 5,
        max_pending: 3,
        max_events: 4,
        offer_hold: Duration::from_secs(5),
        lease_time: Duration::from_secs(40),
        decline_hold: Duration::from_secs(20),
        rapid_commit: rapid,
        authoritative,
        ..config()
    }
}

/// One step of a history.
#[derive(Debug, Clone)]
enum Op {
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A client message, then `flips` (offset, xor) applied and cut to `cut`.
    Message { spec: Spec, flips: Vec<(usize, u8)>, cut: Option<usize> },
    /// Time passes, then the deadlines run.
    Wait(u64),
    /// Events are read (otherwise they pile up to the limit).
    ReadEvents,
}

#[derive(Debug, Clone)]
struct Spec {
    mt: u8,
    xid: u32,
    client: u8,
    broadcast: bool,
    ciaddr: Option<Ipv4Addr>,
    giaddr: Option<Ipv4Addr>,
    requested: Option<Ipv4Addr>,
    server_id: Option<Ipv4Addr>,
    client_id: Option<Vec<u8>>,
    prl: Option<Vec<u8>>,
    max_size: Option<u16>,
    rapid: bool,
}

fn addr() -> impl Strategy<Value = Ipv4Addr> {
    prop_oneof![
        (0u8..8).prop_map(pool),
        Just(SERVER),
        Just(OTHER_SERVER),
        Just(Ipv4Addr::new(10, 0, 0, 250)),
        Just(Ipv4Addr::new(192, 168, 1, 1)),
        any::<u32>().prop_map(Ipv4Addr::from),
    ]
}

/// Mostly client message types; some server ones and unknown ones.
fn message_type() -> impl Strategy<Value = u8> {
    prop_oneof![
        12 => proptest::sample::select(vec![1u8, 1, 3, 3, 3, 4, 7, 8]),
        2 => proptest::sample::select(vec![2u8, 5, 6]),
        1 => Just(0u8),
        1 => Just(13u8),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (message_type(), any::<u32>(), 0u8..10, any::<bool>()),
        (proptest::option::of(addr()), proptest::option::weighted(0.2, addr())),
        (proptest::option::of(addr()), proptest::option::of(addr())),
        proptest::option::weighted(0.3, proptest::collection::vec(any::<u8>(), 2..8)),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 1..20)),
        (proptest::option::weighted(0.3, any::<u16>()), any::<bool>()),
    )
        .prop_map(
            |(
                (mt, xid, client, broadcast),
                (ciaddr, giaddr),
                (req, sid),
                id,
                prl,
                (max, rapid),
            )| Spec {
                mt,
                xid,
                client,
                broadcast,
                ciaddr,
                giaddr,
                requested: req,
                server_id: sid,
                client_id: id,
                prl,
                max_size: max,
                rapid,
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..600).prop_map(Op::Bytes),
        8 => (
            spec(),
            proptest::collection::vec((0usize..400, any::<u8>()), 0..3),
            proptest::option::weighted(0.1, 0usize..400),
        )
            .prop_map(|(spec, flips, cut)| Op::Message { spec, flips, cut }),
        2 => (0u64..8_000).prop_map(Op::Wait),
        1 => Just(Op::ReadEvents),
    ]
}

fn build(s: &Spec) -> Vec<u8> {
    let mut buf = vec![0u8; 1500];
    let mut b = Builder::new(&mut buf, MessageType::from_u8(s.mt), s.xid, &mac(s.client)).unwrap();
    b.header().set_op(1);
    b.header().set_broadcast(s.broadcast);
    b.header().set_ciaddr(s.ciaddr.unwrap_or(UNSPEC));
    b.header().set_giaddr(s.giaddr.unwrap_or(UNSPEC));
    if let Some(a) = s.requested {
        b.ipv4(code::REQUESTED_IP, a).unwrap();
    }
    if let Some(a) = s.server_id {
        b.ipv4(code::SERVER_IDENTIFIER, a).unwrap();
    }
    if let Some(id) = &s.client_id {
        b.option(code::CLIENT_IDENTIFIER, id).unwrap();
    }
    if let Some(p) = &s.prl {
        b.option(code::PARAMETER_REQUEST_LIST, p).unwrap();
    }
    if let Some(m) = s.max_size {
        b.u16(code::MAX_MESSAGE_SIZE, m).unwrap();
    }
    if s.rapid {
        b.option(code::RAPID_COMMIT, &[]).unwrap();
    }
    let len = b.finish().unwrap();
    buf.truncate(len);
    buf
}

fn payload(op: &Op) -> Option<Vec<u8>> {
    match op {
        Op::Bytes(b) => Some(b.clone()),
        Op::Message { spec, flips, cut } => {
            let mut m = build(spec);
            for &(at, x) in flips {
                if let Some(b) = m.get_mut(at) {
                    *b ^= x;
                }
            }
            if let Some(c) = cut {
                m.truncate(*c);
            }
            Some(m)
        }
        _ => None,
    }
}

/// Runs `ops`, checking the invariants after each; returns every byte sent.
fn run(cfg: Config, ops: &[Op]) -> Vec<Vec<u8>> {
    let mut server = Server::new(cfg.clone());
    let mut now = Instant::from_millis(1);
    let mut sent = Vec::new();
    let mut buf = vec![0u8; server.transmit_buffer_len()];
    for op in ops {
        match op {
            Op::Wait(ms) => {
                now += Duration::from_millis(*ms);
                server.handle_timeout(now);
            }
            Op::ReadEvents => while server.poll_event().is_some() {},
            _ => {
                let src = if sent.len() % 2 == 0 { UNSPEC } else { pool(1) };
                server.handle_message(now, src, &payload(op).unwrap());
            }
        }
        assert!(server.pending_replies() <= cfg.max_pending);
        assert!(server.pending_events() <= cfg.max_events);
        check_table(&server, &cfg, now);
        // Replies come out in a random-ish rhythm: sometimes left queued.
        if sent.len() % 3 != 2 {
            while let Some(t) = server.poll_transmit(now, &mut buf).unwrap() {
                check_reply(&buf[..t.len], t.src);
                sent.push(buf[..t.len].to_vec());
            }
        } else {
            sent.push(Vec::new());
        }
    }
    if std::env::var_os("DHCP_SERVER_STATS").is_some() {
        eprintln!("{:?}", server.stats());
    }
    sent
}

fn check_table(server: &Server, cfg: &Config, now: Instant) {
    let leases: Vec<_> = server.leases().collect();
    assert!(leases.len() <= cfg.max_leases);
    assert!(leases.windows(2).all(|w| w[0].addr < w[1].addr), "one binding per address, sorted");
    let mut clients = HashSet::new();
    for b in &leases {
        assert!(cfg.leasable(b.addr), "{b:?}");
        if b.state != BindingState::Declined {
            assert!(clients.insert(b.client.clone()), "two bindings for {:?}", b.client);
        }
        // The deadlines due have run (every input runs them first).
        assert!(b.until.is_none_or(|t| t > now), "{b:?} lapsed at {now:?}");
        if b.state.is_dormant() {
            assert!(b.until.is_none(), "{b:?}");
        }
    }
    assert_eq!(server.poll_timeout(), leases.iter().filter_map(|b| b.until).min());
}

fn check_reply(bytes: &[u8], src: Ipv4Addr) {
    assert_eq!(src, SERVER);
    let m = Message::new_checked(bytes).unwrap();
    assert_eq!(m.op(), 2);
    assert!(bytes.len() >= 300);
    let opts: Vec<_> = m.options().collect::<Result<_, _>>().unwrap();
    assert!(opts.iter().any(|o| o.code() == code::MESSAGE_TYPE));
    assert!(opts.iter().any(|o| o.code() == code::SERVER_IDENTIFIER));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..1500)) {
        let mut s = Server::new(small_config(true, true));
        s.handle_message(Instant::ZERO, UNSPEC, &data);
        let mut buf = vec![0u8; s.transmit_buffer_len()];
        while s.poll_transmit(Instant::ZERO, &mut buf).unwrap().is_some() {}
        prop_assert_eq!(s.stats().received, 1);
    }

    #[test]
    fn random_histories_keep_every_invariant_and_repeat_exactly(
        ops in proptest::collection::vec(op(), 1..80),
        rapid in any::<bool>(),
        authoritative in any::<bool>(),
    ) {
        let cfg = small_config(rapid, authoritative);
        let first = run(cfg.clone(), &ops);
        prop_assert_eq!(first, run(cfg, &ops));
    }
}
