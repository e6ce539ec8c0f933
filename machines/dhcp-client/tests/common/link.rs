//! A small lossy in-memory link joining one client to a `wirestate-dhcp-server`:
//! each datagram may be lost, duplicated or delayed (and so reordered), all from
//! a seed. ARP probes are answered by the hosts listed as occupying addresses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::Ipv4Addr;
use std::time::Duration;

use wirestate_dhcp_client::{Client, Config, Entropy, Event, SeededRandom};
use wirestate_dhcp_server::{Config as ServerConfig, Server};
use wirestate_wire::Instant;

pub const SERVER_ID: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const OCCUPANT_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0x99];

/// What the link does to each datagram, per mille and in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkConfig {
    pub loss_per_mille: u32,
    pub dup_per_mille: u32,
    pub max_delay_ms: u32,
}

/// A datagram on the wire: when it arrives, a tie-breaking sequence number,
/// its direction, its octets and its IP source.
type InFlight = (Instant, u64, Dir, Vec<u8>, Ipv4Addr);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Dir {
    ToServer,
    ToClient,
}

/// Something the test saw, with its time.
#[derive(Debug, Clone)]
pub enum Seen {
    Client(Event),
    Server(wirestate_dhcp_server::Event),
    /// A message the client sent: its type (option 53) and destination.
    ClientSent(u8, Ipv4Addr),
    /// A message the server sent: its type and `yiaddr`.
    ServerSent(u8, Ipv4Addr),
}

pub struct Net {
    pub client: Client<SeededRandom>,
    pub server: Server,
    pub now: Instant,
    pub link: LinkConfig,
    /// The server answers nothing while down.
    pub server_down: bool,
    /// Addresses another host already uses (it answers probes for them).
    pub occupied: Vec<Ipv4Addr>,
    pub log: Vec<(Instant, Seen)>,
    /// Every message the client sent: when, its type and its xid.
    pub client_tx: Vec<(Instant, u8, u32)>,
    rng: SeededRandom,
    queue: BinaryHeap<Reverse<InFlight>>,
    seq: u64,
    cbuf: Vec<u8>,
    sbuf: Vec<u8>,
}

pub fn server_config() -> ServerConfig {
    let mut c = ServerConfig::new(
        SERVER_ID,
        Ipv4Addr::new(192, 0, 2, 100),
        Ipv4Addr::new(192, 0, 2, 120),
        Ipv4Addr::new(255, 255, 255, 0),
    );
    c.routers = vec![SERVER_ID];
    c.dns_servers = vec![Ipv4Addr::new(192, 0, 2, 53)];
    c.domain_name = Some("example.test".into());
    c.mtu = Some(1500);
    c
}

fn message_type(bytes: &[u8]) -> (u8, Ipv4Addr) {
    let m = wirestate_dhcp::Message::new_checked(bytes).unwrap();
    let t = m
        .options()
        .find_map(|o| match o {
            Ok(wirestate_dhcp::DhcpOption::MessageType(t)) => Some(t.to_u8()),
            _ => None,
        })
        .unwrap_or(0);
    (t, m.yiaddr())
}

impl Net {
    pub fn new(client: Config, server: ServerConfig, link: LinkConfig, seed: u64) -> Net {
        let client = Client::new(client, SeededRandom::new(seed));
        let server = Server::new(server);
        let cbuf = vec![0u8; client.transmit_buffer_len()];
        let sbuf = vec![0u8; server.transmit_buffer_len()];
        Net {
            client,
            server,
            now: Instant::from_millis(1_000),
            link,
            server_down: false,
            occupied: Vec::new(),
            log: Vec::new(),
            client_tx: Vec::new(),
            rng: SeededRandom::new(seed ^ 0x5eed),
            queue: BinaryHeap::new(),
            seq: 0,
            cbuf,
            sbuf,
        }
    }

    fn chance(&mut self, per_mille: u32) -> bool {
        per_mille > 0 && self.rng.next_u32() % 1000 < per_mille
    }

    fn send(&mut self, dir: Dir, bytes: Vec<u8>, src: Ipv4Addr) {
        if self.chance(self.link.loss_per_mille) {
            return;
        }
        let copies = if self.chance(self.link.dup_per_mille) { 2 } else { 1 };
        for _ in 0..copies {
            let delay = match self.link.max_delay_ms {
                0 => 0,
                m => self.rng.next_u32() % (m + 1),
            };
            let at = self.now + Duration::from_millis(u64::from(delay));
            self.seq += 1;
            self.queue.push(Reverse((at, self.seq, dir.clone(), bytes.clone(), src)));
        }
    }

    /// Drains both machines' output and events into the link and the log.
    pub fn drain(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.client.poll_transmit(self.now, &mut self.cbuf).unwrap() {
                let bytes = self.cbuf[..t.len].to_vec();
                let (mt, _) = message_type(&bytes);
                self.log.push((self.now, Seen::ClientSent(mt, t.dst)));
                let xid = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
                self.client_tx.push((self.now, mt, xid));
                if t.dst.is_broadcast() || t.dst == SERVER_ID {
                    self.send(Dir::ToServer, bytes, t.src);
                }
                moved = true;
            }
            while let Some(t) = self.server.poll_transmit(self.now, &mut self.sbuf).unwrap() {
                let bytes = self.sbuf[..t.len].to_vec();
                let (mt, yiaddr) = message_type(&bytes);
                self.log.push((self.now, Seen::ServerSent(mt, yiaddr)));
                self.send(Dir::ToClient, bytes, t.src);
                moved = true;
            }
            while let Some(e) = self.client.poll_event() {
                if let Event::Probe(a) = e {
                    if self.occupied.contains(&a) {
                        // The occupant answers the probe (RFC 5227 §2.1.1).
                        self.client.handle_arp(self.now, &OCCUPANT_MAC, a, Ipv4Addr::UNSPECIFIED);
                        moved = true;
                    }
                }
                self.log.push((self.now, Seen::Client(e)));
            }
            while let Some(e) = self.server.poll_event() {
                self.log.push((self.now, Seen::Server(e)));
            }
            if !moved {
                return;
            }
        }
    }

    /// The next moment anything happens.
    pub fn next_at(&self) -> Option<Instant> {
        let queued = self.queue.peek().map(|Reverse((at, ..))| *at);
        [self.client.poll_timeout(), self.server.poll_timeout(), queued].into_iter().flatten().min()
    }

    /// Runs one moment: the deliveries and timers due at the next time.
    pub fn step(&mut self) -> bool {
        self.drain();
        let Some(at) = self.next_at() else { return false };
        self.now = self.now.max(at);
        while let Some(Reverse((at, ..))) = self.queue.peek() {
            if *at > self.now {
                break;
            }
            let Some(Reverse((_, _, dir, bytes, src))) = self.queue.pop() else { break };
            match dir {
                Dir::ToServer if !self.server_down => {
                    self.server.handle_message(self.now, src, &bytes)
                }
                Dir::ToServer => {}
                Dir::ToClient => self.client.handle_message(self.now, src, &bytes),
            }
        }
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.drain();
        true
    }

    /// Steps until `done` holds or `limit` of virtual time has passed; true if
    /// `done` held.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&Net) -> bool) -> bool {
        let end = self.now + limit;
        self.drain();
        while !done(self) {
            if self.next_at().is_none_or(|at| at > end) {
                self.now = end.max(self.now);
                return done(self);
            }
            self.step();
        }
        true
    }

    /// Runs for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(d, |_| false);
    }

    /// The client's messages of type `mt` sent so far.
    pub fn client_sent(&self, mt: u8) -> usize {
        self.log.iter().filter(|(_, s)| matches!(s, Seen::ClientSent(t, _) if *t == mt)).count()
    }
    /// The server's messages of type `mt` sent so far.
    pub fn server_sent(&self, mt: u8) -> usize {
        self.log.iter().filter(|(_, s)| matches!(s, Seen::ServerSent(t, _) if *t == mt)).count()
    }
}
