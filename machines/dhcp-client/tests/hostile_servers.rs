//! Servers that send what they should not, and callers that poll late: each case
//! a review of the client found, kept as a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::Ipv4Addr;

use common::*;
use wirestate_dhcp::MessageType;
use wirestate_dhcp_client::{CallError, Config, Event, LossReason, State, Timer};

#[test]
fn t1_and_t2_of_zero_are_taken_as_absent_so_binding_does_not_renew_at_once() {
    let mut h = H::plain();
    h.dora(|x| {
        let mut a = Reply::ack(x);
        (a.t1, a.t2) = (Some(0), Some(0));
        a
    });
    let l = h.c.lease().unwrap().clone();
    assert_eq!(l.rebinding_time, Some(secs(3150)));
    assert!(l.renewal_time.unwrap() >= secs(1800 - 3600 / 32));
    assert!(h.c.timer(Timer::Renew).unwrap() > h.now);
}

#[test]
fn a_short_t2_without_t1_keeps_renewing_before_rebinding() {
    let mut h = H::plain();
    h.dora(|x| {
        let mut a = Reply::ack(x);
        a.t2 = Some(600);
        a
    });
    let l = h.c.lease().unwrap().clone();
    assert_eq!((l.renewal_time, l.rebinding_time), (Some(secs(300)), Some(secs(600))));
}

#[test]
fn a_lease_counts_from_a_recent_discover_even_after_an_hour_of_silence() {
    let mut config = Config::new(MAC);
    config.conflict_detection = false;
    config.rapid_commit = true;
    let mut h = H::new(config);
    h.c.start(h.now).unwrap();
    h.sent();
    let start = h.now;
    while h.now.saturating_duration_since(start) < secs(3600) {
        h.fire();
        h.sent();
    }
    let mut ack = Reply::ack(h.c.xid()).lease(Some(1800));
    ack.rapid_commit = true;
    h.advance(secs(1));
    h.reply(SERVER, &ack);
    assert_eq!(h.c.state(), State::Bound, "{:?}", h.c.stats());
    let end = h.c.lease().unwrap().expires_at().unwrap();
    assert!(end > h.now + secs(1800 - 66), "counted from a DISCOVER at most 65 s old");
}

#[test]
fn an_ack_whose_lease_is_already_over_is_refused() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    h.fire(); // T1
    let r = h.one();
    h.advance(secs(70));
    h.reply(SERVER, &Reply::ack(r.xid).lease(Some(60)));
    assert_eq!((h.c.state(), h.c.stats().dropped_invalid), (State::Renewing, 1));
}

#[test]
fn poll_transmit_runs_the_deadlines_that_passed_before_sending() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    let end = h.c.timer(Timer::Expire).unwrap();
    // T1 fires, but the host polls its REQUEST only after the lease is over.
    let t1 = h.c.timer(Timer::Renew).unwrap();
    h.now = t1;
    h.c.handle_timeout(h.now);
    h.now = end + secs(100);
    let sent = h.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].mt, sent[0].t.src), (MessageType::Discover, Ipv4Addr::UNSPECIFIED));
    assert_eq!(h.take_events(), [Event::Lost { address: ADDR, reason: LossReason::Expired }]);
}

#[test]
fn s4_3_2_an_ack_for_another_address_than_asked_is_not_accepted() {
    let other = Ipv4Addr::new(10, 0, 0, 99);
    // REQUESTING.
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid));
    h.one();
    h.reply(SERVER, &Reply::ack(d.xid).yiaddr(other));
    assert_eq!((h.c.state(), h.c.stats().dropped_invalid), (State::Requesting, 1));
    // REBOOTING.
    let mut h = H::plain();
    h.dora(Reply::ack);
    let lease = h.c.stop().unwrap();
    h.c.start_reboot(h.now, lease).unwrap();
    let r = h.one();
    h.reply(SERVER, &Reply::ack(r.xid).yiaddr(other));
    assert_eq!((h.c.state(), h.c.stats().dropped_invalid), (State::Rebooting, 1));
    // RENEWING.
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.fire();
    let r = h.one();
    h.reply(SERVER, &Reply::ack(r.xid).yiaddr(other));
    assert_eq!((h.c.state(), h.c.lease().unwrap().address), (State::Renewing, ADDR));
}

#[test]
fn table_3_replies_without_a_server_identifier_are_refused() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    let mut offer = Reply::offer(d.xid);
    offer.server = None;
    h.reply(SERVER, &offer);
    assert_eq!((h.c.state(), h.c.stats().dropped_invalid), (State::Selecting, 1));
}

#[test]
fn renew_by_hand_of_an_endless_lease_retries_then_returns_to_bound() {
    let mut h = H::plain();
    h.dora(|x| Reply::ack(x).lease(Some(u32::MAX)));
    h.c.renew(h.now).unwrap();
    let mut n = h.sent().len();
    while h.c.state() == State::Renewing {
        h.fire();
        n += h.sent().len();
    }
    assert_eq!((h.c.state(), n as u32), (State::Bound, h.c.config().request_attempts));
    assert_eq!(h.c.poll_timeout(), None);
}

#[test]
fn renew_is_refused_for_a_bootp_lease() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    let bootp = bootp_reply(d.xid);
    h.c.handle_message(h.now, SERVER, &bootp);
    assert_eq!(h.c.state(), State::Bound);
    assert_eq!(h.c.renew(h.now), Err(CallError::NotBound));
}

#[test]
fn the_longest_finite_lease_does_not_overflow() {
    let mut h = H::plain();
    h.dora(|x| Reply::ack(x).lease(Some(u32::MAX - 1)));
    let l = h.c.lease().unwrap();
    assert_eq!(l.lease_time, Some(secs(u64::from(u32::MAX - 1))));
    assert!(l.renewal_time < l.rebinding_time && l.rebinding_time < l.lease_time);
}
