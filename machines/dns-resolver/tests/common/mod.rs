//! Scripted servers for the resolver tests: replies built with the codec's
//! builder from zone-file lines, and a harness that drains the resolver.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod net;

use std::net::{IpAddr, SocketAddr};

use wirestate_dns::{Builder, Class, Header, Message, NameBuf, Rcode, RecordBuf, Section, Type};
use wirestate_dns_resolver::{Config, Event, Resolver, SeededRandom, Transmit, Transport};
use wirestate_wire::Instant;

pub fn name(s: &str) -> NameBuf {
    NameBuf::parse_str(s).unwrap()
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A query the resolver sent, read back.
#[derive(Debug, Clone)]
pub struct Sent {
    pub t: Transmit,
    pub id: u16,
    pub name: NameBuf,
    pub qtype: Type,
    pub rd: bool,
    pub edns: bool,
    pub bytes: Vec<u8>,
}

impl Sent {
    pub fn server(&self) -> IpAddr {
        self.t.dst.ip()
    }
}

/// A reply to build: rcode, flags and sections as zone-file lines.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub rcode: u8,
    pub aa: bool,
    pub tc: bool,
    pub answer: Vec<String>,
    pub authority: Vec<String>,
    pub additional: Vec<String>,
    /// Overrides: another id, another question name.
    pub id: Option<u16>,
    pub qname: Option<NameBuf>,
    pub edns: bool,
}

impl Reply {
    pub fn answer(lines: &[&str]) -> Reply {
        Reply {
            aa: true,
            answer: lines.iter().map(|s| s.to_string()).collect(),
            ..Reply::default()
        }
    }
    pub fn referral(ns: &[&str], glue: &[&str]) -> Reply {
        Reply {
            authority: ns.iter().map(|s| s.to_string()).collect(),
            additional: glue.iter().map(|s| s.to_string()).collect(),
            ..Reply::default()
        }
    }
    pub fn nxdomain(soa: &str) -> Reply {
        Reply { rcode: 3, aa: true, authority: vec![soa.to_string()], ..Reply::default() }
    }
    pub fn nodata(soa: &str) -> Reply {
        Reply { aa: true, authority: vec![soa.to_string()], ..Reply::default() }
    }
    pub fn rcode(rcode: u8) -> Reply {
        Reply { rcode, ..Reply::default() }
    }

    /// The reply to `q`, as bytes (framed when `q` went over TCP... no: the
    /// harness strips the frame; these are bare messages).
    pub fn to(&self, q: &Sent) -> Vec<u8> {
        let mut buf = vec![0u8; 65_535];
        let header = Header {
            id: self.id.unwrap_or(q.id),
            qr: true,
            aa: self.aa,
            tc: self.tc,
            rd: q.rd,
            ra: q.rd,
            rcode: self.rcode,
            ..Header::default()
        };
        let mut b = Builder::new(&mut buf, &header).unwrap();
        let qname = self.qname.unwrap_or(q.name);
        b.question(&qname.as_name(), q.qtype, Class::IN).unwrap();
        for (section, lines) in [
            (Section::Answer, &self.answer),
            (Section::Authority, &self.authority),
            (Section::Additional, &self.additional),
        ] {
            for line in lines {
                let r = RecordBuf::parse_line(line).unwrap();
                b.push(section, &r.name.as_name(), r.class, r.ttl, &r.data().unwrap()).unwrap();
            }
        }
        if self.edns {
            b.edns(1232, 0, 0, false, &[]).unwrap();
        }
        let len = b.finish();
        buf.truncate(len);
        buf
    }
}

/// The resolver, a clock, and everything it said.
pub struct H {
    pub r: Resolver<SeededRandom>,
    pub now: Instant,
    pub buf: Vec<u8>,
    pub events: Vec<Event>,
}

impl H {
    pub fn new(config: Config) -> H {
        let r = Resolver::new(config, SeededRandom::new(11));
        let buf = vec![0u8; r.transmit_buffer_len()];
        H { r, now: Instant::from_millis(1_000), buf, events: Vec::new() }
    }

    /// A resolver with one root server, 192.0.2.1 (a.root.test.).
    pub fn iterative() -> H {
        H::new(Config::iterative(vec![(name("a.root.test."), ip("192.0.2.1"))]))
    }

    pub fn sent(&mut self) -> Vec<Sent> {
        let mut out = Vec::new();
        while let Some(t) = self.r.poll_transmit(self.now, &mut self.buf).unwrap() {
            let raw = &self.buf[..t.len];
            let bytes =
                if t.transport == Transport::Tcp { raw[2..].to_vec() } else { raw.to_vec() };
            let m = Message::new_checked(&bytes[..]).unwrap();
            let q = m.questions().next().unwrap().unwrap();
            let edns = m.opt().unwrap().is_some();
            out.push(Sent {
                t,
                id: m.id(),
                name: NameBuf::from_name(&q.name),
                qtype: q.qtype,
                rd: m.rd(),
                edns,
                bytes: bytes.clone(),
            });
        }
        while let Some(e) = self.r.poll_event() {
            self.events.push(e);
        }
        out
    }

    pub fn one(&mut self) -> Sent {
        let mut s = self.sent();
        assert_eq!(s.len(), 1, "expected one query: {s:?}");
        s.remove(0)
    }

    /// Delivers `reply` to `q` from its server, on its port (or its stream).
    pub fn answer(&mut self, q: &Sent, reply: &Reply) {
        self.deliver(q, q.t.dst, &reply.to(q));
    }

    pub fn deliver(&mut self, q: &Sent, from: SocketAddr, bytes: &[u8]) {
        match q.t.transport {
            Transport::Udp => self.r.handle_datagram(self.now, from, q.t.src_port, bytes),
            Transport::Tcp => self.r.handle_stream(self.now, from, bytes),
        }
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        while let Some(e) = self.r.poll_event() {
            self.events.push(e);
        }
        std::mem::take(&mut self.events)
    }

    /// Leaves every query unanswered and runs the deadlines until an event
    /// comes; returns the events.
    pub fn silent_until_event(&mut self) -> Vec<Event> {
        loop {
            self.sent();
            self.fire();
            let e = self.take_events();
            if !e.is_empty() {
                return e;
            }
        }
    }

    pub fn fire(&mut self) {
        let at = self.r.poll_timeout().expect("a deadline");
        self.now = self.now.max(at);
        self.r.handle_timeout(self.now);
    }
}

pub const SOA_TEST: &str =
    "example.test. 3600 IN SOA ns1.example.test. host.example.test. 1 7200 900 1209600 300";

pub fn rcode_of(e: &Event) -> Option<Rcode> {
    match e {
        Event::Answer(_, a) => Some(a.rcode),
        _ => None,
    }
}
