//! RFC 2131 §4.1: where replies go (giaddr, ciaddr, the broadcast bit,
//! yiaddr and chaddr), and what is taken as a client message at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;

use common::*;
use wirestate_dhcp::{code, MessageType};
use wirestate_dhcp_server::{HwAddr, LinkDest, CLIENT_PORT, SERVER_PORT};

const RELAY: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 250);

fn broadcast_discover(xid: u32, mac: [u8; 6]) -> Vec<u8> {
    msg(MessageType::Discover, xid, mac, |b| b.header().set_broadcast(true))
}

#[test]
fn without_the_broadcast_bit_an_offer_goes_to_chaddr_and_yiaddr() {
    let mut h = Harness::new(config());
    let r = h.send(&discover(1, mac(1))).unwrap();
    assert_eq!((r.t.src, r.t.dst, r.t.dst_port), (SERVER, pool(0), CLIENT_PORT));
    assert_eq!(r.t.link, LinkDest::Hardware(HwAddr::ethernet(mac(1))));
    assert!(!r.t.is_broadcast());
    assert_eq!(r.msg().flags(), 0);
}

#[test]
fn with_the_broadcast_bit_offers_and_acks_are_broadcast() {
    let mut h = Harness::new(config());
    let r = h.send(&broadcast_discover(1, mac(1))).unwrap();
    assert_eq!((r.t.dst, r.t.link), (Ipv4Addr::BROADCAST, LinkDest::Broadcast));
    assert_eq!(r.msg().flags(), 0x8000, "the flags are echoed");
    let m = msg(MessageType::Request, 2, mac(1), |b| {
        b.ipv4(code::SERVER_IDENTIFIER, SERVER).unwrap().ipv4(code::REQUESTED_IP, pool(0)).unwrap();
        b.header().set_broadcast(true);
    });
    let r = h.send(&m).unwrap();
    assert_eq!(
        (r.mt(), r.t.dst, r.t.link),
        (MessageType::Ack, Ipv4Addr::BROADCAST, LinkDest::Broadcast)
    );
}

#[test]
fn a_nak_is_always_broadcast_without_a_relay() {
    let mut h = Harness::new(config());
    // Even to a client with ciaddr set.
    let r = h.send(&renew(1, mac(1), pool(3))).unwrap();
    assert_eq!(r.mt(), MessageType::Nak);
    assert_eq!(
        (r.t.dst, r.t.dst_port, r.t.link),
        (Ipv4Addr::BROADCAST, CLIENT_PORT, LinkDest::Broadcast)
    );
    assert_eq!(r.msg().flags(), 0, "no broadcast bit forced without a relay");
}

#[test]
fn through_a_relay_replies_go_to_giaddr_on_the_server_port() {
    let mut h = Harness::new(config());
    let via_relay = |mt, xid, f: &dyn Fn(&mut wirestate_dhcp::Builder<'_>)| {
        msg(mt, xid, mac(1), |b| {
            b.header().set_giaddr(RELAY);
            b.header().set_hops(1);
            f(b);
        })
    };
    let r = h.send_from(RELAY, &via_relay(MessageType::Discover, 1, &|_| {})).pop().unwrap();
    assert_eq!(r.mt(), MessageType::Offer);
    assert_eq!((r.t.dst, r.t.dst_port, r.t.link), (RELAY, SERVER_PORT, LinkDest::Routed));
    assert_eq!((r.msg().giaddr(), r.msg().hops()), (RELAY, 0));
    // RFC 2131 §4.3.2: a DHCPNAK through a relay has the broadcast bit set.
    let bad = via_relay(MessageType::Request, 2, &|b| {
        b.ipv4(code::REQUESTED_IP, Ipv4Addr::new(192, 168, 9, 9)).unwrap();
    });
    let nak = h.send_from(RELAY, &bad).pop().unwrap();
    assert_eq!(nak.mt(), MessageType::Nak);
    assert_eq!((nak.t.dst, nak.t.dst_port), (RELAY, SERVER_PORT));
    assert_eq!(nak.msg().flags(), 0x8000);
}

#[test]
fn relay_agent_information_is_echoed_last() {
    let mut h = Harness::new(config());
    let m = msg(MessageType::Discover, 1, mac(1), |b| {
        b.header().set_giaddr(RELAY);
        b.relay_agent_information(&[(1, b"port7")]).unwrap();
        b.option(code::CLIENT_IDENTIFIER, b"\x01\x02\0\0\0\0\x01").unwrap();
    });
    let r = h.send_from(RELAY, &m).pop().unwrap();
    let codes = r.codes();
    assert_eq!(codes.last(), Some(&code::RELAY_AGENT_INFORMATION), "{codes:?}");
    assert_eq!(r.option(code::RELAY_AGENT_INFORMATION).unwrap(), b"\x01\x05port7");
    assert_eq!(r.option(code::CLIENT_IDENTIFIER).unwrap(), b"\x01\x02\0\0\0\0\x01");
}

#[test]
fn a_relay_on_another_network_is_not_served() {
    let mut h = Harness::new(config());
    let m = msg(MessageType::Discover, 1, mac(1), |b| {
        b.header().set_giaddr(Ipv4Addr::new(172, 16, 0, 1));
    });
    assert!(h.send(&m).is_none());
    assert_eq!(h.server.stats().dropped_not_for_us, 1);
}

#[test]
fn a_client_without_a_hardware_address_is_answered_by_broadcast() {
    let mut h = Harness::new(config());
    // RFC 4390 §2.1: hlen 0, a client identifier instead.
    let mut m = msg(MessageType::Discover, 1, mac(1), |b| {
        b.option(code::CLIENT_IDENTIFIER, b"\xffiaid-duid").unwrap();
    });
    m[1] = 32; // htype InfiniBand
    m[2] = 0; // hlen
    m[28..44].fill(0);
    let r = h.send(&m).unwrap();
    assert_eq!((r.mt(), r.t.link), (MessageType::Offer, LinkDest::Broadcast));
    assert_eq!((r.msg().htype(), r.msg().hlen()), (32, 0));
    // Without the identifier, nothing tells the client apart.
    let mut m = discover(2, mac(1));
    (m[1], m[2]) = (32, 0);
    assert!(h.send(&m).is_none());
    assert_eq!(h.server.stats().dropped_malformed, 1);
}

#[test]
fn only_well_formed_client_messages_are_taken() {
    let mut h = Harness::new(config());
    let good = discover(1, mac(1));
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("header only", good[..236].to_vec()),
        ("bad cookie", {
            let mut m = good.clone();
            m[236] = 0;
            m
        }),
        ("op 3", {
            let mut m = good.clone();
            m[0] = 3;
            m
        }),
        ("hlen 17", {
            let mut m = good.clone();
            m[2] = 17;
            m
        }),
        ("ethernet hlen 5", {
            let mut m = good.clone();
            m[2] = 5;
            m
        }),
        ("no message type", {
            let mut m = good.clone();
            m[240] = 0; // pad over option 53
            m[241] = 0;
            m[242] = 0;
            m
        }),
        ("option runs past the end", {
            let mut m = good[..243].to_vec();
            m.extend([12, 200, b'x']);
            m
        }),
    ];
    let n = cases.len() as u64;
    for (what, m) in cases.drain(..) {
        assert!(h.send(&m).is_none(), "{what}");
    }
    assert_eq!(h.server.stats().dropped_malformed, n);
    // A BOOTREPLY, and server message types, are somebody else's.
    let mut reply = good.clone();
    reply[0] = 2;
    assert!(h.send(&reply).is_none());
    for mt in [MessageType::Offer, MessageType::Ack, MessageType::Nak, MessageType::Unknown(13)] {
        let mut m = msg(mt, 1, mac(1), |_| {});
        m[0] = 1;
        assert!(h.send(&m).is_none(), "{mt:?}");
    }
    assert_eq!(h.server.stats().dropped_not_for_us, 5);
    assert_eq!(h.server.stats().received, n + 5);
    assert!(h.server.leases().next().is_none());
}
