//! The resolver and the test hierarchy of wirestate-dns-server on a small
//! in-memory network: UDP datagrams may be lost or delayed (so reordered), TCP
//! is delayed only; all from a seed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use wirestate_dns_resolver::{Config, Entropy, Event, Resolver, SeededRandom, Transport};
use wirestate_dns_server::{hierarchy, Server, Transport as ServerTransport};
use wirestate_wire::Instant;

pub const RESOLVER_V4: &str = "198.51.100.53";

#[derive(Debug, Clone, Copy, Default)]
pub struct Link {
    pub loss_per_mille: u32,
    pub max_delay_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Packet {
    ToServer { server: IpAddr, from: SocketAddr, bytes: Vec<u8>, tcp: bool },
    ToResolver { from: SocketAddr, port: u16, bytes: Vec<u8>, tcp: bool },
}

pub struct Net {
    pub r: Resolver<SeededRandom>,
    pub servers: BTreeMap<IpAddr, Server>,
    pub now: Instant,
    pub link: Link,
    pub events: Vec<(Instant, Event)>,
    /// Messages the resolver sent.
    pub queries: usize,
    /// The servers it sent them to.
    pub asked: std::collections::BTreeSet<IpAddr>,
    rng: SeededRandom,
    queue: BinaryHeap<Reverse<(Instant, u64, Packet)>>,
    seq: u64,
    rbuf: Vec<u8>,
    sbuf: Vec<u8>,
}

pub fn root_hints() -> Vec<(wirestate_dns::NameBuf, IpAddr)> {
    hierarchy::ROOT_SERVERS
        .iter()
        .map(|a| (wirestate_dns::NameBuf::parse_str("a.root-servers.test.").unwrap(), *a))
        .collect()
}

impl Net {
    pub fn new(config: Config, servers: Vec<(IpAddr, Server)>, link: Link, seed: u64) -> Net {
        let r = Resolver::new(config, SeededRandom::new(seed));
        let rbuf = vec![0u8; r.transmit_buffer_len()];
        Net {
            r,
            servers: servers.into_iter().collect(),
            now: Instant::from_millis(1_000),
            link,
            events: Vec::new(),
            queries: 0,
            asked: Default::default(),
            rng: SeededRandom::new(seed ^ 0xd15c),
            queue: BinaryHeap::new(),
            seq: 0,
            rbuf,
            sbuf: vec![0u8; 65_537],
        }
    }

    /// An iterative resolver over the whole hierarchy.
    pub fn hierarchy(link: Link, seed: u64) -> Net {
        Net::new(Config::iterative(root_hints()), hierarchy::test_hierarchy(), link, seed)
    }

    fn push(&mut self, p: Packet, lossy: bool) {
        if lossy
            && self.link.loss_per_mille > 0
            && self.rng.next_u32() % 1000 < self.link.loss_per_mille
        {
            return;
        }
        let delay = match self.link.max_delay_ms {
            0 => 0,
            m => self.rng.next_u32() % (m + 1),
        };
        self.seq += 1;
        let at = self.now + Duration::from_millis(u64::from(delay));
        self.queue.push(Reverse((at, self.seq, p)));
    }

    pub fn drain(&mut self) {
        let me: IpAddr = RESOLVER_V4.parse().unwrap();
        while let Some(t) = self.r.poll_transmit(self.now, &mut self.rbuf).unwrap() {
            self.queries += 1;
            self.asked.insert(t.dst.ip());
            let tcp = t.transport == Transport::Tcp;
            let port = if tcp { 40_000 } else { t.src_port };
            let bytes = self.rbuf[..t.len].to_vec();
            let p = Packet::ToServer {
                server: t.dst.ip(),
                from: SocketAddr::new(me, port),
                bytes,
                tcp,
            };
            self.push(p, !tcp);
        }
        let addrs: Vec<IpAddr> = self.servers.keys().copied().collect();
        for a in addrs {
            loop {
                let s = self.servers.get_mut(&a).unwrap();
                let Some(t) = s.poll_transmit(self.now, &mut self.sbuf).unwrap() else { break };
                let tcp = t.transport == ServerTransport::Tcp;
                let bytes =
                    if tcp { self.sbuf[2..t.len].to_vec() } else { self.sbuf[..t.len].to_vec() };
                let p = Packet::ToResolver {
                    from: SocketAddr::new(a, 53),
                    port: t.dst.port(),
                    bytes,
                    tcp,
                };
                self.push(p, !tcp);
            }
        }
        while let Some(e) = self.r.poll_event() {
            self.events.push((self.now, e));
        }
    }

    fn next_at(&self) -> Option<Instant> {
        let q = self.queue.peek().map(|Reverse((at, ..))| *at);
        [q, self.r.poll_timeout()].into_iter().flatten().min()
    }

    /// One moment: what is due is delivered or fired. False when nothing is left.
    pub fn step(&mut self) -> bool {
        self.drain();
        let Some(at) = self.next_at() else { return false };
        self.now = self.now.max(at);
        while self.queue.peek().is_some_and(|Reverse((at, ..))| *at <= self.now) {
            let Some(Reverse((_, _, p))) = self.queue.pop() else { break };
            match p {
                Packet::ToServer { server, from, bytes, tcp } => {
                    if let Some(s) = self.servers.get_mut(&server) {
                        let tr = if tcp { ServerTransport::Tcp } else { ServerTransport::Udp };
                        s.handle_query(self.now, from, &bytes, tr);
                    }
                }
                Packet::ToResolver { from, port, bytes, tcp } => {
                    if tcp {
                        self.r.handle_stream(self.now, from, &bytes);
                        let me: IpAddr = RESOLVER_V4.parse().unwrap();
                        if let Some(s) = self.servers.get_mut(&from.ip()) {
                            s.handle_tcp_close(SocketAddr::new(me, port));
                        }
                    } else {
                        self.r.handle_datagram(self.now, from, port, &bytes);
                    }
                }
            }
        }
        self.r.handle_timeout(self.now);
        self.drain();
        true
    }

    /// Runs until the resolver has nothing in flight and nothing is queued.
    pub fn settle(&mut self) {
        for _ in 0..100_000 {
            if !self.step() {
                return;
            }
            if self.r.in_flight() == 0 && self.queue.is_empty() {
                self.drain();
                return;
            }
        }
        panic!("the network did not settle");
    }

    /// Asks and runs until the answer; returns the query's event.
    pub fn resolve(&mut self, name: &str, qtype: wirestate_dns::Type) -> Event {
        let n = wirestate_dns::NameBuf::parse_str(name).unwrap();
        let id = self.r.query(self.now, &n, qtype).unwrap();
        let seen = self.events.len();
        self.drain();
        for _ in 0..100_000 {
            if let Some((_, e)) = self.events[seen..].iter().find(|(_, e)| match e {
                Event::Answer(q, _) | Event::Failed(q, _) => *q == id,
                _ => false,
            }) {
                return e.clone();
            }
            if !self.step() {
                break;
            }
        }
        panic!("no event for {name}");
    }
}
