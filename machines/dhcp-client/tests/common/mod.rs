//! Scripted servers for the client tests: replies built with the codec's
//! builder, a harness that drains the client after every input, and a reader for
//! what the client sent.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod link;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use wirestate_dhcp::{code, Builder, Message, MessageType, RawOptions};
use wirestate_dhcp_client::{Client, Config, Event, SeededRandom, Transmit};
use wirestate_wire::Instant;

pub const MAC: [u8; 6] = [2, 0, 0, 0, 0, 0x42];
pub const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const OTHER_SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const ADDR: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 50);
pub const MASK: Ipv4Addr = Ipv4Addr::new(255, 255, 255, 0);

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A server reply to build.
#[derive(Debug, Clone)]
pub struct Reply {
    pub mt: Option<MessageType>,
    pub xid: u32,
    pub chaddr: Vec<u8>,
    pub yiaddr: Ipv4Addr,
    pub server: Option<Ipv4Addr>,
    pub lease: Option<u32>,
    pub t1: Option<u32>,
    pub t2: Option<u32>,
    pub mask: Option<Ipv4Addr>,
    pub routers: Vec<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
    pub rapid_commit: bool,
    pub extra: Vec<(u8, Vec<u8>)>,
}

impl Reply {
    pub fn new(mt: MessageType, xid: u32) -> Self {
        Reply {
            mt: Some(mt),
            xid,
            chaddr: MAC.to_vec(),
            yiaddr: if mt == MessageType::Nak { Ipv4Addr::UNSPECIFIED } else { ADDR },
            server: Some(SERVER),
            lease: (mt != MessageType::Nak).then_some(3600),
            t1: None,
            t2: None,
            mask: Some(MASK),
            routers: vec![SERVER],
            dns: vec![Ipv4Addr::new(10, 0, 0, 53)],
            rapid_commit: false,
            extra: Vec::new(),
        }
    }
    pub fn offer(xid: u32) -> Self {
        Self::new(MessageType::Offer, xid)
    }
    pub fn ack(xid: u32) -> Self {
        Self::new(MessageType::Ack, xid)
    }
    pub fn nak(xid: u32) -> Self {
        let mut r = Self::new(MessageType::Nak, xid);
        (r.mask, r.routers, r.dns) = (None, vec![], vec![]);
        r
    }
    pub fn from(mut self, server: Ipv4Addr) -> Self {
        self.server = Some(server);
        self
    }
    pub fn yiaddr(mut self, a: Ipv4Addr) -> Self {
        self.yiaddr = a;
        self
    }
    pub fn lease(mut self, l: Option<u32>) -> Self {
        self.lease = l;
        self
    }
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; 1500];
        let mt = self.mt.unwrap_or(MessageType::Ack);
        let mut b = Builder::new(&mut out, mt, self.xid, &self.chaddr).unwrap();
        b.header().set_yiaddr(self.yiaddr);
        if let Some(s) = self.server {
            b.ipv4(code::SERVER_IDENTIFIER, s).unwrap();
        }
        if let Some(l) = self.lease {
            b.u32(code::LEASE_TIME, l).unwrap();
        }
        if let Some(t) = self.t1 {
            b.u32(code::RENEWAL_TIME, t).unwrap();
        }
        if let Some(t) = self.t2 {
            b.u32(code::REBINDING_TIME, t).unwrap();
        }
        if self.rapid_commit {
            b.option(code::RAPID_COMMIT, &[]).unwrap();
        }
        if let Some(m) = self.mask {
            b.ipv4(code::SUBNET_MASK, m).unwrap();
        }
        if !self.routers.is_empty() {
            b.addrs(code::ROUTER, &self.routers).unwrap();
        }
        if !self.dns.is_empty() {
            b.addrs(code::DOMAIN_NAME_SERVER, &self.dns).unwrap();
        }
        for (c, v) in &self.extra {
            b.option(*c, v).unwrap();
        }
        let len = b.finish().unwrap();
        out.truncate(len);
        out
    }
}

/// A BOOTP reply (RFC 951) of 300 octets: `op` 2, Ethernet, `xid`, `yiaddr`
/// ADDR, `siaddr` SERVER, `chaddr` MAC, and no magic cookie (the vendor area
/// zero, for the caller to fill).
pub fn bootp_reply(xid: u32) -> Vec<u8> {
    let mut bootp = vec![0u8; 300];
    (bootp[0], bootp[1], bootp[2]) = (2, 1, 6);
    bootp[4..8].copy_from_slice(&xid.to_be_bytes());
    bootp[16..20].copy_from_slice(&ADDR.octets());
    bootp[20..24].copy_from_slice(&SERVER.octets());
    bootp[28..34].copy_from_slice(&MAC);
    bootp
}

/// What the client sent, read back.
#[derive(Debug, Clone)]
pub struct Sent {
    pub t: Transmit,
    pub mt: MessageType,
    pub xid: u32,
    pub secs: u16,
    pub flags: u16,
    pub ciaddr: Ipv4Addr,
    pub chaddr: Vec<u8>,
    pub options: BTreeMap<u8, Vec<u8>>,
    pub bytes: Vec<u8>,
}

impl Sent {
    pub fn read(t: Transmit, bytes: &[u8]) -> Sent {
        let m = Message::new_checked(bytes).unwrap();
        let mut options = BTreeMap::new();
        for o in RawOptions::new(bytes) {
            let o = o.unwrap();
            options.entry(o.code).or_insert_with(Vec::new).extend_from_slice(o.data);
        }
        assert!(!m.end_option_missing(), "the client always ends its options");
        let mt = MessageType::from_u8(options[&code::MESSAGE_TYPE][0]);
        Sent {
            t,
            mt,
            xid: m.xid(),
            secs: m.secs(),
            flags: m.flags(),
            ciaddr: m.ciaddr(),
            chaddr: m.client_hw_addr().to_vec(),
            options,
            bytes: bytes.to_vec(),
        }
    }
    pub fn opt_addr(&self, c: u8) -> Option<Ipv4Addr> {
        self.options.get(&c).map(|v| Ipv4Addr::new(v[0], v[1], v[2], v[3]))
    }
}

/// The client, a clock, and everything it said.
pub struct H {
    pub c: Client<SeededRandom>,
    pub now: Instant,
    pub buf: Vec<u8>,
    pub events: Vec<Event>,
}

impl H {
    pub fn new(config: Config) -> H {
        let c = Client::new(config, SeededRandom::new(7));
        let buf = vec![0u8; c.transmit_buffer_len()];
        H { c, now: Instant::from_millis(1_000), buf, events: Vec::new() }
    }
    /// A client without ARP probing.
    pub fn plain() -> H {
        let mut config = Config::new(MAC);
        config.conflict_detection = false;
        H::new(config)
    }
    /// Everything owed, read back; events collected.
    pub fn sent(&mut self) -> Vec<Sent> {
        let mut out = Vec::new();
        while let Some(t) = self.c.poll_transmit(self.now, &mut self.buf).unwrap() {
            out.push(Sent::read(t, &self.buf[..t.len]));
        }
        while let Some(e) = self.c.poll_event() {
            self.events.push(e);
        }
        out
    }
    /// Exactly one message owed.
    pub fn one(&mut self) -> Sent {
        let mut s = self.sent();
        assert_eq!(s.len(), 1, "expected one message, got {s:?}");
        s.remove(0)
    }
    pub fn take_events(&mut self) -> Vec<Event> {
        self.sent_none_check();
        std::mem::take(&mut self.events)
    }
    fn sent_none_check(&mut self) {
        while let Some(e) = self.c.poll_event() {
            self.events.push(e);
        }
    }
    pub fn reply(&mut self, src: Ipv4Addr, r: &Reply) {
        self.c.handle_message(self.now, src, &r.bytes());
    }
    /// Moves the clock to the next deadline and runs it; returns the gap.
    pub fn fire(&mut self) -> Duration {
        let at = self.c.poll_timeout().expect("a timer is armed");
        let gap = at.saturating_duration_since(self.now);
        self.now = at.max(self.now);
        self.c.handle_timeout(self.now);
        gap
    }
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.c.handle_timeout(self.now);
    }
    /// DISCOVER, OFFER, REQUEST, ACK with the given ACK; returns the REQUEST.
    pub fn dora(&mut self, ack: impl FnOnce(u32) -> Reply) -> Sent {
        self.c.start(self.now).unwrap();
        let d = self.one();
        assert_eq!(d.mt, MessageType::Discover);
        self.reply(SERVER, &Reply::offer(d.xid));
        let r = self.one();
        assert_eq!(r.mt, MessageType::Request);
        self.reply(SERVER, &ack(r.xid));
        r
    }
}
