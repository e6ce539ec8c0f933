//! Every transition of RFC 2131 figure 5, against scripted server replies, each
//! test named for the clause it checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::Ipv4Addr;

use common::*;
use wirestate_dhcp::{code, MessageType};
use wirestate_dhcp_client::{CallError, Event, LeaseKind, LossReason, State, Timer};

#[test]
fn s4_4_1_init_sends_a_broadcast_discover_with_the_configured_options() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    assert_eq!(h.c.state(), State::Selecting);
    let d = h.one();
    assert_eq!(d.mt, MessageType::Discover);
    assert_eq!((d.t.src, d.t.dst), (Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST));
    assert_eq!((d.secs, d.ciaddr, d.chaddr.as_slice()), (0, Ipv4Addr::UNSPECIFIED, &MAC[..]));
    assert_eq!(d.options[&code::CLIENT_IDENTIFIER], [&[1u8][..], &MAC].concat());
    assert_eq!(d.options[&code::MAX_MESSAGE_SIZE], 1472u16.to_be_bytes());
    assert_eq!(d.options[&code::PARAMETER_REQUEST_LIST], [1, 3, 6, 15, 26, 28, 33, 119, 121]);
    for absent in [code::REQUESTED_IP, code::SERVER_IDENTIFIER, code::RAPID_COMMIT] {
        assert!(!d.options.contains_key(&absent), "option {absent}");
    }
    assert_eq!(d.bytes.len(), 300, "padded to the BOOTP minimum (RFC 1542 §2.1)");
    assert_eq!(h.c.start(h.now), Err(CallError::Running));
}

#[test]
fn s4_1_discover_retransmits_at_4_8_16_32_64_64_seconds_plus_minus_one() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let first = h.one();
    let t0 = h.now;
    let mut xids = vec![first.xid];
    for (i, base) in [4u64, 8, 16, 32, 64, 64, 64].into_iter().enumerate() {
        let gap = h.fire();
        assert!(gap >= secs(base - 1) && gap <= secs(base + 1), "gap {i}: {gap:?}");
        let again = h.one();
        xids.push(again.xid);
        // `secs` counts from the start of the exchange (RFC 2131 §2).
        let elapsed = h.now.saturating_duration_since(t0).as_secs() as u16;
        assert_eq!(again.secs, elapsed);
    }
    assert_eq!(h.c.stats().retransmitted, 7);
    // Six messages share the first xid; after the schedule each takes a new one,
    // so a lease never counts from a DISCOVER more than a minute old.
    assert!(xids[..6].iter().all(|&x| x == first.xid), "{xids:x?}");
    assert!(xids[6] != first.xid && xids[7] != xids[6], "{xids:x?}");
}

#[test]
fn s4_4_1_offer_leads_to_a_request_with_the_discover_xid_secs_address_and_server() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.fire(); // one retransmission, so `secs` is not zero
    let d2 = h.one();
    h.advance(secs(1));
    h.reply(SERVER, &Reply::offer(d.xid));
    assert_eq!(h.c.state(), State::Requesting);
    let r = h.one();
    assert_eq!((r.mt, r.xid, r.secs), (MessageType::Request, d.xid, d2.secs));
    assert_eq!(r.opt_addr(code::REQUESTED_IP), Some(ADDR));
    assert_eq!(r.opt_addr(code::SERVER_IDENTIFIER), Some(SERVER));
    assert_eq!(
        (r.t.src, r.t.dst, r.ciaddr),
        (Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, Ipv4Addr::UNSPECIFIED)
    );
}

#[test]
fn s4_4_1_replies_with_the_wrong_xid_chaddr_op_or_type_are_ignored() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid ^ 1));
    let mut other = Reply::offer(d.xid);
    other.chaddr = vec![2, 0, 0, 0, 0, 0x43];
    h.reply(SERVER, &other);
    h.reply(SERVER, &Reply::nak(d.xid));
    h.reply(SERVER, &Reply::ack(d.xid)); // no rapid commit asked
    let mut request = Reply::offer(d.xid).bytes();
    request[0] = 1; // a BOOTREQUEST with the same xid
    h.c.handle_message(h.now, SERVER, &request);
    h.c.handle_message(h.now, SERVER, &request[..200]);
    assert_eq!(h.c.state(), State::Selecting);
    assert!(h.sent().is_empty());
    let s = h.c.stats();
    assert_eq!(
        (
            s.dropped_wrong_xid,
            s.dropped_wrong_chaddr,
            s.dropped_unexpected,
            s.dropped_not_reply,
            s.dropped_malformed
        ),
        (1, 1, 2, 1, 1)
    );
}

#[test]
fn s4_4_1_offers_with_unusable_addresses_or_no_lease_time_are_ignored() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    for bad in [
        Reply::offer(d.xid).yiaddr(Ipv4Addr::UNSPECIFIED),
        Reply::offer(d.xid).yiaddr(Ipv4Addr::new(224, 0, 0, 1)),
        Reply::offer(d.xid).yiaddr(Ipv4Addr::new(10, 0, 0, 255)), // the subnet's broadcast
        Reply::offer(d.xid).lease(None),
        Reply::offer(d.xid).lease(Some(5)), // under Config::min_lease
    ] {
        h.reply(SERVER, &bad);
    }
    assert_eq!(h.c.state(), State::Selecting);
    assert_eq!(h.c.stats().dropped_invalid, 5);
}

#[test]
fn s4_4_1_requesting_ignores_replies_from_servers_not_chosen() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid));
    h.one();
    h.reply(OTHER_SERVER, &Reply::ack(d.xid).from(OTHER_SERVER));
    h.reply(OTHER_SERVER, &Reply::nak(d.xid).from(OTHER_SERVER));
    h.reply(OTHER_SERVER, &Reply::offer(d.xid).from(OTHER_SERVER)); // a late offer
    assert_eq!(h.c.state(), State::Requesting);
    assert_eq!((h.c.stats().dropped_wrong_server, h.c.stats().dropped_unexpected), (2, 1));
    h.reply(SERVER, &Reply::ack(d.xid));
    assert_eq!(h.c.state(), State::Bound);
}

#[test]
fn s4_4_1_ack_binds_with_times_counted_from_the_first_request() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid));
    h.one();
    let requested_at = h.now;
    h.fire(); // the REQUEST again
    h.one();
    h.advance(secs(1));
    let mut ack = Reply::ack(d.xid);
    (ack.t1, ack.t2) = (Some(1000), Some(2000));
    h.reply(SERVER, &ack);
    assert_eq!(h.c.state(), State::Bound);
    let events = h.take_events();
    let [Event::Bound(lease)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(lease.acquired, requested_at);
    assert_eq!(lease.expires_at(), Some(requested_at + secs(3600)));
    assert_eq!(h.c.timer(Timer::Renew), Some(requested_at + secs(1000)));
    assert_eq!(h.c.timer(Timer::Rebind), Some(requested_at + secs(2000)));
    assert_eq!(h.c.timer(Timer::Expire), Some(requested_at + secs(3600)));
    assert_eq!(h.c.timer(Timer::Retransmit), None);
    assert_eq!(
        (lease.server, lease.routers.as_slice(), lease.prefix_len()),
        (SERVER, &[SERVER][..], Some(24))
    );
}

#[test]
fn s4_4_5_t1_and_t2_default_to_half_and_seven_eighths_and_bad_ones_are_replaced() {
    // (T1 sent, T2 sent) -> T2 used, T1 used (None: the fuzzed default).
    let cases = [
        ((None, None), (3150, None)),
        ((Some(3000), Some(2000)), (2000, None)), // T1 past T2: T1 defaulted
        ((Some(100), Some(4000)), (3150, Some(100))), // T2 past the lease: T2 defaulted
        ((Some(1000), Some(2000)), (2000, Some(1000))),
    ];
    for ((t1, t2), (want_t2, want_t1)) in cases {
        let mut h = H::plain();
        h.dora(|x| {
            let mut a = Reply::ack(x);
            (a.t1, a.t2) = (t1, t2);
            a
        });
        let lease = h.c.lease().unwrap().clone();
        let (r, b) = (lease.renewal_time.unwrap(), lease.rebinding_time.unwrap());
        assert_eq!(b, secs(want_t2), "{t1:?} {t2:?}");
        match want_t1 {
            Some(w) => assert_eq!(r, secs(w)),
            // 1/2 less a fuzz of at most 1/32 (§4.4.5: "some random fuzz").
            None => assert!(r <= secs(1800) && r >= secs(1800 - 3600 / 32), "{r:?}"),
        }
    }
}

#[test]
fn s3_3_an_infinite_lease_arms_no_timer() {
    let mut h = H::plain();
    h.dora(|x| Reply::ack(x).lease(Some(u32::MAX)));
    assert_eq!(h.c.state(), State::Bound);
    assert_eq!(h.c.lease().unwrap().lease_time, None);
    assert_eq!(h.c.poll_timeout(), None);
}

#[test]
fn s3_1_a_nak_in_requesting_restarts_at_once_then_backs_off() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid));
    h.one();
    h.reply(SERVER, &Reply::nak(d.xid));
    assert_eq!(h.c.state(), State::Selecting);
    let d2 = h.one();
    assert_eq!(d2.mt, MessageType::Discover);
    assert_ne!(d2.xid, d.xid, "a new exchange has a new xid");
    assert!(h.take_events().is_empty(), "nothing was bound, nothing is lost");
    // A second NAK in a row waits 4 s in INIT.
    h.reply(SERVER, &Reply::offer(d2.xid));
    h.one();
    h.reply(SERVER, &Reply::nak(d2.xid));
    assert_eq!(h.c.state(), State::Init);
    assert!(h.sent().is_empty());
    assert_eq!(h.fire(), secs(4));
    assert_eq!(h.one().mt, MessageType::Discover);
}

#[test]
fn s3_1_requesting_without_answer_goes_back_to_init_after_the_attempts() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid));
    h.one();
    for _ in 1..h.c.config().request_attempts {
        h.fire();
        assert_eq!(h.one().mt, MessageType::Request);
    }
    h.fire();
    assert_eq!(h.c.state(), State::Selecting);
    let again = h.one();
    assert_eq!(again.mt, MessageType::Discover);
    assert_ne!(again.xid, d.xid);
}

#[test]
fn s4_4_5_t1_unicasts_a_request_to_the_server_and_the_ack_renews() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    let t1 = h.c.timer(Timer::Renew).unwrap();
    h.fire();
    assert_eq!(h.now, t1);
    assert_eq!(h.c.state(), State::Renewing);
    let r = h.one();
    assert_eq!((r.mt, r.t.src, r.t.dst, r.ciaddr), (MessageType::Request, ADDR, SERVER, ADDR));
    assert!(
        !r.options.contains_key(&code::REQUESTED_IP)
            && !r.options.contains_key(&code::SERVER_IDENTIFIER)
    );
    assert_eq!(r.flags, 0);
    let renewed_at = h.now;
    // §4.4.5: the retransmission waits half the time to T2, at least 60 s.
    let t2 = h.c.timer(Timer::Rebind).unwrap();
    let wait = h.c.timer(Timer::Retransmit).unwrap().saturating_duration_since(h.now);
    assert_eq!(wait, (t2.saturating_duration_since(h.now) / 2).max(secs(60)));
    h.advance(secs(2));
    h.reply(SERVER, &Reply::ack(r.xid));
    assert_eq!(h.c.state(), State::Bound);
    let events = h.take_events();
    let [Event::Renewed(lease)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(lease.acquired, renewed_at);
    assert_eq!(h.c.timer(Timer::Expire), Some(renewed_at + secs(3600)));
}

#[test]
fn s4_4_5_renewing_ignores_other_servers_and_a_changed_parameter_is_reported() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    h.fire();
    let r = h.one();
    h.reply(OTHER_SERVER, &Reply::ack(r.xid).from(OTHER_SERVER));
    assert_eq!((h.c.state(), h.c.stats().dropped_wrong_server), (State::Renewing, 1));
    let mut ack = Reply::ack(r.xid);
    ack.dns = vec![Ipv4Addr::new(10, 0, 0, 54)];
    h.reply(SERVER, &ack);
    let events = h.take_events();
    let [Event::Changed(lease)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(lease.dns_servers, [Ipv4Addr::new(10, 0, 0, 54)]);
}

#[test]
fn s4_4_5_t2_broadcasts_and_any_server_may_answer() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    h.fire(); // T1
    h.one();
    loop {
        h.fire();
        if h.c.state() == State::Rebinding {
            break;
        }
        h.sent();
    }
    let r = h.c.lease().map(|l| l.rebind_at()).unwrap();
    assert_eq!(Some(h.now), r);
    let b = h.sent();
    let b = if b.is_empty() { panic!("REBINDING sends at once") } else { &b[0] };
    assert_eq!((b.t.src, b.t.dst, b.ciaddr), (ADDR, Ipv4Addr::BROADCAST, ADDR));
    // §4.4.5: half the time to the end, at least 60 s.
    let end = h.c.timer(Timer::Expire).unwrap();
    let wait = h.c.timer(Timer::Retransmit).unwrap().saturating_duration_since(h.now);
    assert_eq!(wait, (end.saturating_duration_since(h.now) / 2).max(secs(60)));
    h.reply(OTHER_SERVER, &Reply::ack(b.xid).from(OTHER_SERVER));
    assert_eq!(h.c.state(), State::Bound);
    let events = h.take_events();
    let [Event::Changed(lease)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(lease.server, OTHER_SERVER);
}

#[test]
fn s4_4_5_the_lease_expires_in_rebinding_and_the_client_rediscovers_its_address() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    let end = h.c.timer(Timer::Expire).unwrap();
    while h.c.state() != State::Selecting {
        h.fire();
        h.sent();
        assert!(h.now <= end);
    }
    assert_eq!(h.now, end);
    let events = h.take_events();
    assert_eq!(events, [Event::Lost { address: ADDR, reason: LossReason::Expired }]);
    assert!(h.c.lease().is_none());
}

#[test]
fn s4_4_5_the_discover_after_expiry_carries_the_old_address() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    let end = h.c.timer(Timer::Expire).unwrap();
    let mut last = Vec::new();
    while h.now < end {
        h.fire();
        last = h.sent();
    }
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].mt, MessageType::Discover);
    assert_eq!(last[0].opt_addr(code::REQUESTED_IP), Some(ADDR));
}

#[test]
fn s4_4_5_a_nak_while_renewing_loses_the_address() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    h.take_events();
    h.fire();
    let r = h.one();
    h.reply(SERVER, &Reply::nak(r.xid));
    assert_eq!(h.take_events(), [Event::Lost { address: ADDR, reason: LossReason::Nak }]);
    assert_eq!(h.c.state(), State::Selecting);
    let d = h.one();
    assert_eq!((d.mt, d.opt_addr(code::REQUESTED_IP)), (MessageType::Discover, None));
}

#[test]
fn s3_2_init_reboot_requests_the_remembered_address_and_the_ack_binds_it() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    let lease = h.c.stop().unwrap();
    h.take_events();
    h.advance(secs(60));
    h.c.start_reboot(h.now, lease).unwrap();
    assert_eq!(h.c.state(), State::Rebooting);
    let r = h.one();
    assert_eq!(
        (r.mt, r.ciaddr, r.t.dst),
        (MessageType::Request, Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST)
    );
    assert_eq!(r.opt_addr(code::REQUESTED_IP), Some(ADDR));
    assert!(
        !r.options.contains_key(&code::SERVER_IDENTIFIER),
        "§4.3.2: no server id in INIT-REBOOT"
    );
    h.reply(SERVER, &Reply::ack(r.xid));
    assert_eq!(h.c.state(), State::Bound);
    assert!(matches!(h.take_events().as_slice(), [Event::Bound(l)] if l.address == ADDR));
}

#[test]
fn s3_2_a_nak_in_rebooting_goes_to_init() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    let lease = h.c.stop().unwrap();
    h.c.start_reboot(h.now, lease).unwrap();
    let r = h.one();
    h.reply(SERVER, &Reply::nak(r.xid));
    let d = h.one();
    assert_eq!((d.mt, d.opt_addr(code::REQUESTED_IP)), (MessageType::Discover, None));
}

#[test]
fn s3_2_rebooting_without_answer_falls_back_to_discover_with_the_old_address() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    let lease = h.c.stop().unwrap();
    h.c.start_reboot(h.now, lease).unwrap();
    h.one();
    for _ in 1..h.c.config().reboot_attempts {
        h.fire();
        assert_eq!(h.one().mt, MessageType::Request);
    }
    h.fire();
    let d = h.one();
    assert_eq!((d.mt, d.opt_addr(code::REQUESTED_IP)), (MessageType::Discover, Some(ADDR)));
}

#[test]
fn s3_2_an_expired_remembered_lease_starts_from_init_with_a_hint() {
    let mut h = H::plain();
    h.dora(Reply::ack);
    let lease = h.c.stop().unwrap();
    h.advance(secs(4000));
    h.c.start_reboot(h.now, lease).unwrap();
    let d = h.one();
    assert_eq!((d.mt, d.opt_addr(code::REQUESTED_IP)), (MessageType::Discover, Some(ADDR)));
}

#[test]
fn s4_4_6_release_unicasts_to_the_server_and_stops() {
    let mut h = H::plain();
    assert_eq!(h.c.release(h.now), Err(CallError::NotBound));
    h.dora(Reply::ack);
    h.take_events();
    h.c.release(h.now).unwrap();
    let r = h.one();
    assert_eq!(
        (r.mt, r.ciaddr, r.t.src, r.t.dst, r.secs),
        (MessageType::Release, ADDR, ADDR, SERVER, 0)
    );
    assert_eq!(r.opt_addr(code::SERVER_IDENTIFIER), Some(SERVER));
    assert!(!r.options.contains_key(&code::PARAMETER_REQUEST_LIST));
    assert_eq!(h.take_events(), [Event::Lost { address: ADDR, reason: LossReason::Released }]);
    assert_eq!((h.c.state(), h.c.poll_timeout()), (State::Stopped, None));
}

#[test]
fn s4_4_3_inform_asks_for_parameters_for_a_static_address() {
    let mut h = H::plain();
    let mine = Ipv4Addr::new(10, 0, 0, 9);
    h.c.inform(h.now, mine).unwrap();
    let i = h.one();
    assert_eq!(
        (i.mt, i.ciaddr, i.t.src, i.t.dst),
        (MessageType::Inform, mine, mine, Ipv4Addr::BROADCAST)
    );
    h.fire();
    assert_eq!(h.one().xid, i.xid, "INFORM is retransmitted like a DISCOVER");
    let ack = Reply::ack(i.xid).yiaddr(Ipv4Addr::UNSPECIFIED).lease(None);
    h.reply(SERVER, &ack);
    assert_eq!((h.c.state(), h.c.poll_timeout()), (State::Informed, None));
    let events = h.take_events();
    let [Event::Informed(l)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(
        (l.kind, l.address, l.lease_time, l.routers.as_slice()),
        (LeaseKind::Inform, mine, None, &[SERVER][..])
    );
}

#[test]
fn poll_transmit_refuses_a_short_buffer_and_keeps_the_message() {
    let mut h = H::plain();
    h.c.start(h.now).unwrap();
    let need = h.c.transmit_buffer_len();
    let mut small = vec![0u8; need - 1];
    assert_eq!(h.c.poll_transmit(h.now, &mut small), Err(CallError::BufferTooSmall { need }));
    assert_eq!(h.one().mt, MessageType::Discover);
}

#[test]
fn offer_policy_collects_then_takes_the_best_score() {
    use wirestate_dhcp_client::{Config, Offer, OfferPolicy};
    fn longest(o: &Offer) -> Option<u32> {
        o.lease.lease_time.map(|d| d.as_secs() as u32)
    }
    let mut config = Config::new(MAC);
    config.conflict_detection = false;
    config.offer_policy = OfferPolicy { wait: secs(2), score: longest };
    let mut h = H::new(config);
    h.c.start(h.now).unwrap();
    let d = h.one();
    h.reply(SERVER, &Reply::offer(d.xid).lease(Some(600)));
    h.advance(secs(1));
    let better = Ipv4Addr::new(10, 0, 0, 77);
    h.reply(OTHER_SERVER, &Reply::offer(d.xid).from(OTHER_SERVER).yiaddr(better).lease(Some(7200)));
    assert_eq!((h.c.state(), h.c.offers().len()), (State::Selecting, 2));
    assert!(h.sent().is_empty());
    assert_eq!(h.fire(), secs(1), "collection ends 2 s after the first offer");
    let r = h.one();
    assert_eq!(
        (r.opt_addr(code::SERVER_IDENTIFIER), r.opt_addr(code::REQUESTED_IP)),
        (Some(OTHER_SERVER), Some(better))
    );
}

#[test]
fn rfc3442_classless_routes_replace_the_router_option() {
    let mut h = H::plain();
    h.dora(|x| {
        let mut a = Reply::ack(x);
        // 0.0.0.0/0 via 10.0.0.254, 192.168.1.0/24 via 10.0.0.1.
        a.extra.push((121, vec![0, 10, 0, 0, 254, 24, 192, 168, 1, 10, 0, 0, 1]));
        a.extra.push((33, vec![172, 16, 0, 0, 10, 0, 0, 9]));
        a
    });
    let l = h.c.lease().unwrap();
    assert!(l.routers.is_empty(), "RFC 3442: the Router option MUST be ignored");
    assert_eq!(l.static_routes.len(), 2);
    assert_eq!(
        (l.static_routes[0].prefix_len, l.static_routes[0].router),
        (0, Ipv4Addr::new(10, 0, 0, 254))
    );
}

#[test]
fn rfc2132_s5_8_static_routes_are_read_when_no_classless_routes_came() {
    let mut h = H::plain();
    h.dora(|x| {
        let mut a = Reply::ack(x);
        a.extra.push((33, vec![172, 16, 0, 0, 10, 0, 0, 9, 0, 0, 0, 0, 10, 0, 0, 8]));
        a
    });
    let l = h.c.lease().unwrap();
    assert_eq!(l.routers, [SERVER]);
    assert_eq!(l.static_routes.len(), 1, "0.0.0.0 is illegal in option 33");
    assert_eq!(
        (l.static_routes[0].destination, l.static_routes[0].prefix_len),
        (Ipv4Addr::new(172, 16, 0, 0), 16)
    );
}
