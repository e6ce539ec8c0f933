//! Bounded memory, and what happens at each limit: the lease table, the reply
//! queue, the event queue, the transmit buffer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use core::net::Ipv4Addr;
use core::time::Duration;

use common::*;
use wirestate_dhcp::{code, Builder, MessageType};
use wirestate_dhcp_server::{BindingState, CallError};

fn release(xid: u32, mac: [u8; 6], addr: Ipv4Addr) -> Vec<u8> {
    let mut buf = vec![0u8; 576];
    let len = Builder::release(&mut buf, xid, &mac, addr, SERVER).unwrap().finish().unwrap();
    buf.truncate(len);
    buf
}

#[test]
fn a_full_table_forgets_the_oldest_released_binding_first() {
    let mut cfg = config();
    cfg.max_leases = 3;
    let mut h = Harness::new(cfg);
    let a = h.dora(1, mac(1));
    let b = h.dora(2, mac(2));
    let c = h.dora(3, mac(3));
    assert_eq!((a, b, c), (pool(0), pool(1), pool(2)));
    // Full of leases: nothing to offer, though the pool has room.
    assert!(h.send(&discover(4, mac(4))).is_none());
    assert_eq!(h.server.stats().pool_exhausted, 1);
    // Two released, b first: b's record goes for the new client.
    h.send(&release(5, mac(2), b));
    h.advance(Duration::from_secs(1));
    h.send(&release(6, mac(1), a));
    let offer = h.send(&discover(7, mac(4))).unwrap();
    // The lowest address never bound, with room made by forgetting b's record.
    assert_eq!(offer.yiaddr(), pool(3));
    assert!(h.server.binding(b).is_none());
    assert_eq!(h.server.binding(a).unwrap().state, BindingState::Released);
    assert_eq!(h.server.leases().count(), 3);
    // The client whose record was forgotten: the lowest unbound address is
    // its old one, and a's record makes the room.
    let offer = h.send(&discover(8, mac(2))).unwrap();
    assert_eq!(offer.yiaddr(), b);
    assert!(h.server.binding(a).is_none());
    assert_eq!(h.server.leases().count(), 3);
    // Full of live bindings again.
    assert!(h.send(&discover(9, mac(1))).is_none());
}

#[test]
fn a_used_up_pool_reuses_the_address_remembered_longest() {
    let mut cfg = config();
    cfg.pool = pool(0)..=pool(1);
    let mut h = Harness::new(cfg);
    let a = h.dora(1, mac(1));
    let b = h.dora(2, mac(2));
    h.send(&release(3, mac(2), b));
    h.advance(Duration::from_secs(1));
    h.send(&release(4, mac(1), a));
    assert_eq!(h.send(&discover(5, mac(3))).unwrap().yiaddr(), b);
    assert_eq!(h.send(&discover(6, mac(4))).unwrap().yiaddr(), a);
    assert!(h.send(&discover(7, mac(5))).is_none());
}

#[test]
fn a_full_reply_queue_drops_the_new_request_and_changes_nothing() {
    let mut cfg = config();
    cfg.max_pending = 2;
    let mut h = Harness::new(cfg);
    for i in 0..3u8 {
        h.server.handle_message(h.now, UNSPEC, &discover(u32::from(i), mac(i)));
    }
    assert_eq!(h.server.pending_replies(), 2);
    let s = h.server.stats();
    assert_eq!((s.discovers, s.offers, s.dropped_queue_full), (3, 2, 1));
    // The third client was not given an address it would never hear of.
    assert_eq!(h.server.leases().count(), 2);
    assert_eq!(h.drain().len(), 2);
    // Drained, there is room again.
    assert!(h.send(&discover(9, mac(2))).is_some());
}

#[test]
fn a_full_event_queue_drops_new_events_and_counts_them() {
    let mut cfg = config();
    cfg.max_events = 2;
    cfg.rapid_commit = true;
    let mut h = Harness::new(cfg);
    for i in 0..4u8 {
        let m = msg(MessageType::Discover, u32::from(i), mac(i), |b| {
            b.option(code::RAPID_COMMIT, &[]).unwrap();
        });
        assert_eq!(h.send(&m).unwrap().mt(), MessageType::Ack);
    }
    assert_eq!(h.server.pending_events(), 2);
    assert_eq!(h.server.stats().events_dropped, 2);
    assert_eq!(h.events().len(), 2);
}

#[test]
fn a_short_transmit_buffer_is_refused_and_loses_nothing() {
    let mut h = Harness::new(config());
    h.server.handle_message(h.now, UNSPEC, &discover(1, mac(1)));
    h.server.handle_message(h.now, UNSPEC, &discover(2, mac(2)));
    let need = h.server.transmit_buffer_len();
    assert!(need >= 300);
    let mut short = vec![0u8; need - 1];
    for _ in 0..3 {
        assert_eq!(
            h.server.poll_transmit(h.now, &mut short),
            Err(CallError::BufferTooSmall { need })
        );
    }
    assert_eq!(h.server.pending_replies(), 2);
    let replies = h.drain();
    assert_eq!(replies.len(), 2);
    assert_eq!((replies[0].yiaddr(), replies[1].yiaddr()), (pool(0), pool(1)));
    assert_eq!(h.server.stats().sent, 2);
}

#[test]
fn the_transmit_buffer_length_covers_the_largest_reply() {
    let mut cfg = config();
    cfg.dns_servers = (0..200).map(|i| Ipv4Addr::new(10, 2, 0, i)).collect();
    cfg.domain_name = Some("d".repeat(300));
    let mut h = Harness::new(cfg);
    let m = msg(MessageType::Discover, 1, mac(1), |b| {
        b.u16(code::MAX_MESSAGE_SIZE, u16::MAX).unwrap();
        b.option(code::CLIENT_IDENTIFIER, &[7u8; 255]).unwrap();
    });
    let r = h.send(&m).unwrap();
    assert_eq!(r.option(code::DOMAIN_NAME_SERVER).unwrap().len(), 800);
    assert_eq!(r.option(code::DOMAIN_NAME).unwrap().len(), 300);
    assert!(r.bytes.len() <= h.server.transmit_buffer_len());
}

#[test]
fn a_reply_that_cannot_fit_the_clients_limit_is_dropped_and_counted() {
    let mut h = Harness::new(config());
    // A 255-octet client identifier and 255 octets of relay information must
    // both be echoed: more than a 576-octet datagram holds.
    let relay = Ipv4Addr::new(10, 0, 0, 250);
    let m = msg(MessageType::Discover, 1, mac(1), |b| {
        b.header().set_giaddr(relay);
        b.option(code::CLIENT_IDENTIFIER, &[7u8; 255]).unwrap();
        b.relay_agent_information(&[(1, &[0u8; 253][..])]).unwrap();
    });
    assert!(h.send_from(relay, &m).is_empty());
    assert_eq!(h.server.stats().dropped_too_large, 1);
}
