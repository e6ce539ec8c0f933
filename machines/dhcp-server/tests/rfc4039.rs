//! RFC 4039: rapid commit, a DHCPDISCOVER answered by a DHCPACK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::time::Duration;

use common::*;
use wirestate_dhcp::{code, MessageType};
use wirestate_dhcp_server::{BindingState, ClientKey, Event, HwAddr};

fn rapid_discover(xid: u32, mac: [u8; 6]) -> Vec<u8> {
    msg(MessageType::Discover, xid, mac, |b| {
        b.option(code::RAPID_COMMIT, &[]).unwrap();
    })
}

#[test]
fn with_rapid_commit_on_option_80_draws_an_ack_with_option_80() {
    let mut cfg = config();
    cfg.rapid_commit = true;
    let mut h = Harness::new(cfg);
    let ack = h.send(&rapid_discover(1, mac(1))).unwrap();
    assert_eq!((ack.mt(), ack.yiaddr()), (MessageType::Ack, pool(0)));
    assert_eq!(ack.option(code::RAPID_COMMIT), Some(vec![]));
    assert_eq!(ack.u32(code::LEASE_TIME), Some(1000));
    // RFC 4039 §4: the binding is committed at once.
    let b = h.server.binding(pool(0)).unwrap();
    let until = h.now + Duration::from_secs(1000);
    assert_eq!((b.state, b.until), (BindingState::Bound, Some(until)));
    let client = ClientKey::Hardware(HwAddr::ethernet(mac(1)));
    assert_eq!(h.events(), [Event::Leased { client, addr: pool(0), until: Some(until) }]);
    let s = h.server.stats();
    assert_eq!((s.rapid_commits, s.acks, s.offers), (1, 1, 0));
    // It is a lease like any other: renewed by unicast.
    assert_eq!(h.send(&renew(2, mac(1), pool(0))).unwrap().mt(), MessageType::Ack);
}

#[test]
fn with_rapid_commit_on_a_discover_without_option_80_draws_an_offer() {
    let mut cfg = config();
    cfg.rapid_commit = true;
    let mut h = Harness::new(cfg);
    let offer = h.send(&discover(1, mac(1))).unwrap();
    assert_eq!(offer.mt(), MessageType::Offer);
    assert!(!offer.has(code::RAPID_COMMIT));
}

#[test]
fn with_rapid_commit_off_option_80_is_ignored() {
    let mut h = Harness::new(config());
    let offer = h.send(&rapid_discover(1, mac(1))).unwrap();
    assert_eq!(offer.mt(), MessageType::Offer);
    assert!(!offer.has(code::RAPID_COMMIT));
    assert_eq!(h.server.binding(pool(0)).unwrap().state, BindingState::Offered);
    assert!(h.events().is_empty());
}

#[test]
fn rapid_commit_can_be_turned_on_and_off_at_run_time() {
    let mut h = Harness::new(config());
    assert_eq!(h.send(&rapid_discover(1, mac(1))).unwrap().mt(), MessageType::Offer);
    h.server.set_rapid_commit(true);
    // The same client: its offer is committed now.
    assert_eq!(h.send(&rapid_discover(2, mac(1))).unwrap().mt(), MessageType::Ack);
    assert_eq!(h.server.binding(pool(0)).unwrap().state, BindingState::Bound);
    h.server.set_rapid_commit(false);
    assert_eq!(h.send(&rapid_discover(3, mac(2))).unwrap().mt(), MessageType::Offer);
    assert!(!h.server.config().rapid_commit);
}
