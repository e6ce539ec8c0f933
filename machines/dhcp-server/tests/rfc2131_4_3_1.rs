//! RFC 2131 §4.3.1: DHCPDISCOVER, address selection, and the DHCPOFFER.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;
use core::time::Duration;

use common::*;
use wirestate_dhcp::{code, DomainSearch, MessageType};
use wirestate_dhcp_server::{BindingState, ClientKey, Event, HwAddr, Stats};

#[test]
fn discover_offer_request_ack_leases_the_lowest_pool_address() {
    let mut h = Harness::new(config());
    let offer = h.send(&discover(0x11, mac(1))).unwrap();
    assert_eq!(offer.mt(), MessageType::Offer);
    assert_eq!(offer.yiaddr(), pool(0));
    let b = h.server.binding(pool(0)).unwrap();
    assert_eq!(b.state, BindingState::Offered);
    assert_eq!(b.until, Some(h.now + Duration::from_secs(30)));

    let ack = h.send(&select(0x12, mac(1), SERVER, pool(0))).unwrap();
    assert_eq!((ack.mt(), ack.yiaddr()), (MessageType::Ack, pool(0)));
    let b = h.server.binding(pool(0)).unwrap();
    assert_eq!(b.state, BindingState::Bound);
    let until = h.now + Duration::from_secs(1000);
    assert_eq!(b.until, Some(until));
    let client = ClientKey::Hardware(HwAddr::ethernet(mac(1)));
    assert_eq!(h.events(), [Event::Leased { client, addr: pool(0), until: Some(until) }]);
    let s = h.server.stats();
    assert_eq!((s.discovers, s.offers, s.requests, s.acks, s.sent), (1, 1, 1, 1, 2));
}

#[test]
fn the_offer_echoes_the_request_and_carries_what_table_3_requires() {
    let mut h = Harness::new(config());
    let d = msg(MessageType::Discover, 0xdead_beef, mac(7), |b| {
        b.header().set_flags(0x0001); // a reserved bit: echoed as is
        b.header().set_secs(9);
    });
    let offer = h.send(&d).unwrap();
    let m = offer.msg();
    assert_eq!((m.op(), m.htype(), m.hlen(), m.hops()), (2, 1, 6, 0));
    assert_eq!((m.xid(), m.flags(), m.secs()), (0xdead_beef, 0x0001, 0));
    assert_eq!(m.client_hw_addr(), mac(7));
    assert_eq!((m.ciaddr(), m.siaddr(), m.giaddr()), (UNSPEC, UNSPEC, UNSPEC));
    assert_eq!(offer.ipv4(code::SERVER_IDENTIFIER), Some(SERVER));
    assert_eq!(offer.u32(code::LEASE_TIME), Some(1000));
    // RFC 2131 §4.4.5: T1 0.5 and T2 0.875 of the lease.
    assert_eq!(offer.u32(code::RENEWAL_TIME), Some(500));
    assert_eq!(offer.u32(code::REBINDING_TIME), Some(875));
    assert!(offer.bytes.len() >= 300, "RFC 1542 §2.1: padded to 300 octets");
}

#[test]
fn without_option_55_every_configured_parameter_is_sent() {
    let mut h = Harness::new(config());
    let offer = h.send(&discover(1, mac(1))).unwrap();
    assert_eq!(offer.ipv4(code::SUBNET_MASK), Some(MASK));
    assert_eq!(offer.ipv4(code::ROUTER), Some(ROUTER));
    assert_eq!(offer.option(code::DOMAIN_NAME_SERVER).unwrap().len(), 8);
    assert_eq!(offer.option(code::DOMAIN_NAME).unwrap(), b"example.test");
    assert_eq!(offer.option(code::INTERFACE_MTU).unwrap(), 1400u16.to_be_bytes());
    // RFC 3397 §2: names compressed against each other.
    let search = offer.option(code::DOMAIN_SEARCH).unwrap();
    assert!(search.len() < 14 + 19, "compressed: {search:?}");
    let names = DomainSearch::new(&search, 0).unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["example.test.", "corp.example.test."]);
    // RFC 3442 §3: 172.16.0.0/12 via the router.
    assert_eq!(offer.option(code::CLASSLESS_STATIC_ROUTE).unwrap(), [12, 172, 16, 10, 0, 0, 254]);
}

#[test]
fn option_55_is_honoured() {
    let mut h = Harness::new(config());
    let d = msg(MessageType::Discover, 1, mac(1), |b| {
        b.option(code::PARAMETER_REQUEST_LIST, &[code::ROUTER, code::DOMAIN_SEARCH]).unwrap();
    });
    let offer = h.send(&d).unwrap();
    let codes = offer.codes();
    for want in [code::ROUTER, code::DOMAIN_SEARCH, code::SUBNET_MASK, code::LEASE_TIME] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    for not in [code::DOMAIN_NAME_SERVER, code::DOMAIN_NAME, code::INTERFACE_MTU, 121] {
        assert!(!codes.contains(&not), "{not} sent unasked: {codes:?}");
    }
    // A parameter asked for but not configured is omitted (RFC 2131 §4.3.1).
    let mut h = Harness::new(common::config());
    h.server.config_mut().routers.clear();
    let offer = h.send(&d).unwrap();
    assert!(!offer.has(code::ROUTER));
}

/// A configuration whose parameters need more than 548 octets.
fn big_config() -> wirestate_dhcp_server::Config {
    let mut cfg = config();
    cfg.dns_servers = (0..100).map(|i| Ipv4Addr::new(10, 1, 0, i)).collect();
    cfg
}

#[test]
fn option_57_is_honoured() {
    let mut h = Harness::new(big_config());
    // No option 57: at most a 576-octet datagram (RFC 2131 §2); the name
    // servers (400 octets) do not fit beside the rest and are left out.
    let offer = h.send(&discover(1, mac(1))).unwrap();
    assert!(offer.bytes.len() <= 548, "{}", offer.bytes.len());
    assert!(!offer.has(code::DOMAIN_NAME_SERVER));
    assert!(offer.has(code::SUBNET_MASK));
    // Option 57 of 1500: they fit, split into 63-address instances (RFC 3396).
    let d = msg(MessageType::Discover, 2, mac(2), |b| {
        b.u16(code::MAX_MESSAGE_SIZE, 1500).unwrap();
    });
    let offer = h.send(&d).unwrap();
    assert!(offer.bytes.len() <= 1500 - 28);
    assert_eq!(offer.option(code::DOMAIN_NAME_SERVER).unwrap().len(), 400);
    // Below the legal minimum of 576 (RFC 2132 §9.10): taken as 576.
    let d = msg(MessageType::Discover, 3, mac(3), |b| {
        b.u16(code::MAX_MESSAGE_SIZE, 100).unwrap();
    });
    let offer = h.send(&d).unwrap();
    assert!(offer.bytes.len() <= 548 && offer.has(code::LEASE_TIME));
    assert!(h.server.transmit_buffer_len() >= 240 + 400);
}

#[test]
fn a_repeated_discover_is_offered_the_same_address() {
    let mut h = Harness::new(config());
    assert_eq!(h.send(&discover(1, mac(1))).unwrap().yiaddr(), pool(0));
    assert_eq!(h.send(&discover(2, mac(2))).unwrap().yiaddr(), pool(1));
    assert_eq!(h.send(&discover(3, mac(1))).unwrap().yiaddr(), pool(0));
    assert_eq!(h.server.leases().count(), 2);
}

#[test]
fn a_bound_client_that_discovers_again_is_offered_its_lease() {
    let mut h = Harness::new(config());
    let addr = h.dora(1, mac(1));
    let offer = h.send(&discover(5, mac(1))).unwrap();
    assert_eq!(offer.yiaddr(), addr);
    // The lease is not downgraded to an offer.
    assert_eq!(h.server.binding(addr).unwrap().state, BindingState::Bound);
}

#[test]
fn the_requested_address_is_offered_when_free() {
    let mut h = Harness::new(config());
    let d = msg(MessageType::Discover, 1, mac(1), |b| {
        b.ipv4(code::REQUESTED_IP, pool(5)).unwrap();
    });
    assert_eq!(h.send(&d).unwrap().yiaddr(), pool(5));
    // Taken: the next client asking for it gets the lowest free one.
    let d = msg(MessageType::Discover, 2, mac(2), |b| {
        b.ipv4(code::REQUESTED_IP, pool(5)).unwrap();
    });
    assert_eq!(h.send(&d).unwrap().yiaddr(), pool(0));
    // Outside the pool, or the server's own: not valid.
    for bad in [Ipv4Addr::new(10, 0, 0, 200), SERVER, Ipv4Addr::new(192, 168, 0, 10)] {
        let d = msg(MessageType::Discover, 3, mac(3), |b| {
            b.ipv4(code::REQUESTED_IP, bad).unwrap();
        });
        assert_eq!(h.send(&d).unwrap().yiaddr(), pool(1), "{bad}");
    }
}

#[test]
fn the_client_identifier_names_the_client_rather_than_chaddr() {
    let mut h = Harness::new(config());
    let with_id = |xid, mac, id: &[u8]| {
        msg(MessageType::Discover, xid, mac, |b| {
            b.option(code::CLIENT_IDENTIFIER, id).unwrap();
        })
    };
    let a = h.send(&with_id(1, mac(1), b"\x00alpha")).unwrap();
    // The same hardware, another identifier: another client.
    let b = h.send(&with_id(2, mac(1), b"\x00beta")).unwrap();
    // Another hardware address, the first identifier: the first client.
    let c = h.send(&with_id(3, mac(9), b"\x00alpha")).unwrap();
    assert_eq!((a.yiaddr(), b.yiaddr(), c.yiaddr()), (pool(0), pool(1), pool(0)));
    // RFC 6842 §3: the identifier is echoed.
    assert_eq!(c.option(code::CLIENT_IDENTIFIER).unwrap(), b"\x00alpha");
    let keys: Vec<_> = h.server.leases().map(|b| b.client.clone()).collect();
    assert_eq!(keys, [ClientKey::Id(b"\x00alpha".to_vec()), ClientKey::Id(b"\x00beta".to_vec())]);
}

#[test]
fn an_exhausted_pool_offers_nothing() {
    let mut cfg = config();
    cfg.pool = pool(0)..=pool(2);
    let mut h = Harness::new(cfg);
    for i in 0..3 {
        assert_eq!(h.send(&discover(i, mac(i as u8))).unwrap().yiaddr(), pool(i as u8));
    }
    assert!(h.send(&discover(9, mac(9))).is_none());
    assert_eq!(h.server.stats().pool_exhausted, 1);
}

#[test]
fn excluded_addresses_in_the_pool_are_skipped() {
    let mut cfg = config();
    // The network address, the server and a router inside the pool.
    cfg.pool = Ipv4Addr::new(10, 0, 0, 0)..=Ipv4Addr::new(10, 0, 0, 3);
    cfg.routers = vec![Ipv4Addr::new(10, 0, 0, 2)];
    let mut h = Harness::new(cfg);
    assert_eq!(h.send(&discover(1, mac(1))).unwrap().yiaddr(), Ipv4Addr::new(10, 0, 0, 3));
    assert!(h.send(&discover(2, mac(2))).is_none());
}

#[test]
fn an_offer_not_taken_up_within_offer_hold_frees_the_address() {
    let mut cfg = config();
    cfg.pool = pool(0)..=pool(0);
    let mut h = Harness::new(cfg);
    assert_eq!(h.send(&discover(1, mac(1))).unwrap().yiaddr(), pool(0));
    assert!(h.send(&discover(2, mac(2))).is_none(), "reserved for the first client");
    assert_eq!(h.server.poll_timeout(), Some(h.now + Duration::from_secs(30)));
    // An early timeout does nothing.
    h.advance(Duration::from_secs(29));
    assert_eq!(h.server.binding(pool(0)).unwrap().state, BindingState::Offered);
    h.advance(Duration::from_secs(1));
    assert!(h.server.binding(pool(0)).is_none());
    assert_eq!(h.server.poll_timeout(), None);
    assert_eq!(h.server.stats().offers_expired, 1);
    assert_eq!(h.send(&discover(3, mac(2))).unwrap().yiaddr(), pool(0));
    // A request for the lapsed offer is refused.
    assert_eq!(h.send(&select(4, mac(1), SERVER, pool(0))).unwrap().mt(), MessageType::Nak);
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let run = || {
        let mut h = Harness::new(config());
        let mut out = Vec::new();
        for i in 0..5u8 {
            out.extend(h.send(&discover(u32::from(i), mac(i))).map(|r| r.bytes));
            out.extend(h.send(&select(99, mac(i), SERVER, pool(i))).map(|r| r.bytes));
        }
        (out, *h.server.stats())
    };
    let (a, sa): (Vec<Vec<u8>>, Stats) = run();
    assert_eq!(a.len(), 10);
    assert_eq!((a, sa), run());
}
