//! The DHCP machines: a whole DORA between `wirestate-dhcp-client` and
//! `wirestate-dhcp-server` in memory, and what the client costs per server reply
//! beside dhcproto's decode of the same bytes.
//!
//! The replies are real: dnsmasq 2.90's OFFER, ACK, rapid-commit ACK and NAK
//! (spec-vectors/dhcp/dnsmasq-replies.pcap), and the OFFER and ACK of the
//! server machine. The client takes each in the state that expects it (its xid
//! written into the reply), so its cost is the whole step: the header and xid
//! checks, every option decoded into the `Lease` value, the transition and its
//! timers. dhcproto's is a decode only, with no state behind it: the ratio
//! (`wirestate` is the client's step, `dhcproto` the decode) is how the whole
//! step compares with parsing the message alone.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::Ipv4Addr;
use core::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use dhcproto::{v4, Decodable, Decoder};
use std::hint::black_box;
use wirestate_dhcp_client::{Client, Config, Lease, LeaseKind, SeededRandom, State};
use wirestate_dhcp_server::{Config as ServerConfig, Server};
use wirestate_wire::Instant;

const CHADDR: [u8; 6] = [2, 0, 0, 0, 1, 2];

fn server_config() -> ServerConfig {
    let mut c = ServerConfig::new(
        Ipv4Addr::new(192, 0, 2, 1),
        Ipv4Addr::new(192, 0, 2, 100),
        Ipv4Addr::new(192, 0, 2, 200),
        Ipv4Addr::new(255, 255, 255, 0),
    );
    c.routers = vec![Ipv4Addr::new(192, 0, 2, 1)];
    c.dns_servers = vec![Ipv4Addr::new(192, 0, 2, 53), Ipv4Addr::new(192, 0, 2, 54)];
    c.domain_name = Some("example.test".into());
    c.mtu = Some(1500);
    c
}

fn client_config(rapid: bool) -> Config {
    let mut c = Config::new(CHADDR);
    c.conflict_detection = false;
    c.rapid_commit = rapid;
    c
}

/// One DORA, message by message; returns the messages exchanged.
fn dora(client: &Config, server: &ServerConfig, seed: u64, bufs: &mut (Vec<u8>, Vec<u8>)) -> usize {
    let mut c = Client::new(client.clone(), SeededRandom::new(seed));
    let mut s = Server::new(server.clone());
    let now = Instant::from_millis(1000);
    c.start(now).unwrap();
    let mut messages = 0;
    while c.state() != State::Bound {
        while let Some(t) = c.poll_transmit(now, &mut bufs.0).unwrap() {
            s.handle_message(now, t.src, &bufs.0[..t.len]);
            messages += 1;
        }
        while let Some(t) = s.poll_transmit(now, &mut bufs.1).unwrap() {
            c.handle_message(now, t.src, &bufs.1[..t.len]);
            messages += 1;
        }
    }
    black_box(c.lease());
    messages
}

fn bench_dora(c: &mut Criterion) {
    let (client, server) = (client_config(false), server_config());
    let mut bufs = (vec![0u8; 1500], vec![0u8; 1500]);
    assert_eq!(dora(&client, &server, 1, &mut bufs), 4);
    let rapid_client = client_config(true);
    let mut rapid_server = server_config();
    rapid_server.rapid_commit = true;
    assert_eq!(dora(&rapid_client, &rapid_server, 1, &mut bufs), 2);
    let mut g = c.benchmark_group("dhcp_dora_in_memory");
    g.bench_function(BenchmarkId::from_parameter("four_messages"), |b| {
        b.iter(|| dora(&client, &server, 1, &mut bufs))
    });
    g.bench_function(BenchmarkId::from_parameter("rapid_commit"), |b| {
        b.iter(|| dora(&rapid_client, &rapid_server, 1, &mut bufs))
    });
    g.finish();
}

fn dnsmasq_frames() -> Vec<Vec<u8>> {
    let path = format!("{}/../spec-vectors/dhcp/dnsmasq-replies.pcap", env!("CARGO_MANIFEST_DIR"));
    let mut r = pcap_file::pcap::PcapReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        out.push(p.unwrap().data[42..].to_vec());
    }
    out
}

fn with_xid(reply: &[u8], xid: u32) -> Vec<u8> {
    let mut r = reply.to_vec();
    r[4..8].copy_from_slice(&xid.to_be_bytes());
    r
}

/// A client waiting in `state` for a reply, and the reply with its xid.
struct Case {
    name: &'static str,
    client: Client<SeededRandom>,
    src: Ipv4Addr,
    reply: Vec<u8>,
    to: State,
}

fn selecting(rapid: bool) -> Client<SeededRandom> {
    let mut c = Client::new(client_config(rapid), SeededRandom::new(3));
    c.start(Instant::ZERO).unwrap();
    c.poll_transmit(Instant::ZERO, &mut [0u8; 1500]).unwrap();
    c
}

fn requesting(offer: &[u8], src: Ipv4Addr) -> Client<SeededRandom> {
    let mut c = selecting(false);
    c.handle_message(Instant::ZERO, src, &with_xid(offer, c.xid()));
    c.poll_transmit(Instant::ZERO, &mut [0u8; 1500]).unwrap();
    assert_eq!(c.state(), State::Requesting);
    c
}

fn rebooting() -> Client<SeededRandom> {
    let mut c = Client::new(client_config(false), SeededRandom::new(3));
    let lease = Lease {
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
        renewal_time: None,
        rebinding_time: None,
        acquired: Instant::ZERO,
    };
    c.start_reboot(Instant::ZERO, lease).unwrap();
    c.poll_transmit(Instant::ZERO, &mut [0u8; 1500]).unwrap();
    c
}

/// The server machine's OFFER and ACK for a client with `CHADDR`.
fn server_replies() -> (Vec<u8>, Vec<u8>) {
    let mut c = Client::new(client_config(false), SeededRandom::new(9));
    let mut s = Server::new(server_config());
    let now = Instant::ZERO;
    let (mut a, mut b) = (vec![0u8; 1500], vec![0u8; 1500]);
    c.start(now).unwrap();
    let t = c.poll_transmit(now, &mut a).unwrap().unwrap();
    s.handle_message(now, t.src, &a[..t.len]);
    let t = s.poll_transmit(now, &mut b).unwrap().unwrap();
    let offer = b[..t.len].to_vec();
    c.handle_message(now, t.src, &offer);
    let t = c.poll_transmit(now, &mut a).unwrap().unwrap();
    s.handle_message(now, t.src, &a[..t.len]);
    let t = s.poll_transmit(now, &mut b).unwrap().unwrap();
    (offer, b[..t.len].to_vec())
}

fn cases() -> Vec<Case> {
    let f = dnsmasq_frames();
    let dnsmasq = Ipv4Addr::new(10, 98, 0, 1);
    let ours = Ipv4Addr::new(192, 0, 2, 1);
    let (offer, ack) = server_replies();
    let sel = selecting(false);
    let rapid = selecting(true);
    let reb = rebooting();
    vec![
        Case {
            name: "dnsmasq_offer",
            reply: with_xid(&f[3], sel.xid()),
            client: sel.clone(),
            src: dnsmasq,
            to: State::Requesting,
        },
        Case {
            name: "dnsmasq_ack",
            client: requesting(&f[3], dnsmasq),
            reply: f[5].clone(),
            src: dnsmasq,
            to: State::Bound,
        },
        Case {
            name: "dnsmasq_rapid_ack",
            reply: with_xid(&f[7], rapid.xid()),
            client: rapid,
            src: dnsmasq,
            to: State::Bound,
        },
        Case {
            name: "dnsmasq_nak",
            reply: with_xid(&f[1], reb.xid()),
            client: reb,
            src: dnsmasq,
            to: State::Selecting,
        },
        Case {
            name: "server_offer",
            reply: with_xid(&offer, sel.xid()),
            client: sel,
            src: ours,
            to: State::Requesting,
        },
        Case {
            name: "server_ack",
            client: requesting(&offer, ours),
            reply: ack,
            src: ours,
            to: State::Bound,
        },
    ]
}

fn bench_client_message(c: &mut Criterion) {
    for mut case in cases() {
        // The ACK cases' replies take the requesting client's xid.
        let xid = case.client.xid();
        case.reply = with_xid(&case.reply, xid);
        let mut check = case.client.clone();
        check.handle_message(Instant::ZERO, case.src, &case.reply);
        assert_eq!(check.state(), case.to, "{}: {:?}", case.name, check.stats());
        v4::Message::decode(&mut Decoder::new(&case.reply)).unwrap();
        let mut g = c.benchmark_group(format!("dhcp_client_message_{}", case.name));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter_batched_ref(
                || case.client.clone(),
                |client| client.handle_message(Instant::ZERO, case.src, black_box(&case.reply)),
                BatchSize::SmallInput,
            )
        });
        g.bench_function(BenchmarkId::from_parameter("dhcproto"), |b| {
            b.iter(|| v4::Message::decode(&mut Decoder::new(black_box(&case.reply))).unwrap())
        });
        g.finish();
    }
}

criterion_group!(benches, bench_dora, bench_client_message);
criterion_main!(benches);
