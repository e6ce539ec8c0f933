//! The resolver (stub and iterative) under arbitrary replies, raw datagrams,
//! timer runs and queries: no panic, memory bounded (queries in flight, cache,
//! server table), at most one event per query, and every query answered or
//! failed once its time is up.
#![no_main]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wirestate_dns::{Builder, Class, Header, Message, NameBuf, RecordBuf, Section, Type};
use wirestate_dns_resolver::{Config, Event, Resolver, SeededRandom, Transport};
use wirestate_wire::Instant;

const NAMES: [&str; 8] = [
    ".",
    "test.",
    "example.test.",
    "www.example.test.",
    "ns1.example.test.",
    "other.test.",
    "ns.other.test.",
    "a.b.c.example.test.",
];
const TYPES: [Type; 6] = [Type::A, Type::AAAA, Type::NS, Type::CNAME, Type::SOA, Type::TXT];

#[derive(Debug, Arbitrary)]
struct Rec {
    section: u8,
    owner: u8,
    rtype: u8,
    target: u8,
    addr: u8,
    ttl: u16,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Query {
        name: u8,
        rtype: u8,
    },
    Reply {
        which: u8,
        wrong_id: bool,
        rcode: u8,
        aa: bool,
        tc: bool,
        echo_case: bool,
        records: Vec<Rec>,
    },
    Raw {
        which: u8,
        bytes: Vec<u8>,
    },
    Advance(u16),
    Timeout,
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: u64,
    stub: bool,
    minimise: bool,
    stale: bool,
    ops: Vec<Op>,
}

fn record_line(r: &Rec) -> String {
    let owner = NAMES[usize::from(r.owner) % NAMES.len()];
    let target = NAMES[usize::from(r.target) % NAMES.len()];
    let ttl = r.ttl;
    match TYPES[usize::from(r.rtype) % TYPES.len()] {
        Type::A => format!("{owner} {ttl} IN A 192.0.2.{}", r.addr),
        Type::AAAA => format!("{owner} {ttl} IN AAAA 2001:db8::{:x}", r.addr),
        Type::NS => format!("{owner} {ttl} IN NS {target}"),
        Type::CNAME => format!("{owner} {ttl} IN CNAME {target}"),
        Type::SOA => format!("{owner} {ttl} IN SOA {target} h.test. 1 2 3 4 {}", r.addr),
        _ => format!("{owner} {ttl} IN TXT \"x{}\"", r.addr),
    }
}

fn build_reply(q: &[u8], op: &Op) -> Option<Vec<u8>> {
    let Op::Reply { wrong_id, rcode, aa, tc, echo_case, records, .. } = op else { return None };
    let m = Message::new_checked(q).ok()?;
    let question = m.questions().next()?.ok()?;
    let mut name = NameBuf::from_name(&question.name);
    if !echo_case {
        name = NameBuf::parse_str(&name.to_string().to_lowercase()).ok()?;
    }
    let header = Header {
        id: m.id() ^ u16::from(*wrong_id),
        qr: true,
        aa: *aa,
        tc: *tc,
        rd: m.rd(),
        rcode: rcode % 6,
        ..Header::default()
    };
    let mut buf = vec![0u8; 4096];
    let mut b = Builder::new(&mut buf, &header).ok()?;
    b.question(&name.as_name(), question.qtype, Class::IN).ok()?;
    let mut sorted: Vec<&Rec> = records.iter().take(24).collect();
    sorted.sort_by_key(|r| r.section % 3);
    for r in sorted {
        let line = record_line(r);
        let rb = RecordBuf::parse_line(&line).ok()?;
        let section =
            [Section::Answer, Section::Authority, Section::Additional][usize::from(r.section % 3)];
        let _ = b.push(section, &rb.name.as_name(), rb.class, rb.ttl, &rb.data().ok()?);
    }
    let len = b.finish();
    buf.truncate(len);
    Some(buf)
}

fuzz_target!(|input: Input| {
    let root = vec![(
        NameBuf::parse_str("a.root.test.").unwrap(),
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
    )];
    let mut config = if input.stub {
        Config::stub(vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 53)), 53)])
    } else {
        Config::iterative(root)
    };
    config.qname_minimisation = input.minimise;
    config.serve_stale = input.stale.then_some(Duration::from_secs(600));
    config.max_queries = 16;
    config.cache_entries = 64;
    config.infra_entries = 16;
    let mut r = Resolver::new(config, SeededRandom::new(input.seed));
    let mut now = Instant::from_millis(1);
    let mut buf = vec![0u8; r.transmit_buffer_len()];
    // Queries sent and not yet answered by this harness: (bytes, dst, port, tcp).
    let mut out: Vec<(Vec<u8>, SocketAddr, u16, bool)> = Vec::new();
    let mut asked = 0usize;
    let mut events: BTreeMap<wirestate_dns_resolver::QueryId, usize> = BTreeMap::new();
    let mut step = |r: &mut Resolver<SeededRandom>,
                    now: Instant,
                    out: &mut Vec<_>,
                    events: &mut BTreeMap<_, _>| {
        while let Ok(Some(t)) = r.poll_transmit(now, &mut buf) {
            let bytes = if t.transport == Transport::Tcp {
                buf[2..t.len].to_vec()
            } else {
                buf[..t.len].to_vec()
            };
            assert!(Message::new_checked(&bytes[..]).is_ok());
            out.push((bytes, t.dst, t.src_port, t.transport == Transport::Tcp));
            if out.len() > 64 {
                out.remove(0);
            }
        }
        while let Some(e) = r.poll_event() {
            let id = match e {
                Event::Answer(id, _) | Event::Failed(id, _) => id,
                _ => continue,
            };
            *events.entry(id).or_default() += 1;
        }
    };
    for op in input.ops.iter().take(200) {
        match op {
            Op::Query { name, rtype } => {
                let n = NameBuf::parse_str(NAMES[usize::from(*name) % NAMES.len()]).unwrap();
                if r.query(now, &n, TYPES[usize::from(*rtype) % TYPES.len()]).is_ok() {
                    asked += 1;
                }
            }
            Op::Reply { which, .. } | Op::Raw { which, .. } if !out.is_empty() => {
                let i = usize::from(*which) % out.len();
                let (q, dst, port, tcp) = out.remove(i);
                let bytes = match op {
                    Op::Raw { bytes, .. } => Some(bytes.clone()),
                    _ => build_reply(&q, op),
                };
                if let Some(bytes) = bytes {
                    if tcp {
                        r.handle_stream(now, dst, &bytes);
                    } else {
                        r.handle_datagram(now, dst, port, &bytes);
                    }
                }
            }
            Op::Advance(ms) => now += Duration::from_millis(u64::from(*ms)),
            Op::Timeout => {
                if let Some(at) = r.poll_timeout() {
                    now = now.max(at);
                }
                r.handle_timeout(now);
            }
            _ => {}
        }
        step(&mut r, now, &mut out, &mut events);
        assert!(r.in_flight() <= 16);
        assert!(r.cache_len() <= 64);
        assert!(r.servers_known() <= 16);
        assert!(events.values().all(|&n| n == 1), "a query got two events");
    }
    // Time runs out for everything left: each query ends exactly once.
    for _ in 0..10_000 {
        let Some(at) = r.poll_timeout() else { break };
        now = now.max(at);
        r.handle_timeout(now);
        step(&mut r, now, &mut out, &mut events);
    }
    assert_eq!(r.in_flight(), 0);
    assert_eq!(events.len(), asked, "every query ended once");
    assert!(events.values().all(|&n| n == 1));
});
