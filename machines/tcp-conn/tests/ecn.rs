//! ECN (RFC 3168) end to end over the simulated link: a bottleneck that marks
//! Congestion Experienced instead of dropping delivers the same bytes with no
//! retransmission, and the sender halves its window at most once per window
//! of data; a peer that does not negotiate ECN never sees an ECT packet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::time::Duration;

use common::{key, LinkConfig, Pair};
use wirestate_tcp_conn::{Config, EcnMode};

fn config(ecn: EcnMode) -> Config {
    Config { ecn, send_buffer: 1 << 20, recv_buffer: 1 << 20, hystart: false, ..Config::new(key()) }
}

fn bottleneck(mark_ce: bool) -> LinkConfig {
    LinkConfig {
        delay: Duration::from_millis(20),
        rate: 10_000_000 / 8,
        queue: 20,
        mark_ce,
        ..LinkConfig::default()
    }
}

fn data() -> Vec<u8> {
    (0..3_000_000u32).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn rfc3168_ce_marks_instead_of_drops_deliver_the_same_bytes_with_one_halving_per_window() {
    let data = data();
    let mut pair = Pair::new(config(EcnMode::On), config(EcnMode::Passive), bottleneck(true), 7);
    let x = pair.run(&data, b"", Duration::from_secs(120));
    assert!(pair.a.ecn_enabled() && pair.b.ecn_enabled());
    assert_eq!(x.b_got, data, "the same bytes arrive");
    let (a, b) = (pair.a.stats(), pair.b.stats());
    assert!(pair.ce_marked > 0 && b.ce_received > 0, "the queue filled and marked");
    assert_eq!(a.retransmits, 0, "nothing was dropped, nothing sent again");
    assert!(a.ecn_reductions > 0);
    // Each reduction halves the window (NewReno: ssthresh = flight / 2), and a
    // second one waits until the data sent before the first is acknowledged:
    // at least a round trip (40 ms plus queueing) apart.
    let drops: Vec<_> =
        pair.a_cwnd.windows(2).filter(|w| w[1].1 < w[0].1).map(|w| (w[0], w[1])).collect();
    assert_eq!(drops.len() as u64, a.ecn_reductions, "every decrease is an ECN reduction");
    for ((_, before), (_, after)) in &drops {
        assert!(*after <= before / 2 + 1460 && *after >= before / 4, "{before} -> {after}");
    }
    for pair_of in drops.windows(2) {
        let gap = pair_of[1].1 .0 - pair_of[0].1 .0;
        assert!(gap >= Duration::from_millis(40), "two reductions {gap:?} apart");
    }
    // Marks came in bursts of many packets, yet reductions stayed far fewer.
    assert!(
        b.ce_received > 2 * a.ecn_reductions,
        "{} marks, {} reductions",
        b.ce_received,
        a.ecn_reductions
    );
}

#[test]
fn rfc3168_without_ecn_the_same_queue_drops_and_retransmits() {
    // The control: the same path without ECN loses packets at the queue.
    let data = data();
    let mut pair = Pair::new(config(EcnMode::Off), config(EcnMode::Off), bottleneck(true), 7);
    let x = pair.run(&data, b"", Duration::from_secs(120));
    assert_eq!(x.b_got, data);
    assert!(pair.a.stats().retransmits > 0);
    assert_eq!(pair.ce_marked, 0);
}

#[test]
fn rfc3168_6_1_1_a_peer_that_does_not_negotiate_sees_no_ect() {
    let data = data();
    let mut pair = Pair::new(config(EcnMode::On), config(EcnMode::Off), bottleneck(true), 3);
    let x = pair.run(&data[..200_000], &data[..100_000], Duration::from_secs(60));
    assert_eq!((x.b_got.len(), x.a_got.len()), (200_000, 100_000));
    assert!(!pair.a.ecn_enabled() && !pair.b.ecn_enabled());
    assert_eq!(pair.ect_sent, [0, 0], "no ECT from either side");
}
