//! Shared by the behaviour tests: a configuration, client messages built with
//! `wirestate_dhcp::Builder`, and a harness that drains the server after each
//! input and reads the replies back.
#![allow(dead_code)]

use core::net::Ipv4Addr;
use core::time::Duration;

use wirestate_dhcp::{code, Builder, Message, MessageType, Route};
use wirestate_dhcp_server::{Config, Event, Server, Transmit};
use wirestate_wire::Instant;

pub const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const OTHER_SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 3);
pub const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 254);
pub const DNS: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 53);
pub const MASK: Ipv4Addr = Ipv4Addr::new(255, 255, 255, 0);
pub const UNSPEC: Ipv4Addr = Ipv4Addr::UNSPECIFIED;

/// The n-th pool address: 10.0.0.10 + n.
pub fn pool(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 0, 10 + n)
}

pub fn mac(n: u8) -> [u8; 6] {
    [2, 0, 0, 0, 0, n]
}

/// A /24 with a pool of 10.0.0.10-20 and every parameter configured.
pub fn config() -> Config {
    Config {
        routers: vec![ROUTER],
        dns_servers: vec![DNS, Ipv4Addr::new(10, 0, 0, 54)],
        domain_name: Some("example.test".into()),
        domain_search: vec!["example.test".parse().unwrap(), "corp.example.test".parse().unwrap()],
        mtu: Some(1400),
        classless_routes: vec![Route {
            destination: Ipv4Addr::new(172, 16, 0, 0),
            prefix_len: 12,
            router: ROUTER,
        }],
        lease_time: Duration::from_secs(1000),
        ..Config::new(SERVER, pool(0), pool(10), MASK)
    }
}

/// A client message of type `mt` from `mac`, edited by `f` before `finish`.
pub fn msg(mt: MessageType, xid: u32, mac: [u8; 6], f: impl FnOnce(&mut Builder<'_>)) -> Vec<u8> {
    let mut buf = vec![0u8; 1500];
    let mut b = Builder::new(&mut buf, mt, xid, &mac).unwrap();
    f(&mut b);
    let len = b.finish().unwrap();
    buf.truncate(len);
    buf
}

pub fn discover(xid: u32, mac: [u8; 6]) -> Vec<u8> {
    msg(MessageType::Discover, xid, mac, |_| {})
}

/// A DHCPREQUEST in SELECTING: server identifier and requested address.
pub fn select(xid: u32, mac: [u8; 6], server: Ipv4Addr, addr: Ipv4Addr) -> Vec<u8> {
    msg(MessageType::Request, xid, mac, |b| {
        b.ipv4(code::SERVER_IDENTIFIER, server).unwrap().ipv4(code::REQUESTED_IP, addr).unwrap();
    })
}

/// A DHCPREQUEST in INIT-REBOOT: requested address only.
pub fn init_reboot(xid: u32, mac: [u8; 6], addr: Ipv4Addr) -> Vec<u8> {
    msg(MessageType::Request, xid, mac, |b| {
        b.ipv4(code::REQUESTED_IP, addr).unwrap();
    })
}

/// A DHCPREQUEST in RENEWING or REBINDING: ciaddr only.
pub fn renew(xid: u32, mac: [u8; 6], ciaddr: Ipv4Addr) -> Vec<u8> {
    msg(MessageType::Request, xid, mac, |b| b.header().set_ciaddr(ciaddr))
}

/// A reply the server sent, read back.
#[derive(Debug, Clone)]
pub struct Reply {
    pub t: Transmit,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn msg(&self) -> Message<&[u8]> {
        Message::new_checked(&self.bytes[..]).unwrap()
    }

    pub fn mt(&self) -> MessageType {
        let v = self.option(code::MESSAGE_TYPE).unwrap();
        MessageType::from_u8(v[0])
    }

    pub fn yiaddr(&self) -> Ipv4Addr {
        self.msg().yiaddr()
    }

    /// The codes of the options, in order (a split option once).
    pub fn codes(&self) -> Vec<u8> {
        let mut codes: Vec<u8> = Vec::new();
        for o in self.msg().options().raw() {
            let o = o.unwrap();
            if !codes.contains(&o.code) {
                codes.push(o.code);
            }
        }
        codes
    }

    /// The value of option `c`, instances joined (RFC 3396).
    pub fn option(&self, c: u8) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        for o in self.msg().options().raw() {
            let o = o.unwrap();
            if o.code == c {
                out.get_or_insert_with(Vec::new).extend_from_slice(o.data);
            }
        }
        out
    }

    pub fn has(&self, c: u8) -> bool {
        self.option(c).is_some()
    }

    pub fn u32(&self, c: u8) -> Option<u32> {
        self.option(c).map(|v| u32::from_be_bytes(v.try_into().unwrap()))
    }

    pub fn ipv4(&self, c: u8) -> Option<Ipv4Addr> {
        self.option(c).map(|v| Ipv4Addr::from(<[u8; 4]>::try_from(v).unwrap()))
    }
}

/// A server, a virtual clock, and the replies and events of the last input.
pub struct Harness {
    pub server: Server,
    pub now: Instant,
}

impl Harness {
    pub fn new(cfg: Config) -> Self {
        Harness { server: Server::new(cfg), now: Instant::from_millis(1_000) }
    }

    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.server.handle_timeout(self.now);
    }

    /// Hands `payload` to the server from `src` and drains its replies.
    pub fn send_from(&mut self, src: Ipv4Addr, payload: &[u8]) -> Vec<Reply> {
        self.server.handle_message(self.now, src, payload);
        self.drain()
    }

    /// As `send_from` 0.0.0.0, expecting at most one reply.
    pub fn send(&mut self, payload: &[u8]) -> Option<Reply> {
        let mut r = self.send_from(UNSPEC, payload);
        assert!(r.len() <= 1, "more than one reply: {r:?}");
        r.pop()
    }

    pub fn drain(&mut self) -> Vec<Reply> {
        let mut buf = vec![0u8; self.server.transmit_buffer_len()];
        let mut out = Vec::new();
        while let Some(t) = self.server.poll_transmit(self.now, &mut buf).unwrap() {
            out.push(Reply { t, bytes: buf[..t.len].to_vec() });
        }
        out
    }

    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.server.poll_event()).collect()
    }

    /// DISCOVER, OFFER, REQUEST, ACK for `mac`; returns the address leased.
    pub fn dora(&mut self, xid: u32, mac: [u8; 6]) -> Ipv4Addr {
        let offer = self.send(&discover(xid, mac)).expect("an offer");
        assert_eq!(offer.mt(), MessageType::Offer);
        let addr = offer.yiaddr();
        let ack = self.send(&select(xid + 1, mac, SERVER, addr)).expect("an ack");
        assert_eq!((ack.mt(), ack.yiaddr()), (MessageType::Ack, addr));
        addr
    }
}
