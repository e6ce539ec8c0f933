//! Real server replies: dnsmasq 2.90's NAK, OFFER, ACK and rapid-commit ACK,
//! recorded by spec-vectors/dhcp/capture-nak.sh into dnsmasq-replies.pcap (see
//! dnsmasq-replies.md beside it). The client is driven to the capture's xids
//! and chaddr with a scripted random source, then fed the server's frames.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::Duration;

use wirestate_dhcp::{code, Message, MessageType};
use wirestate_dhcp_client::{Client, Config, Event, Lease, LeaseKind, State};
use wirestate_wire::Instant;

const CHADDR: [u8; 6] = [2, 0, 0, 0, 1, 2];
const DNSMASQ: Ipv4Addr = Ipv4Addr::new(10, 98, 0, 1);
const GRANTED: Ipv4Addr = Ipv4Addr::new(10, 98, 0, 108);

/// The BOOTP messages of the capture (all IPv4 with no options, UDP: at 42).
fn frames() -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec-vectors/dhcp/dnsmasq-replies.pcap");
    let file = std::fs::File::open(path).unwrap();
    let mut reader = pcap_file::pcap::PcapReader::new(file).unwrap();
    let mut out = Vec::new();
    while let Some(p) = reader.next_packet() {
        out.push(p.unwrap().data[42..].to_vec());
    }
    assert_eq!(out.len(), 8);
    out
}

fn xid_of(frame: &[u8]) -> u32 {
    Message::new_checked(frame).unwrap().xid()
}

/// A random source that hands out `xids` in turn for the transaction ids and
/// zero for the jitter draws between them: the client draws once per exchange
/// start and once per transmission (see `Client`'s docs).
fn scripted(draws: Vec<u32>) -> impl FnMut() -> u32 {
    let mut q: VecDeque<u32> = draws.into();
    move || q.pop_front().unwrap_or(0)
}

fn config(rapid: bool) -> Config {
    let mut c = Config::new(CHADDR);
    c.conflict_detection = false;
    c.rapid_commit = rapid;
    c
}

fn drain<R: wirestate_dhcp_client::Entropy>(
    c: &mut Client<R>,
    now: Instant,
) -> Vec<(MessageType, u32, Vec<u8>)> {
    let mut buf = vec![0u8; c.transmit_buffer_len()];
    let mut out = Vec::new();
    while let Some(t) = c.poll_transmit(now, &mut buf).unwrap() {
        let m = Message::new_checked(&buf[..t.len]).unwrap();
        let mt = m.options().find_map(|o| match o {
            Ok(wirestate_dhcp::DhcpOption::MessageType(t)) => Some(t),
            _ => None,
        });
        out.push((mt.unwrap(), m.xid(), buf[..t.len].to_vec()));
    }
    out
}

fn check_dnsmasq_lease(l: &Lease) {
    assert_eq!((l.kind, l.address, l.server), (LeaseKind::Dhcp, GRANTED, DNSMASQ));
    assert_eq!(l.subnet_mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
    assert_eq!(l.dns_servers, [DNSMASQ, Ipv4Addr::new(10, 98, 0, 2)]);
    assert_eq!(l.domain_name.as_deref(), Some("example.test"));
    assert_eq!(l.domain_search, ["example.test.", "lab.example.test."]);
    assert_eq!((l.mtu, l.broadcast_address), (Some(1400), Some(Ipv4Addr::new(10, 98, 0, 255))));
    assert_eq!(l.ntp_servers, [DNSMASQ]);
    // Option 121 came, so option 3 is ignored (RFC 3442) and the default route
    // is the 0.0.0.0/0 entry.
    assert!(l.routers.is_empty());
    let routes: Vec<_> =
        l.static_routes.iter().map(|r| (r.destination, r.prefix_len, r.router)).collect();
    assert_eq!(
        routes,
        [(Ipv4Addr::new(192, 168, 10, 0), 24, DNSMASQ), (Ipv4Addr::UNSPECIFIED, 0, DNSMASQ)]
    );
    assert_eq!(l.lease_time, Some(Duration::from_secs(7200)));
    assert_eq!(l.renewal_time, Some(Duration::from_secs(3600)));
    assert_eq!(l.rebinding_time, Some(Duration::from_secs(6300)));
}

#[test]
fn dnsmasq_nak_to_init_reboot_then_offer_and_ack_bind_the_lease() {
    let f = frames();
    let (reboot_xid, dora_xid) = (xid_of(&f[0]), xid_of(&f[2]));
    let mut c = Client::new(config(false), scripted(vec![reboot_xid, 0, dora_xid]));
    let now = Instant::from_millis(5_000);
    let remembered = Lease {
        kind: LeaseKind::Dhcp,
        address: Ipv4Addr::new(10, 97, 0, 50),
        server: Ipv4Addr::new(10, 97, 0, 1),
        subnet_mask: None,
        routers: vec![],
        dns_servers: vec![],
        domain_name: None,
        domain_search: vec![],
        mtu: None,
        broadcast_address: None,
        ntp_servers: vec![],
        static_routes: vec![],
        lease_time: Some(Duration::from_secs(86_400)),
        renewal_time: Some(Duration::from_secs(43_200)),
        rebinding_time: Some(Duration::from_secs(75_600)),
        acquired: Instant::ZERO,
    };
    c.start_reboot(now, remembered).unwrap();
    let sent = drain(&mut c, now);
    assert_eq!((sent[0].0, sent[0].1), (MessageType::Request, reboot_xid));
    // Frame 2: "wrong network".
    c.handle_message(now, DNSMASQ, &f[1]);
    assert_eq!(c.state(), State::Selecting, "{:?}", c.stats());
    let sent = drain(&mut c, now);
    assert_eq!((sent[0].0, sent[0].1), (MessageType::Discover, dora_xid));
    // Frame 4, the OFFER: the client asks for what dhclient asked for in frame 5.
    c.handle_message(now, DNSMASQ, &f[3]);
    assert_eq!(c.state(), State::Requesting, "{:?}", c.stats());
    let sent = drain(&mut c, now);
    let ours = Message::new_checked(&sent[0].2[..]).unwrap();
    let theirs = Message::new_checked(&f[4][..]).unwrap();
    let find = |m: &Message<&[u8]>, code: u8| {
        m.options().raw().filter_map(Result::ok).find(|o| o.code == code).map(|o| o.data.to_vec())
    };
    for c in [code::MESSAGE_TYPE, code::REQUESTED_IP, code::SERVER_IDENTIFIER] {
        assert_eq!(find(&ours, c), find(&theirs, c), "option {c}");
    }
    assert_eq!(ours.xid(), theirs.xid());
    // Frame 6, the ACK.
    c.handle_message(now, DNSMASQ, &f[5]);
    assert_eq!(c.state(), State::Bound, "{:?}", c.stats());
    let Some(Event::Bound(lease)) = c.poll_event() else { panic!() };
    check_dnsmasq_lease(&lease);
    let s = c.stats();
    assert_eq!(s.dropped_malformed + s.dropped_invalid + s.dropped_unexpected, 0);
}

#[test]
fn dnsmasq_rapid_commit_ack_binds_without_a_request() {
    let f = frames();
    let xid = xid_of(&f[6]);
    let mut c = Client::new(config(true), scripted(vec![xid]));
    let now = Instant::from_millis(5_000);
    c.start(now).unwrap();
    let sent = drain(&mut c, now);
    assert_eq!((sent[0].0, sent[0].1), (MessageType::Discover, xid));
    c.handle_message(now, DNSMASQ, &f[7]);
    assert_eq!(c.state(), State::Bound, "{:?}", c.stats());
    assert!(drain(&mut c, now).is_empty());
    let Some(Event::Bound(lease)) = c.poll_event() else { panic!() };
    check_dnsmasq_lease(&lease);
}

#[test]
fn dnsmasq_replies_are_refused_with_another_xid_or_chaddr() {
    let f = frames();
    let xid = xid_of(&f[2]);
    // Another xid.
    let mut c = Client::new(config(false), scripted(vec![xid ^ 0x100]));
    c.start(Instant::ZERO).unwrap();
    drain(&mut c, Instant::ZERO);
    c.handle_message(Instant::ZERO, DNSMASQ, &f[3]);
    assert_eq!((c.state(), c.stats().dropped_wrong_xid), (State::Selecting, 1));
    // Another chaddr.
    let mut other = Config::new([2, 0, 0, 0, 1, 3]);
    other.conflict_detection = false;
    let mut c = Client::new(other, scripted(vec![xid]));
    c.start(Instant::ZERO).unwrap();
    drain(&mut c, Instant::ZERO);
    c.handle_message(Instant::ZERO, DNSMASQ, &f[3]);
    assert_eq!((c.state(), c.stats().dropped_wrong_chaddr), (State::Selecting, 1));
}
