//! The resolver. `dns_resolver_cache_hit`: a whole `query` call answered from
//! the cache and its event taken, over 1 000 names filled through the stub from
//! scripted answers (one to four A records each, some behind a CNAME); the
//! target is at least 5 M lookups per second on one core.
//! `dns_resolver_cold_iterative`: a fresh resolver resolving www.example.test.
//! from the root through the test hierarchy of wirestate-dns-server machines,
//! delivered in memory with no delay (the message count and the virtual time
//! over a delaying link are in the hierarchy test). No peer: no Rust resolver
//! exposes its cache path or its resolution without its IO.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{IpAddr, SocketAddr};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wirestate_dns::{Builder, Class, Header, Message, NameBuf, RecordBuf, Section, Type};
use wirestate_dns_resolver::{Config, Event, Resolver, SeededRandom, Transport};
use wirestate_dns_server::{hierarchy, Server, Transport as ServerTransport};
use wirestate_wire::Instant;

const NAMES: usize = 1000;

fn warmed() -> (Resolver, Vec<NameBuf>) {
    let server: SocketAddr = "192.0.2.53:53".parse().unwrap();
    let mut config = Config::stub(vec![server]);
    config.cache_entries = 4 * NAMES;
    let mut r = Resolver::new(config, SeededRandom::new(5));
    let now = Instant::from_millis(1);
    let mut names = Vec::new();
    let mut buf = vec![0u8; r.transmit_buffer_len()];
    for i in 0..NAMES {
        let name = NameBuf::parse_str(&format!("host{i}.example.test.")).unwrap();
        r.query(now, &name, Type::A).unwrap();
        let t = r.poll_transmit(now, &mut buf).unwrap().unwrap();
        let q = Message::new_checked(&buf[..t.len]).unwrap();
        let question = q.questions().next().unwrap().unwrap();
        let mut lines = Vec::new();
        let owner = if i % 5 == 0 {
            lines.push(format!("{name} 3600 IN CNAME web{i}.example.test."));
            format!("web{i}.example.test.")
        } else {
            name.to_string()
        };
        for k in 0..=(i % 4) {
            lines.push(format!("{owner} 3600 IN A 192.0.2.{}", k + 1));
        }
        let mut out = vec![0u8; 1500];
        let header = Header { id: q.id(), qr: true, rd: true, ra: true, ..Header::default() };
        let mut b = Builder::new(&mut out, &header).unwrap();
        b.question(&question.name, Type::A, Class::IN).unwrap();
        for l in &lines {
            let rb = RecordBuf::parse_line(l).unwrap();
            b.push(Section::Answer, &rb.name.as_name(), rb.class, rb.ttl, &rb.data().unwrap())
                .unwrap();
        }
        let len = b.finish();
        r.handle_datagram(now, server, t.src_port, &out[..len]);
        assert!(matches!(r.poll_event(), Some(Event::Answer(..))));
        names.push(name);
    }
    (r, names)
}

fn bench_cache_hit(c: &mut Criterion) {
    let (mut r, names) = warmed();
    let now = Instant::from_millis(2);
    let mut g = c.benchmark_group("dns_resolver_cache_hit");
    g.throughput(Throughput::Elements(1));
    let mut i = 0usize;
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| {
            i = (i + 7) % names.len();
            r.query(now, black_box(&names[i]), Type::A).unwrap();
            match r.poll_event() {
                Some(Event::Answer(_, a)) => black_box(a.addresses().next()),
                other => panic!("{other:?}"),
            }
        })
    });
    g.finish();
    assert_eq!(r.stats().cache_hits, r.stats().queries - NAMES as u64);
}

/// Resolves `name` A from scratch through `servers`; returns the messages sent.
fn cold(servers: &mut [(IpAddr, Server)], name: &NameBuf, seed: u64) -> usize {
    let hints = hierarchy::ROOT_SERVERS
        .iter()
        .map(|a| (NameBuf::parse_str("a.root-servers.test.").unwrap(), *a))
        .collect();
    let mut r = Resolver::new(Config::iterative(hints), SeededRandom::new(seed));
    let now = Instant::from_millis(1);
    let me: IpAddr = "198.51.100.53".parse().unwrap();
    let (mut rbuf, mut sbuf) = (vec![0u8; r.transmit_buffer_len()], vec![0u8; 65_537]);
    r.query(now, name, Type::A).unwrap();
    let mut sent = 0;
    while let Some(t) = r.poll_transmit(now, &mut rbuf).unwrap() {
        sent += 1;
        let tcp = t.transport == Transport::Tcp;
        let (_, s) = servers.iter_mut().find(|(a, _)| *a == t.dst.ip()).unwrap();
        let tr = if tcp { ServerTransport::Tcp } else { ServerTransport::Udp };
        s.handle_query(now, SocketAddr::new(me, t.src_port), &rbuf[..t.len], tr);
        let reply = s.poll_transmit(now, &mut sbuf).unwrap().unwrap();
        if tcp {
            r.handle_stream(now, t.dst, &sbuf[2..reply.len]);
        } else {
            r.handle_datagram(now, t.dst, t.src_port, &sbuf[..reply.len]);
        }
    }
    assert!(matches!(r.poll_event(), Some(Event::Answer(..))));
    sent
}

fn bench_cold(c: &mut Criterion) {
    let servers = hierarchy::test_hierarchy();
    let name = NameBuf::parse_str("www.example.test.").unwrap();
    let messages = cold(&mut servers.clone(), &name, 1);
    println!("cold iterative resolution of {name}: {messages} queries");
    let mut g = c.benchmark_group("dns_resolver_cold_iterative");
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter_batched_ref(
            || servers.clone(),
            |s| cold(s, &name, 1),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_cache_hit, bench_cold);
criterion_main!(benches);
