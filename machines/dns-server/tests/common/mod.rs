//! Shared by the behaviour tests: queries built with the codec's `Builder`,
//! a harness that asks a server and drains it, and responses read back into
//! plain values (records as dig prints them).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::{IpAddr, SocketAddr};

use wirestate_dns::{Builder, Class, Header, Message, NameBuf, Opcode, Rcode, Repr, Section, Type};
use wirestate_dns_server::{hierarchy, Config, Server, Transmit, Transport, Zone};
use wirestate_wire::Instant;

/// Where the queries come from.
pub fn client() -> SocketAddr {
    "198.51.100.200:40000".parse().unwrap()
}

/// What to ask.
#[derive(Debug, Clone)]
pub struct Ask {
    pub id: u16,
    pub name: String,
    pub qtype: Type,
    pub qclass: Class,
    pub rd: bool,
    pub cd: bool,
    /// EDNS: (UDP payload size, version, DO).
    pub edns: Option<(u16, u8, bool)>,
    pub transport: Transport,
}

impl Ask {
    /// `name` `qtype` IN over UDP, id 0x1234, RD, EDNS 1232.
    pub fn new(name: &str, qtype: Type) -> Self {
        Ask {
            id: 0x1234,
            name: name.into(),
            qtype,
            qclass: Class::IN,
            rd: true,
            cd: false,
            edns: Some((1232, 0, false)),
            transport: Transport::Udp,
        }
    }
    pub fn no_edns(mut self) -> Self {
        self.edns = None;
        self
    }
    pub fn edns(mut self, size: u16) -> Self {
        self.edns = Some((size, 0, false));
        self
    }
    pub fn tcp(mut self) -> Self {
        self.transport = Transport::Tcp;
        self
    }

    /// The query message (unframed).
    pub fn bytes(&self) -> Vec<u8> {
        let name: NameBuf = self.name.parse().unwrap();
        let header = Header { id: self.id, rd: self.rd, cd: self.cd, ..Header::default() };
        Builder::build_vec(&header, 512, |b| {
            b.question(&name.as_name(), self.qtype, self.qclass)?;
            if let Some((size, version, dnssec_ok)) = self.edns {
                b.edns(size, 0, version, dnssec_ok, &[])?;
            }
            Ok(())
        })
        .unwrap()
    }
}

/// A response read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resp {
    pub header: Header,
    pub rcode: Rcode,
    /// OPT: (UDP payload size, version, DO).
    pub opt: Option<(u16, u8, bool)>,
    /// Questions as `name type`, the name as written on the wire.
    pub question: Vec<String>,
    pub answer: Vec<String>,
    pub authority: Vec<String>,
    pub additional: Vec<String>,
    /// The message's length (the TCP prefix not counted).
    pub len: usize,
}

/// Reads a response (unframed); every record printed as dig prints it.
pub fn read(bytes: &[u8]) -> Resp {
    let msg = Message::new_checked(bytes).unwrap();
    let repr = Repr::parse(&msg).unwrap_or_else(|e| panic!("response does not parse: {e}"));
    let mut resp = Resp {
        header: repr.header,
        rcode: repr.rcode(),
        opt: repr.opt.map(|o| (o.udp_size, o.version, o.dnssec_ok)),
        question: repr
            .questions()
            .map(|q| q.unwrap())
            .map(|q| format!("{} {}", q.name, q.qtype))
            .collect(),
        answer: vec![],
        authority: vec![],
        additional: vec![],
        len: bytes.len(),
    };
    for r in repr.records().map(|r| r.unwrap()) {
        if r.rtype == Type::OPT {
            continue;
        }
        let line = r.to_string();
        match r.section {
            Section::Answer => resp.answer.push(line),
            Section::Authority => resp.authority.push(line),
            Section::Additional => resp.additional.push(line),
        }
    }
    resp
}

/// Drains every response the server owes: (transmit, message bytes unframed).
pub fn drain(server: &mut Server) -> Vec<(Transmit, Vec<u8>)> {
    let mut buf = vec![0u8; server.transmit_buffer_len()];
    let mut out = vec![];
    while let Some(t) = server.poll_transmit(Instant::ZERO, &mut buf).unwrap() {
        let bytes = match t.transport {
            Transport::Udp => buf[..t.len].to_vec(),
            Transport::Tcp => {
                let len = usize::from(u16::from_be_bytes([buf[0], buf[1]]));
                assert_eq!(len + 2, t.len, "the TCP length prefix counts the message");
                buf[2..t.len].to_vec()
            }
        };
        out.push((t, bytes));
    }
    out
}

/// Sends raw `bytes` (framed here for TCP) and returns the one response, if any.
pub fn send(server: &mut Server, bytes: &[u8], transport: Transport) -> Option<Vec<u8>> {
    let framed;
    let input = match transport {
        Transport::Udp => bytes,
        Transport::Tcp => {
            framed = [&(bytes.len() as u16).to_be_bytes()[..], bytes].concat();
            &framed[..]
        }
    };
    server.handle_query(Instant::ZERO, client(), input, transport);
    let mut out = drain(server);
    assert!(out.len() <= 1, "one query, one response");
    out.pop().map(|(t, bytes)| {
        assert_eq!((t.dst, t.transport), (client(), transport));
        bytes
    })
}

/// Asks and reads the response, which must come.
pub fn ask(server: &mut Server, ask: &Ask) -> Resp {
    let bytes = send(server, &ask.bytes(), ask.transport).expect("a response");
    let resp = read(&bytes);
    assert_eq!(resp.header.id, ask.id);
    assert!(resp.header.qr);
    resp
}

/// Asks `name` `qtype` over UDP with EDNS 1232.
pub fn q(server: &mut Server, name: &str, qtype: Type) -> Resp {
    ask(server, &Ask::new(name, qtype))
}

/// The server of the tree at 192.0.2.`d`.
pub fn at(d: u8) -> Server {
    let addr = IpAddr::from([192, 0, 2, d]);
    hierarchy::test_hierarchy().into_iter().find(|(a, _)| *a == addr).unwrap().1
}

/// A server of `example.test.` (the tree's ns1.example.test.).
pub fn example() -> Server {
    at(20)
}

/// A server with `config` serving the zones in `texts`.
pub fn serving(config: Config, texts: &[&str]) -> Server {
    let mut server = Server::new(config);
    for text in texts {
        server.add_zone(Zone::parse(None, text).unwrap());
    }
    server
}

/// The header's opcode as a number.
pub fn opcode(h: &Header) -> Opcode {
    h.opcode
}
