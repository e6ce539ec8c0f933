//! Address conflict detection (RFC 5227), rapid commit (RFC 4039) and the
//! replies real servers send that a strict reader would refuse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::Ipv4Addr;

use common::*;
use wirestate_dhcp::{code, MessageType};
use wirestate_dhcp_client::{Config, Event, LeaseKind, LossReason, State, Timer};

fn acd() -> H {
    H::new(Config::new(MAC))
}

/// Runs timers until the state changes, collecting events.
fn run_until_not(h: &mut H, state: State) -> Vec<Event> {
    while h.c.state() == state {
        h.fire();
        h.sent();
    }
    h.take_events()
}

#[test]
fn rfc5227_s2_1_1_three_probes_then_bound_then_two_announcements() {
    let mut h = acd();
    h.dora(Reply::ack);
    assert_eq!(h.c.state(), State::Probing);
    assert!(h.take_events().is_empty(), "nothing is bound before the probes");
    let acked = h.now;
    let mut times = Vec::new();
    while h.c.state() == State::Probing {
        h.fire();
        h.sent();
        for e in h.take_events() {
            times.push((h.now.saturating_duration_since(acked), e));
        }
    }
    let probes: Vec<_> =
        times.iter().filter(|(_, e)| *e == Event::Probe(ADDR)).map(|(t, _)| *t).collect();
    assert_eq!(probes.len(), 3);
    assert!(probes[0] <= secs(1), "PROBE_WAIT");
    for w in probes.windows(2) {
        let gap = w[1] - w[0];
        assert!(gap >= secs(1) && gap <= secs(2), "PROBE_MIN..PROBE_MAX: {gap:?}");
    }
    let (bound_at, last) = times.last().cloned().unwrap();
    assert!(matches!(last, Event::Bound(_)), "{times:?}");
    assert_eq!(bound_at - probes[2], secs(2), "ANNOUNCE_WAIT");
    assert!(times.iter().any(|(t, e)| *t == bound_at && *e == Event::Announce(ADDR)));
    // The second announcement ANNOUNCE_INTERVAL later.
    assert_eq!(h.fire(), secs(2));
    assert_eq!(h.take_events(), [Event::Announce(ADDR)]);
    assert_eq!(h.c.timer(Timer::Acd), None);
}

#[test]
fn rfc5227_s2_1_1_a_reply_from_the_address_while_probing_declines_it_and_restarts_after_ten_seconds(
) {
    let mut h = acd();
    h.dora(Reply::ack);
    h.fire();
    h.sent();
    assert_eq!(h.take_events(), [Event::Probe(ADDR)]);
    // Our own probe seen again is not a conflict.
    h.c.handle_arp(h.now, &MAC, Ipv4Addr::UNSPECIFIED, ADDR);
    assert_eq!(h.c.state(), State::Probing);
    h.c.handle_arp(h.now, &[2, 9, 9, 9, 9, 9], ADDR, Ipv4Addr::new(10, 0, 0, 1));
    assert_eq!(h.c.state(), State::Init);
    let d = h.one();
    assert_eq!(
        (d.mt, d.ciaddr, d.t.dst, d.secs),
        (MessageType::Decline, Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, 0)
    );
    assert_eq!(
        (d.opt_addr(code::REQUESTED_IP), d.opt_addr(code::SERVER_IDENTIFIER)),
        (Some(ADDR), Some(SERVER))
    );
    assert_eq!(h.take_events(), [Event::Conflict(ADDR)]);
    // RFC 2131 §3.1 step 5: at least ten seconds before starting again.
    assert_eq!(h.fire(), secs(10));
    let again = h.one();
    assert_eq!((again.mt, again.opt_addr(code::REQUESTED_IP)), (MessageType::Discover, None));
}

#[test]
fn rfc5227_s2_1_1_another_hosts_probe_for_the_address_is_a_conflict() {
    let mut h = acd();
    h.dora(Reply::ack);
    h.c.handle_arp(h.now, &[2, 9, 9, 9, 9, 9], Ipv4Addr::UNSPECIFIED, ADDR);
    assert_eq!((h.c.state(), h.c.stats().conflicts), (State::Init, 1));
}

#[test]
fn rfc5227_s2_1_1_after_ten_conflicts_attempts_are_a_minute_apart() {
    let mut h = acd();
    h.c.start(h.now).unwrap();
    for n in 1..=10u32 {
        let d = h.sent().into_iter().find(|s| s.mt == MessageType::Discover).unwrap();
        h.reply(SERVER, &Reply::offer(d.xid));
        let r = h.one();
        h.reply(SERVER, &Reply::ack(r.xid));
        h.c.handle_arp(h.now, &[2, 9, 9, 9, 9, 9], ADDR, ADDR);
        h.sent();
        let wait = h.c.timer(Timer::Restart).unwrap().saturating_duration_since(h.now);
        assert_eq!(wait, if n < 10 { secs(10) } else { secs(60) }, "conflict {n}");
        h.fire();
    }
}

#[test]
fn rfc5227_s2_4_a_bound_address_is_defended_once_then_given_up() {
    let mut h = acd();
    h.dora(Reply::ack);
    run_until_not(&mut h, State::Probing);
    h.advance(secs(30));
    let intruder = [2, 9, 9, 9, 9, 9];
    h.c.handle_arp(h.now, &intruder, ADDR, ADDR);
    assert_eq!(h.take_events(), [Event::Announce(ADDR)]);
    assert_eq!(h.c.state(), State::Bound);
    h.advance(secs(5));
    h.c.handle_arp(h.now, &intruder, ADDR, ADDR);
    let d = h.one();
    assert_eq!(d.mt, MessageType::Decline);
    assert_eq!(
        h.take_events(),
        [Event::Lost { address: ADDR, reason: LossReason::Conflict }, Event::Conflict(ADDR)]
    );
    assert_eq!(h.c.state(), State::Init);
}

#[test]
fn rfc4039_rapid_commit_binds_on_the_ack_to_the_discover() {
    let mut config = Config::new(MAC);
    config.conflict_detection = false;
    config.rapid_commit = true;
    let mut h = H::new(config);
    h.c.start(h.now).unwrap();
    let d = h.one();
    assert_eq!(d.options.get(&code::RAPID_COMMIT), Some(&vec![]));
    let discovered_at = h.now;
    h.advance(secs(1));
    let mut ack = Reply::ack(d.xid);
    ack.rapid_commit = true;
    h.reply(SERVER, &ack);
    assert_eq!(h.c.state(), State::Bound);
    assert!(h.sent().is_empty(), "no REQUEST with rapid commit");
    assert_eq!(h.c.lease().unwrap().acquired, discovered_at);
}

#[test]
fn rfc4039_rapid_commit_falls_back_to_four_messages_when_the_server_offers() {
    let mut config = Config::new(MAC);
    config.conflict_detection = false;
    config.rapid_commit = true;
    let mut h = H::new(config);
    h.c.start(h.now).unwrap();
    let d = h.one();
    // An ACK without option 80 in SELECTING is not a commit.
    h.reply(SERVER, &Reply::ack(d.xid));
    assert_eq!(h.c.state(), State::Selecting);
    h.reply(SERVER, &Reply::offer(d.xid));
    let r = h.one();
    assert_eq!(r.mt, MessageType::Request);
    assert!(!r.options.contains_key(&code::RAPID_COMMIT), "only the DISCOVER asks");
    h.reply(SERVER, &Reply::ack(r.xid));
    assert_eq!(h.c.state(), State::Bound);
}

#[test]
fn rfc4039_an_unasked_rapid_commit_ack_is_ignored() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    let mut ack = Reply::ack(d.xid);
    ack.rapid_commit = true;
    h.reply(SERVER, &ack);
    assert_eq!(h.c.state(), State::Selecting);
}

#[test]
fn options_without_an_end_option_are_taken() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    let mut offer = Reply::offer(d.xid).bytes();
    // Cut after the last option: no END, no padding.
    let end = offer.iter().rposition(|&b| b == 255).unwrap();
    offer.truncate(end);
    h.c.handle_message(h.now, SERVER, &offer);
    assert_eq!(h.c.state(), State::Requesting);
    let r = h.one();
    let mut ack = Reply::ack(r.xid).bytes();
    let end = ack.iter().rposition(|&b| b == 255).unwrap();
    ack.truncate(end);
    h.c.handle_message(h.now, SERVER, &ack);
    assert_eq!(h.c.state(), State::Bound);
    assert_eq!(h.c.lease().unwrap().dns_servers, [Ipv4Addr::new(10, 0, 0, 53)]);
}

#[test]
fn rfc1534_a_bootp_reply_without_cookie_is_an_endless_lease() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    let mut bootp = bootp_reply(d.xid);
    bootp[236..240].copy_from_slice(b"CMU\0"); // another vendor's magic
    h.c.handle_message(h.now, SERVER, &bootp);
    assert_eq!(h.c.state(), State::Bound);
    assert!(h.sent().is_empty(), "BOOTP has no REQUEST");
    let l = h.c.lease().unwrap();
    assert_eq!((l.kind, l.address, l.server, l.lease_time), (LeaseKind::Bootp, ADDR, SERVER, None));
    assert_eq!(h.c.poll_timeout(), None);
    // With the cookie but no message type it is BOOTP too (RFC 1497 vendor area).
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    bootp[4..8].copy_from_slice(&d.xid.to_be_bytes());
    bootp[236..241].copy_from_slice(&[99, 130, 83, 99, 255]);
    h.c.handle_message(h.now, SERVER, &bootp);
    assert_eq!(h.c.lease().map(|l| l.kind), Some(LeaseKind::Bootp));
}

#[test]
fn a_bootp_reply_is_refused_when_config_says_so_and_outside_selecting() {
    let mut config = Config::new(MAC);
    config.accept_bootp = false;
    let mut h = H::new(config);
    h.c.start(h.now).unwrap();
    let d = h.one();
    let bootp = bootp_reply(d.xid);
    h.c.handle_message(h.now, SERVER, &bootp);
    assert_eq!((h.c.state(), h.c.stats().dropped_unexpected), (State::Selecting, 1));
}
