//! The resolver's cache: a hit is a whole `query` call answered from the cache
//! and its event taken, over 1 000 names filled through the stub from scripted
//! answers (one to four A records each, some behind a CNAME). The target is at
//! least 5 M lookups per second on one core. No peer: no Rust resolver exposes
//! its cache path without its IO.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wirestate_dns::{Builder, Class, Header, Message, NameBuf, RecordBuf, Section, Type};
use wirestate_dns_resolver::{Config, Event, Resolver, SeededRandom};
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
            b.push(Section::Answer, &rb.name.as_name(), rb.class, rb.ttl, &rb.data().unwrap()).unwrap();
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

criterion_group!(benches, bench_cache_hit);
criterion_main!(benches);
