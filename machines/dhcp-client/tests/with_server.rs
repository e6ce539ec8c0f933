//! The client against the sans-IO server of machines/dhcp-server, over the
//! in-memory link: the whole life of a lease, with and without loss.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::link::*;
use common::MAC;
use wirestate_dhcp_client::{Config, Event, LossReason, State};
use wirestate_dhcp_server::BindingState;

const DISCOVER: u8 = 1;
const OFFER: u8 = 2;
const REQUEST: u8 = 3;
const DECLINE: u8 = 4;
const ACK: u8 = 5;
const NAK: u8 = 6;
const RELEASE: u8 = 7;

fn client(rapid: bool) -> Config {
    let mut c = Config::new(MAC);
    c.rapid_commit = rapid;
    c
}

fn bound(n: &Net) -> bool {
    n.client.state() == State::Bound
}

fn start(n: &mut Net) {
    n.client.start(n.now).unwrap();
}

#[test]
fn dora_binds_the_address_the_server_leased_with_its_parameters() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 1);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let lease = n.client.lease().unwrap().clone();
    let binding = n.server.binding(lease.address).unwrap();
    assert_eq!(binding.state, BindingState::Bound);
    assert_eq!((lease.server, lease.routers.as_slice()), (SERVER_ID, &[SERVER_ID][..]));
    assert_eq!(lease.dns_servers, [Ipv4Addr::new(192, 0, 2, 53)]);
    assert_eq!(lease.domain_name.as_deref(), Some("example.test"));
    assert!(lease.expires_at().unwrap() <= binding.until.unwrap(), "the client's lease ends first");
    assert_eq!(
        [n.client_sent(DISCOVER), n.server_sent(OFFER), n.client_sent(REQUEST), n.server_sent(ACK)],
        [1; 4]
    );
}

#[test]
fn rapid_commit_is_two_messages_when_the_server_does_it() {
    let mut server = server_config();
    server.rapid_commit = true;
    let mut n = Net::new(client(true), server, LinkConfig::default(), 2);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    assert_eq!([n.client_sent(DISCOVER), n.server_sent(ACK)], [1, 1]);
    assert_eq!([n.server_sent(OFFER), n.client_sent(REQUEST)], [0, 0]);
}

/// RFC 4039 §4: a client asking for rapid commit must still take an OFFER. A
/// server without rapid commit (as many are) answers the same DISCOVER with one,
/// and the four-message exchange follows.
#[test]
fn rapid_commit_falls_back_to_four_messages_when_the_server_offers() {
    let mut n = Net::new(client(true), server_config(), LinkConfig::default(), 3);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    assert_eq!(
        [n.client_sent(DISCOVER), n.server_sent(OFFER), n.client_sent(REQUEST), n.server_sent(ACK)],
        [1; 4]
    );
}

#[test]
fn renewal_at_t1_extends_the_lease_on_both_sides() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 4);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let first = n.client.lease().unwrap().clone();
    n.run_until(Duration::from_secs(3600), |n| {
        n.client.lease().is_some_and(|l| l.acquired != first.acquired)
    });
    let renewed = n.client.lease().unwrap().clone();
    assert_eq!(renewed.address, first.address);
    assert!(n.log.iter().any(|(_, s)| matches!(s, Seen::Client(Event::Renewed(_)))));
    let at_server = n.server.binding(renewed.address).unwrap().until.unwrap();
    assert!(renewed.expires_at().unwrap() <= at_server);
    assert!(renewed.acquired >= first.renew_at().unwrap());
}

#[test]
fn a_silent_server_means_renewing_then_rebinding_then_the_address_lost_at_the_lease_end() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 5);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let lease = n.client.lease().unwrap().clone();
    n.server_down = true;
    let end = lease.expires_at().unwrap();
    let mut states = vec![];
    n.run_until(Duration::from_secs(7200), |n| {
        if n.client.lease().is_some() {
            assert!(n.now < end, "the address is held past its lease");
        }
        n.client.state() == State::Selecting
    });
    for (_, s) in &n.log {
        if let Seen::Client(Event::Lost { reason, .. }) = s {
            states.push(*reason);
        }
    }
    assert_eq!(states, [LossReason::Expired]);
    assert_eq!(n.now, end);
    // RENEWING unicast, REBINDING broadcast: requests to both destinations.
    let to = |d: Ipv4Addr| {
        n.log.iter().filter(|(_, s)| matches!(s, Seen::ClientSent(3, x) if *x == d)).count()
    };
    assert!(
        to(SERVER_ID) >= 2 && to(Ipv4Addr::BROADCAST) >= 2,
        "{} {}",
        to(SERVER_ID),
        to(Ipv4Addr::BROADCAST)
    );
}

#[test]
fn a_server_that_forgot_the_client_naks_the_renewal_and_a_new_lease_follows() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 6);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    // The server restarts with an empty table (authoritative by default).
    n.server = wirestate_dhcp_server::Server::new(server_config());
    n.run_until(Duration::from_secs(3600), |n| n.server_sent(NAK) > 0);
    n.run_until(Duration::from_secs(60), bound);
    let lost = n
        .log
        .iter()
        .any(|(_, s)| matches!(s, Seen::Client(Event::Lost { reason: LossReason::Nak, .. })));
    assert!(lost);
    assert_eq!(n.client.state(), State::Bound);
}

#[test]
fn init_reboot_gets_the_same_address_back_from_the_server() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 7);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let lease = n.client.stop().unwrap();
    n.run_for(Duration::from_secs(100));
    n.client.start_reboot(n.now, lease.clone()).unwrap();
    assert!(n.run_until(Duration::from_secs(30), bound));
    assert_eq!(n.client.lease().unwrap().address, lease.address);
    assert_eq!(n.client_sent(DISCOVER), 1, "no second DISCOVER");
}

#[test]
fn init_reboot_on_another_network_is_naked_and_the_client_rediscovers() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 8);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let mut lease = n.client.stop().unwrap();
    lease.address = Ipv4Addr::new(198, 51, 100, 7); // from another network
    n.client.start_reboot(n.now, lease).unwrap();
    assert!(n.run_until(Duration::from_secs(30), bound));
    assert_eq!(n.server_sent(NAK), 1);
    assert_eq!(n.client_sent(DISCOVER), 2);
    assert_ne!(n.client.lease().unwrap().address, Ipv4Addr::new(198, 51, 100, 7));
}

#[test]
fn an_occupied_address_is_declined_and_the_server_offers_another() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 9);
    n.occupied = vec![Ipv4Addr::new(192, 0, 2, 100)]; // the server's first choice
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(60), bound));
    assert_eq!(n.client_sent(DECLINE), 1);
    let got = n.client.lease().unwrap().address;
    assert_ne!(got, Ipv4Addr::new(192, 0, 2, 100));
    let declined = n
        .log
        .iter()
        .any(|(_, s)| matches!(s, Seen::Server(wirestate_dhcp_server::Event::Declined { .. })));
    assert!(declined);
    // RFC 2131 §3.1 step 5: ten seconds between the DECLINE and the next DISCOVER.
    let when = |mt: u8| {
        n.log
            .iter()
            .filter(|(_, s)| matches!(s, Seen::ClientSent(t, _) if *t == mt))
            .map(|(t, _)| *t)
            .collect::<Vec<_>>()
    };
    let (decline, discovers) = (when(DECLINE)[0], when(DISCOVER));
    assert_eq!(discovers[1].saturating_duration_since(decline), Duration::from_secs(10));
}

#[test]
fn release_frees_the_binding_at_the_server() {
    let mut n = Net::new(client(false), server_config(), LinkConfig::default(), 10);
    start(&mut n);
    assert!(n.run_until(Duration::from_secs(30), bound));
    let addr = n.client.lease().unwrap().address;
    n.client.release(n.now).unwrap();
    n.run_for(Duration::from_secs(1));
    assert_eq!(n.client_sent(RELEASE), 1);
    assert_ne!(n.server.binding(addr).map(|b| b.state), Some(BindingState::Bound));
    assert_eq!(n.client.state(), State::Stopped);
}

#[test]
fn a_lossy_duplicating_reordering_link_still_ends_bound() {
    for seed in 0..20 {
        let link = LinkConfig { loss_per_mille: 400, dup_per_mille: 200, max_delay_ms: 3000 };
        let mut n = Net::new(client(seed % 2 == 0), server_config(), link, 100 + seed);
        n.server.set_rapid_commit(seed % 3 == 0);
        start(&mut n);
        assert!(
            n.run_until(Duration::from_secs(600), bound),
            "seed {seed}: {:?}",
            n.client.stats()
        );
        let lease = n.client.lease().unwrap();
        assert_eq!(n.server.binding(lease.address).map(|b| b.state), Some(BindingState::Bound));
    }
}
