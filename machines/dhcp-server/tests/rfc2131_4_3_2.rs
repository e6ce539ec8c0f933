//! RFC 2131 §4.3.2: DHCPREQUEST in SELECTING, INIT-REBOOT, RENEWING and
//! REBINDING, and lease expiry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;
use core::time::Duration;

use common::*;
use wirestate_dhcp::{code, MessageType};
use wirestate_dhcp_server::{BindingState, ClientKey, Event, HwAddr, LinkDest};

fn nak_text(r: &Reply) -> String {
    String::from_utf8(r.option(code::MESSAGE).unwrap()).unwrap()
}

#[test]
fn selecting_another_server_is_silent_and_withdraws_the_offer() {
    let mut h = Harness::new(config());
    assert_eq!(h.send(&discover(1, mac(1))).unwrap().yiaddr(), pool(0));
    assert!(h.send(&select(2, mac(1), OTHER_SERVER, pool(0))).is_none());
    assert!(h.server.binding(pool(0)).is_none(), "the offer is released");
    assert_eq!(h.server.stats().ignored, 1);
    assert!(h.events().is_empty());
    // The address goes to the next client.
    assert_eq!(h.send(&discover(3, mac(2))).unwrap().yiaddr(), pool(0));
}

#[test]
fn selecting_another_server_leaves_a_lease_alone() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    assert!(h.send(&select(2, mac(1), OTHER_SERVER, pool(4))).is_none());
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Bound);
}

#[test]
fn selecting_an_address_not_offered_is_nakked() {
    let mut h = Harness::new(config());
    h.send(&discover(1, mac(1))).unwrap();
    let nak = h.send(&select(2, mac(1), SERVER, pool(3))).unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!(nak.ipv4(code::SERVER_IDENTIFIER), Some(SERVER));
    assert_eq!(nak_text(&nak), "requested address was not offered");
    // RFC 2131 Table 3: no lease, no parameters, no addresses.
    assert!(!nak.has(code::LEASE_TIME) && !nak.has(code::SUBNET_MASK));
    assert_eq!((nak.yiaddr(), nak.msg().ciaddr()), (UNSPEC, UNSPEC));
    // Someone else's offer cannot be taken either.
    let nak = h.send(&select(3, mac(2), SERVER, pool(0))).unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!(h.server.binding(pool(0)).unwrap().state, BindingState::Offered);
    // No requested address at all.
    let m = msg(MessageType::Request, 4, mac(1), |b| {
        b.ipv4(code::SERVER_IDENTIFIER, SERVER).unwrap();
    });
    assert_eq!(h.send(&m).unwrap().mt(), MessageType::Nak);
    assert_eq!(h.server.stats().naks, 3);
}

#[test]
fn init_reboot_with_the_clients_address_is_acked() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    h.advance(Duration::from_secs(100));
    let ack = h.send(&init_reboot(2, mac(1), addr)).unwrap();
    assert_eq!((ack.mt(), ack.yiaddr()), (MessageType::Ack, addr));
    let until = h.now + Duration::from_secs(1000);
    assert_eq!(h.server.binding(addr).unwrap().until, Some(until));
    assert!(matches!(h.events()[..], [Event::Leased { addr: a, .. }] if a == addr));
}

#[test]
fn init_reboot_on_the_wrong_network_is_nakked_authoritative_or_not() {
    // "If the DHCP server detects that the client is on the wrong net ... the
    // server SHOULD send a DHCPNAK": unlike the no-record case, for every server.
    let mut h = Harness::new(config());
    let wrong = Ipv4Addr::new(192, 168, 7, 7);
    let nak = h.send(&init_reboot(1, mac(1), wrong)).unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!(nak_text(&nak), "requested address is not on this network");
    h.server.set_authoritative(false);
    assert_eq!(h.send(&init_reboot(2, mac(1), wrong)).map(|r| r.mt()), Some(MessageType::Nak));
}

#[test]
fn init_reboot_for_another_clients_address_is_nakked_when_authoritative() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    assert_eq!(h.send(&init_reboot(2, mac(2), addr)).unwrap().mt(), MessageType::Nak);
    h.server.set_authoritative(false);
    assert!(h.send(&init_reboot(3, mac(2), addr)).is_none());
    // The owner's lease is untouched.
    let b = h.server.binding(addr).unwrap();
    assert_eq!(
        (b.state, &b.client),
        (BindingState::Bound, &ClientKey::Hardware(HwAddr::ethernet(mac(1))))
    );
}

#[test]
fn init_reboot_from_an_unknown_client_is_nakked_only_when_authoritative() {
    let mut h = Harness::new(config());
    let nak = h.send(&init_reboot(1, mac(1), pool(3))).unwrap();
    assert_eq!(
        (nak.mt(), nak_text(&nak).as_str()),
        (MessageType::Nak, "no binding for this client")
    );
    // RFC 2131 §4.3.2: "If the DHCP server has no record of this client, then
    // it MUST remain silent".
    h.server.set_authoritative(false);
    assert!(h.send(&init_reboot(2, mac(1), pool(3))).is_none());
    assert!(h.server.leases().next().is_none());
}

#[test]
fn init_reboot_for_a_different_address_than_the_clients_lease_is_nakked() {
    let mut h = Harness::new(config());
    h.server.set_authoritative(false);
    let addr = h.dora(1, mac(1));
    // This server holds the client's binding: its notion is wrong, even when
    // not authoritative.
    let nak = h.send(&init_reboot(2, mac(1), pool(6))).unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Bound);
}

#[test]
fn renewing_is_acked_by_unicast_to_ciaddr_and_extends_the_lease() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    h.advance(Duration::from_secs(500)); // T1
    let mut replies = h.send_from(addr, &renew(2, mac(1), addr));
    let ack = replies.pop().unwrap();
    assert_eq!((ack.mt(), ack.yiaddr(), ack.msg().ciaddr()), (MessageType::Ack, addr, addr));
    assert_eq!((ack.t.dst, ack.t.dst_port, ack.t.link), (addr, 68, LinkDest::Routed));
    assert_eq!(ack.t.src, SERVER);
    let until = h.now + Duration::from_secs(1000);
    assert_eq!(h.server.binding(addr).unwrap().until, Some(until));
    assert_eq!(h.server.poll_timeout(), Some(until));
    assert!(matches!(h.events()[..], [Event::Leased { until: Some(u), .. }] if u == until));
}

#[test]
fn rebinding_is_acked_alike() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.advance(Duration::from_secs(875)); // T2: the client broadcasts
    let m = msg(MessageType::Request, 2, mac(1), |b| {
        b.header().set_ciaddr(addr);
        b.header().set_broadcast(true);
    });
    let ack = h.send_from(addr, &m).pop().unwrap();
    assert_eq!((ack.mt(), ack.t.dst), (MessageType::Ack, addr));
    assert_eq!(ack.msg().flags(), 0x8000);
}

#[test]
fn renewing_an_address_the_server_does_not_hold_for_the_client() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    // Another client's address, and an address nobody holds.
    for (m, a) in [(mac(2), addr), (mac(3), pool(7))] {
        let nak = h.send(&renew(2, m, a)).unwrap();
        assert_eq!(
            (nak.mt(), nak.t.dst, nak.t.link),
            (MessageType::Nak, Ipv4Addr::BROADCAST, LinkDest::Broadcast)
        );
    }
    h.server.set_authoritative(false);
    assert!(h.send(&renew(3, mac(3), pool(7))).is_none());
}

#[test]
fn a_lease_not_renewed_expires() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    let end = h.now + Duration::from_secs(1000);
    assert_eq!(h.server.poll_timeout(), Some(end));
    h.advance(Duration::from_secs(999));
    assert!(h.events().is_empty());
    h.advance(Duration::from_secs(1));
    let client = ClientKey::Hardware(HwAddr::ethernet(mac(1)));
    assert_eq!(h.events(), [Event::Expired { client, addr }]);
    let b = h.server.binding(addr).unwrap();
    assert_eq!((b.state, b.since, b.until), (BindingState::Expired, end, None));
    assert_eq!((h.server.stats().leases_expired, h.server.poll_timeout()), (1, None));
    // A repeated timeout does nothing.
    h.server.handle_timeout(h.now);
    assert!(h.events().is_empty());
    // Expired, not reused yet: a late renewal from the client is still granted.
    assert_eq!(h.send(&renew(2, mac(1), addr)).unwrap().mt(), MessageType::Ack);
}

#[test]
fn a_message_after_a_deadline_is_judged_after_it() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    // No handle_timeout: the message itself runs the lapsed deadline first.
    h.now += Duration::from_secs(5000);
    let nak = h.send(&init_reboot(2, mac(2), addr)).unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Expired);
    assert_eq!(h.server.stats().leases_expired, 1);
}

#[test]
fn an_infinite_lease_never_expires() {
    let mut cfg = config();
    cfg.lease_time = Duration::MAX;
    let mut h = Harness::new(cfg);
    let offer = h.send(&discover(1, mac(1))).unwrap();
    assert_eq!(offer.u32(code::LEASE_TIME), Some(u32::MAX));
    assert!(!offer.has(code::RENEWAL_TIME) && !offer.has(code::REBINDING_TIME));
    let addr = h.dora(2, mac(1));
    assert_eq!(h.server.binding(addr).unwrap().until, None);
    assert_eq!(h.server.poll_timeout(), None);
}

#[test]
fn a_request_with_neither_address_nor_server_is_malformed() {
    let mut h = Harness::new(config());
    assert!(h.send(&msg(MessageType::Request, 1, mac(1), |_| {})).is_none());
    assert_eq!(h.server.stats().dropped_malformed, 1);
}
