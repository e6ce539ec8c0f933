//! The connection's parts against their RFCs: RFC 6298 arithmetic, bounds and
//! backoff; Karn's rule; RFC 6528 initial sequence numbers.
#![allow(clippy::unwrap_used, reason = "test code")]

use core::net::SocketAddr;
use core::time::Duration;

use proptest::prelude::*;
use wirestate_tcp::SeqNumber;
use wirestate_tcp_conn::{IsnGenerator, IsnKey, RtoConfig, RttEstimator, RttTimer};
use wirestate_wire::Instant;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn low_floor() -> RtoConfig {
    RtoConfig { min: ms(200), ..RtoConfig::default() }
}

#[test]
fn rfc6298_section_2_arithmetic() {
    let mut rtt = RttEstimator::new(low_floor());
    assert_eq!((rtt.srtt(), rtt.rttvar(), rtt.rto()), (None, None, ms(1000)));
    rtt.on_sample(ms(100));
    assert_eq!((rtt.srtt(), rtt.rttvar(), rtt.rto()), (Some(ms(100)), Some(ms(50)), ms(300)));
    // §2.3, RTTVAR from the old SRTT first: 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms;
    // SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms; RTO = 112.5 + 4 * 62.5 = 362.5 ms.
    rtt.on_sample(ms(200));
    assert_eq!(rtt.rttvar(), Some(Duration::from_micros(62_500)));
    assert_eq!(rtt.srtt(), Some(Duration::from_micros(112_500)));
    assert_eq!(rtt.rto(), Duration::from_micros(362_500));
}

#[test]
fn granularity_floor_and_ceiling() {
    // A steady 10 ms path: RTTVAR decays towards 0 and G (here 100 ms) takes over
    // from 4 * RTTVAR.
    let config = RtoConfig { min: ms(1), granularity: ms(100), ..RtoConfig::default() };
    let mut rtt = RttEstimator::new(config);
    for _ in 0..200 {
        rtt.on_sample(ms(10));
    }
    assert_eq!(rtt.srtt(), Some(ms(10)));
    assert_eq!(rtt.rto(), ms(110));
    // The RFC's own floor: 1 s (§2.4).
    let mut rtt = RttEstimator::new(RtoConfig::default());
    rtt.on_sample(ms(10));
    assert_eq!(rtt.rto(), ms(1000));
    // The ceiling (§2.5) bounds even a huge sample.
    rtt.on_sample(Duration::from_secs(3600));
    assert_eq!(rtt.rto(), Duration::from_secs(60));
}

#[test]
fn backoff_doubles_to_the_ceiling_and_a_sample_ends_it() {
    let mut rtt = RttEstimator::new(low_floor());
    rtt.on_sample(ms(100));
    let mut seen = vec![rtt.rto()];
    for _ in 0..12 {
        rtt.on_timeout();
        seen.push(rtt.rto());
    }
    let secs: Vec<u64> = seen.iter().map(Duration::as_millis).map(|m| m as u64).collect();
    assert_eq!(
        secs,
        [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 60000, 60000, 60000, 60000, 60000]
    );
    assert_eq!(rtt.backoffs(), 8, "counting stops at the ceiling");
    rtt.on_sample(ms(100));
    assert_eq!(rtt.backoffs(), 0);
    assert!(rtt.rto() < ms(400));
    // Before any sample the initial timeout backs off the same way (SYN retries).
    let mut fresh = RttEstimator::new(RtoConfig::default());
    fresh.on_timeout();
    fresh.on_timeout();
    assert_eq!(fresh.rto(), ms(4000));
}

proptest! {
    #[test]
    fn rto_stays_between_floor_and_ceiling(
        steps in prop::collection::vec(prop_oneof![
            (0u64..10_000_000).prop_map(Some),
            Just(None),
        ], 0..200),
        min_ms in 0u64..2000,
        max_ms in 0u64..120_000,
    ) {
        let config = RtoConfig { min: ms(min_ms), max: ms(max_ms), ..RtoConfig::default() };
        let mut rtt = RttEstimator::new(config);
        let ceiling = ms(max_ms.max(min_ms));
        let mut last = rtt.rto();
        for step in steps {
            match step {
                Some(micros) => rtt.on_sample(Duration::from_micros(micros)),
                None => {
                    rtt.on_timeout();
                    // Backoff never shortens the timeout.
                    prop_assert!(rtt.rto() >= last);
                }
            }
            last = rtt.rto();
            prop_assert!(last >= ms(min_ms) && last <= ceiling, "{last:?}");
            if let (Some(srtt), Some(var)) = (rtt.srtt(), rtt.rttvar()) {
                prop_assert!(srtt <= Duration::from_micros(10_000_000));
                prop_assert!(var <= Duration::from_micros(10_000_000));
            }
        }
    }
}

#[test]
fn karn_times_first_transmissions_only() {
    let mut t = RttTimer::default();
    let at = Instant::from_millis;
    t.on_send(SeqNumber(100), at(0));
    // A second segment while one is timed does not restart the timing.
    t.on_send(SeqNumber(200), at(5));
    assert_eq!(t.on_ack(SeqNumber(100), at(50)), Some(ms(50)));
    assert!(!t.is_timing());
    // Wrapping sequence space: a segment ending past 2^32.
    t.on_send(SeqNumber(10), at(60));
    assert_eq!(t.on_ack(SeqNumber(u32::MAX - 5), at(70)), None);
    assert_eq!(t.on_ack(SeqNumber(10), at(80)), Some(ms(20)));
    // Retransmission makes the measurement ambiguous: no sample, and the next new
    // segment is timed afresh.
    t.on_send(SeqNumber(300), at(100));
    t.on_retransmit();
    assert_eq!(t.on_ack(SeqNumber(300), at(400)), None);
    t.on_send(SeqNumber(400), at(410));
    assert_eq!(t.on_ack(SeqNumber(400), at(430)), Some(ms(20)));
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn isns_follow_rfc6528() {
    let isn = IsnGenerator::new(IsnKey::new(*b"0123456789abcdef"));
    let (l, r) = (addr("10.0.0.2:40000"), addr("10.0.0.1:80"));
    let t = Instant::from_millis(1000);
    // Deterministic: the same key, tuple and time give the same number.
    assert_eq!(isn.isn(t, l, r), IsnGenerator::new(IsnKey::new(*b"0123456789abcdef")).isn(t, l, r));
    // M: 4 us ticks, so 1 s later the same tuple is 250 000 further on.
    assert_eq!(isn.isn(t + Duration::from_secs(1), l, r).diff(isn.isn(t, l, r)), 250_000);
    // F: every part of the tuple, and the key, changes the number.
    let base = isn.isn(t, l, r);
    for (l2, r2) in [
        (addr("10.0.0.3:40000"), r),
        (addr("10.0.0.2:40001"), r),
        (l, addr("10.0.0.9:80")),
        (l, addr("10.0.0.1:81")),
        (r, l),
        (addr("[fd00::2]:40000"), addr("[fd00::1]:80")),
    ] {
        assert_ne!(isn.isn(t, l2, r2), base, "{l2} -> {r2}");
    }
    assert_ne!(IsnGenerator::new(IsnKey::new([0; 16])).isn(t, l, r), base);
    // The key does not show in Debug output.
    assert_eq!(format!("{isn:?}"), "IsnGenerator { .. }");
    assert_eq!(format!("{:?}", IsnKey::new(*b"0123456789abcdef")), "IsnKey(..)");
}

proptest! {
    #[test]
    fn isn_offsets_spread_over_the_space(ports in prop::collection::vec(1024u16.., 64)) {
        // Different source ports at one instant: F's outputs should not cluster.
        // With 64 draws, all in one 2^28 slice (1/16 of the space) has odds 16^-63.
        let isn = IsnGenerator::new(IsnKey::new([42; 16]));
        let t = Instant::from_millis(5);
        let r = addr("192.0.2.1:443");
        let tops: std::collections::BTreeSet<u32> = ports
            .iter()
            .map(|&p| isn.isn(t, SocketAddr::from(([192, 0, 2, 7], p)), r).0 >> 28)
            .collect();
        let distinct: std::collections::BTreeSet<u16> = ports.iter().copied().collect();
        prop_assume!(distinct.len() > 8);
        prop_assert!(tops.len() > 1);
    }
}
