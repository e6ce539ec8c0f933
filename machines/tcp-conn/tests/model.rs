//! The model test: two connections over a lossy, reordering, duplicating link
//! deliver exactly the byte streams written, both ways, and both end CLOSED.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::time::Duration;

use common::{key, LinkConfig, Pair};
use proptest::prelude::*;
use wirestate_tcp_conn::{Algorithm, Config, ConnectionError, Event, IsnKey, State};

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[derive(Debug, Clone)]
struct Case {
    seed: u64,
    a_len: usize,
    b_len: usize,
    loss: f64,
    duplicate: f64,
    jitter_ms: u64,
    a_cfg: Config,
    b_cfg: Config,
}

fn config() -> impl Strategy<Value = Config> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(2048usize), Just(8192), Just(65536), Just(262_144)],
        prop_oneof![Just(2048usize), Just(8192), Just(65536), Just(262_144)],
        prop_oneof![Just(536u16), Just(1460)],
        any::<[u8; 16]>(),
    )
        .prop_map(|(nagle, ws, ts, sack, delack, cubic, sb, rb, mss, key)| Config {
            nagle,
            window_scaling: ws,
            timestamps: ts,
            sack,
            delayed_ack: delack.then(|| Duration::from_millis(40)),
            congestion: if cubic { Algorithm::Cubic } else { Algorithm::NewReno },
            send_buffer: sb,
            recv_buffer: rb,
            mss,
            // Loss up to 15% can take the RTO to its 60 s ceiling several times in a
            // row; the defaults (15 timeouts, 5 minutes) would then rightly give up.
            // The property is about delivery, so the test gives them room.
            user_timeout: Duration::from_secs(3600),
            max_retransmits: 40,
            ..Config::new(IsnKey::new(key))
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        0usize..40_000,
        0usize..20_000,
        prop_oneof![Just(0.0), 0.0..0.15f64],
        prop_oneof![Just(0.0), 0.0..0.1f64],
        prop_oneof![Just(0u64), 0u64..30],
        config(),
        config(),
    )
        .prop_map(|(seed, a_len, b_len, loss, duplicate, jitter_ms, a_cfg, b_cfg)| Case {
            seed,
            a_len,
            b_len,
            loss,
            duplicate,
            jitter_ms,
            a_cfg,
            b_cfg,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn streams_arrive_exactly_and_both_ends_close(c in case()) {
        let link = LinkConfig {
            delay: Duration::from_millis(10),
            jitter: Duration::from_millis(c.jitter_ms),
            loss: c.loss,
            duplicate: c.duplicate,
            ..LinkConfig::default()
        };
        let mut pair = Pair::new(c.a_cfg, c.b_cfg, link, c.seed);
        let a_data = data(c.a_len, 1);
        let b_data = data(c.b_len, 2);
        let x = pair.run(&a_data, &b_data, Duration::from_secs(6 * 3600));
        prop_assert_eq!(x.b_got.len(), a_data.len());
        prop_assert!(x.b_got == a_data, "A -> B stream differs");
        prop_assert_eq!(x.a_got.len(), b_data.len());
        prop_assert!(x.a_got == b_data, "B -> A stream differs");
        prop_assert_eq!(pair.a.state(), State::Closed);
        prop_assert_eq!(pair.b.state(), State::Closed);
        prop_assert!(pair.a_events.contains(&Event::Connected));
        prop_assert!(!pair.a_events.contains(&Event::Lost(ConnectionError::TimedOut)), "{:?}", pair.a_events);
        prop_assert!(!pair.b_events.contains(&Event::Lost(ConnectionError::TimedOut)), "{:?}", pair.b_events);
    }
}

#[test]
fn a_clean_link_moves_a_megabyte_without_retransmitting() {
    let cfg = Config { send_buffer: 256 * 1024, recv_buffer: 256 * 1024, ..Config::new(key()) };
    let mut pair = Pair::new(cfg, cfg, LinkConfig::default(), 7);
    let a_data = data(1 << 20, 3);
    let x = pair.run(&a_data, &[], Duration::from_secs(600));
    assert!(x.b_got == a_data);
    assert_eq!(pair.a.stats().retransmits, 0, "{:?}", pair.a.stats());
    assert_eq!((pair.a.state(), pair.b.state()), (State::Closed, State::Closed));
}
