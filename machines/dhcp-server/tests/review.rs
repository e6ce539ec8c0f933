//! Bugs a review found, each kept as a test (RFC 2131 §4.3.1, §4.3.2, §4.3.4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
mod common;
use common::*;
use core::net::Ipv4Addr;
use core::time::Duration;
use wirestate_dhcp::{code, MessageType};

fn release(xid: u32, m: [u8; 6], a: Ipv4Addr) -> Vec<u8> {
    msg(MessageType::Release, xid, m, |b| {
        b.header().set_ciaddr(a);
        b.ipv4(code::SERVER_IDENTIFIER, SERVER).unwrap();
    })
}

/// RFC 2131 §4.3.4 (SHOULD retain the record) and §4.3.1 (previous address first):
/// an unanswered offer of a remembered address forgets the client's record.
#[test]
fn a_lapsed_offer_keeps_the_clients_released_address() {
    let mut h = Harness::new(config());
    h.dora(1, mac(9));
    let a = h.dora(3, mac(1));
    h.send(&release(5, mac(1), a));
    assert_eq!(h.send(&discover(6, mac(1))).unwrap().yiaddr(), a);
    h.advance(Duration::from_secs(31)); // offer_hold passes
    assert!(h.server.binding(a).is_some(), "the released binding is gone");
    assert_ne!(h.send(&discover(7, mac(2))).unwrap().yiaddr(), a);
}

/// Same, through RFC 2131 §3.1 step 4 (client chose another server).
#[test]
fn choosing_another_server_keeps_the_clients_released_address() {
    let mut h = Harness::new(config());
    let a = h.dora(1, mac(1));
    h.send(&release(2, mac(1), a));
    h.send(&discover(3, mac(1)));
    assert!(h.send(&select(4, mac(1), OTHER_SERVER, a)).is_none());
    assert!(h.server.binding(a).is_some(), "the released binding is gone");
}

/// RFC 2131 §4.3.2 INIT-REBOOT: on the wrong net the server SHOULD send a DHCPNAK
/// (the "no record: MUST remain silent" rule is separate).
#[test]
fn init_reboot_on_the_wrong_net_is_nakked_without_authoritative() {
    let mut h = Harness::new(config());
    h.server.set_authoritative(false);
    let r = h.send(&init_reboot(1, mac(1), Ipv4Addr::new(192, 168, 5, 5)));
    assert_eq!(r.map(|r| r.mt()), Some(MessageType::Nak));
}
