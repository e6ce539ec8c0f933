//! RFC 2131 §4.3.3 DHCPDECLINE, §4.3.4 DHCPRELEASE, §4.3.5 DHCPINFORM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;
use core::time::Duration;

use common::*;
use wirestate_dhcp::{code, Builder, MessageType};
use wirestate_dhcp_server::{BindingState, ClientKey, Event, HwAddr, LinkDest};

fn decline(xid: u32, mac: [u8; 6], addr: Ipv4Addr, server: Ipv4Addr) -> Vec<u8> {
    let mut buf = vec![0u8; 576];
    let len = Builder::decline(&mut buf, xid, &mac, addr, server).unwrap().finish().unwrap();
    buf.truncate(len);
    buf
}

fn release(xid: u32, mac: [u8; 6], addr: Ipv4Addr, server: Ipv4Addr) -> Vec<u8> {
    let mut buf = vec![0u8; 576];
    let len = Builder::release(&mut buf, xid, &mac, addr, server).unwrap().finish().unwrap();
    buf.truncate(len);
    buf
}

fn inform(xid: u32, mac: [u8; 6], ciaddr: Ipv4Addr) -> Vec<u8> {
    let mut buf = vec![0u8; 576];
    let len = Builder::inform(&mut buf, xid, &mac, ciaddr).unwrap().finish().unwrap();
    buf.truncate(len);
    buf
}

#[test]
fn a_declined_address_is_not_offered_again_until_decline_hold_has_passed() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    assert!(h.send(&decline(2, mac(1), addr, SERVER)).is_none());
    let client = ClientKey::Hardware(HwAddr::ethernet(mac(1)));
    assert_eq!(h.events(), [Event::Declined { client, addr }]);
    let b = h.server.binding(addr).unwrap();
    assert_eq!(
        (b.state, b.until),
        (BindingState::Declined, Some(h.now + Duration::from_secs(600)))
    );
    // The client starts over and gets another address; so does everyone else.
    assert_eq!(h.send(&discover(3, mac(1))).unwrap().yiaddr(), pool(1));
    let asks_for_it = msg(MessageType::Discover, 4, mac(2), |b| {
        b.ipv4(code::REQUESTED_IP, addr).unwrap();
    });
    assert_eq!(h.send(&asks_for_it).unwrap().yiaddr(), pool(2));
    assert_eq!(h.send(&init_reboot(5, mac(1), addr)).unwrap().mt(), MessageType::Nak);
    h.advance(Duration::from_secs(599));
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Declined);
    h.advance(Duration::from_secs(1));
    assert!(h.server.binding(addr).is_none());
    assert_eq!(h.send(&discover(6, mac(3))).unwrap().yiaddr(), addr);
}

#[test]
fn a_decline_of_an_offer_works_too() {
    let mut h = Harness::new(config());
    let addr = h.send(&discover(1, mac(1))).unwrap().yiaddr();
    h.send(&decline(2, mac(1), addr, SERVER));
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Declined);
    assert_eq!(h.send(&discover(3, mac(1))).unwrap().yiaddr(), pool(1));
}

#[test]
fn a_decline_for_another_server_or_of_another_clients_address_is_ignored() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    h.send(&decline(2, mac(1), addr, OTHER_SERVER));
    h.send(&decline(3, mac(2), addr, SERVER));
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Bound);
    assert!(h.events().is_empty());
    let s = h.server.stats();
    assert_eq!((s.declines, s.dropped_not_for_us, s.ignored), (2, 1, 1));
}

#[test]
fn a_released_address_comes_back_to_the_same_client() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.events();
    assert!(h.send(&release(2, mac(1), addr, SERVER)).is_none());
    let client = ClientKey::Hardware(HwAddr::ethernet(mac(1)));
    assert_eq!(h.events(), [Event::Released { client: client.clone(), addr }]);
    let b = h.server.binding(addr).unwrap();
    assert_eq!((b.state, &b.client, b.until), (BindingState::Released, &client, None));
    assert_eq!(h.server.poll_timeout(), None);
    // Another client takes a fresh address rather than the remembered one.
    assert_eq!(h.send(&discover(3, mac(2))).unwrap().yiaddr(), pool(1));
    // RFC 2131 §4.3.1: "the client's previous address as recorded in the
    // client's (now expired or released) binding".
    assert_eq!(h.dora(4, mac(1)), addr);
}

#[test]
fn a_release_of_what_the_client_does_not_hold_is_ignored() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    h.send(&release(2, mac(2), addr, SERVER)); // not its lease
    h.send(&release(3, mac(1), pool(9), SERVER)); // not its address
    h.send(&release(4, mac(1), addr, OTHER_SERVER)); // not this server
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Bound);
    let s = h.server.stats();
    assert_eq!((s.releases, s.ignored, s.dropped_not_for_us), (3, 2, 1));
}

#[test]
fn an_inform_is_acked_with_parameters_only_by_unicast_to_ciaddr() {
    let mut h = Harness::new(config());
    let host = Ipv4Addr::new(10, 0, 0, 77); // configured by hand
    let ack = h.send_from(host, &inform(7, mac(1), host)).pop().unwrap();
    assert_eq!(ack.mt(), MessageType::Ack);
    assert_eq!((ack.t.dst, ack.t.dst_port, ack.t.link), (host, 68, LinkDest::Routed));
    // RFC 2131 §4.3.5: no lease time, no yiaddr.
    assert_eq!((ack.yiaddr(), ack.msg().ciaddr()), (UNSPEC, host));
    assert!(!ack.has(code::LEASE_TIME) && !ack.has(code::RENEWAL_TIME));
    assert_eq!(ack.ipv4(code::SERVER_IDENTIFIER), Some(SERVER));
    assert_eq!(ack.ipv4(code::ROUTER), Some(ROUTER));
    assert_eq!(ack.ipv4(code::SUBNET_MASK), Some(MASK));
    // No binding is made.
    assert!(h.server.leases().next().is_none());
    assert_eq!((h.server.stats().informs, h.server.stats().acks), (1, 1));
}

#[test]
fn an_inform_without_ciaddr_goes_to_the_ip_source_or_is_broadcast() {
    let mut h = Harness::new(config());
    let host = Ipv4Addr::new(10, 0, 0, 77);
    let ack = h.send_from(host, &inform(1, mac(1), UNSPEC)).pop().unwrap();
    assert_eq!((ack.t.dst, ack.t.link), (host, LinkDest::Routed));
    let ack = h.send(&inform(2, mac(1), UNSPEC)).unwrap();
    assert!(ack.t.is_broadcast());
    // From another network without a relay: not ours to answer.
    let far = Ipv4Addr::new(192, 168, 0, 5);
    assert!(h.send_from(far, &inform(3, mac(1), far)).is_empty());
    assert_eq!(h.server.stats().dropped_not_for_us, 1);
}
