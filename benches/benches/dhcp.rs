//! DHCPv4 decode and emit beside dhcproto, on the same messages, all captured from
//! dnsmasq and dhclient by spec-vectors/dhcp/capture.sh: dhclient's DISCOVER, and
//! dnsmasq's OFFER and ACK with 17 options each (119 domain search and 121
//! classless routes among them).
//!
//! The same decode on the DHCP corpus of spec-vectors/bench-corpora (whole exchanges
//! between dnsmasq, ISC dhcpd, Kea, BusyBox udhcpd and the dhclient and udhcpc
//! clients; see `corpus/mod.rs`).
//!
//! Decode: check the header and decode every option to its typed value, walking
//! address lists, search names and routes; both must agree on the option count.
//! Emit: write the already-decoded message back out (wirestate through its
//! `Builder` into a reused buffer, dhcproto through its `Encoder` into a reused Vec).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::Ipv4Addr;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use dhcproto::{v4, Decodable, Decoder, Encodable, Encoder};
use std::hint::black_box;
use wirestate_dhcp::{Builder, DhcpOption, Message, MessageType, Options, RawOptions};

mod corpus;

fn vector(name: &str) -> Vec<u8> {
    let path = format!("{}/../spec-vectors/dhcp/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

fn messages() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("discover", vector("dhcp-exchange-discover")),
        ("offer", vector("dhcp-exchange-offer")),
        ("ack", vector("dhcp-exchange-ack")),
    ]
}

// ---- decode ----

fn walk(o: &DhcpOption<'_>) -> usize {
    match o {
        DhcpOption::Router(a) | DhcpOption::DomainNameServer(a) | DhcpOption::NtpServers(a) => {
            a.iter().map(|a| usize::from(a.octets()[3])).sum()
        }
        DhcpOption::DomainSearch(s) => s.iter().map(|n| n.label_count()).sum(),
        DhcpOption::ClasslessStaticRoute(r) => r.iter().map(|r| usize::from(r.prefix_len)).sum(),
        DhcpOption::RelayAgentInformation(s) => s.iter().count(),
        _ => 0,
    }
}

/// The option count, `None` when the message is rejected.
fn decode_wirestate(bytes: &[u8]) -> Option<usize> {
    let msg = Message::new_checked(bytes).ok()?;
    black_box((msg.xid(), msg.yiaddr(), msg.chaddr()));
    let mut n = 0;
    for o in msg.options() {
        black_box(walk(&o.ok()?));
        n += 1;
    }
    Some(n)
}

fn decode_dhcproto(bytes: &[u8]) -> Option<usize> {
    let msg = v4::Message::decode(&mut Decoder::new(bytes)).ok()?;
    black_box((msg.xid(), msg.yiaddr(), msg.chaddr()));
    Some(msg.opts().len())
}

fn bench_decode(c: &mut Criterion) {
    for (name, bytes) in messages() {
        assert!(decode_wirestate(&bytes).is_some(), "{name}");
        assert_eq!(decode_wirestate(&bytes), decode_dhcproto(&bytes), "{name}");
        let mut g = c.benchmark_group(format!("dhcp_decode_{name}"));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| decode_wirestate(black_box(&bytes)))
        });
        g.bench_function(BenchmarkId::from_parameter("dhcproto"), |b| {
            b.iter(|| decode_dhcproto(black_box(&bytes)))
        });
        g.finish();
    }
}

// ---- emit ----

/// What wirestate's emit starts from: the decoded fixed fields and option values.
struct Decoded<'a> {
    mt: MessageType,
    xid: u32,
    flags: u16,
    ciaddr: Ipv4Addr,
    yiaddr: Ipv4Addr,
    siaddr: Ipv4Addr,
    chaddr: &'a [u8],
    options: Vec<(u8, &'a [u8])>,
}

fn decoded(bytes: &[u8]) -> Decoded<'_> {
    let msg = Message::new_checked(bytes).unwrap();
    let mut mt = MessageType::Unknown(0);
    let mut options = Vec::new();
    for o in RawOptions::new(bytes) {
        let o = o.unwrap();
        match DhcpOption::decode(o.code, o.data, o.offset).unwrap() {
            DhcpOption::MessageType(t) => mt = t,
            _ => options.push((o.code, o.data)),
        }
    }
    let chaddr = &bytes[28..28 + usize::from(msg.hlen())];
    Decoded {
        mt,
        xid: msg.xid(),
        flags: msg.flags(),
        ciaddr: msg.ciaddr(),
        yiaddr: msg.yiaddr(),
        siaddr: msg.siaddr(),
        chaddr,
        options,
    }
}

fn emit_wirestate(d: &Decoded<'_>, buf: &mut [u8]) -> usize {
    let mut b = Builder::new(buf, d.mt, d.xid, d.chaddr).unwrap();
    let mut h = b.header();
    h.set_flags(d.flags);
    h.set_ciaddr(d.ciaddr);
    h.set_yiaddr(d.yiaddr);
    h.set_siaddr(d.siaddr);
    for (code, data) in &d.options {
        b.option(*code, data).unwrap();
    }
    b.finish().unwrap()
}

fn emit_dhcproto(msg: &v4::Message, out: &mut Vec<u8>) -> usize {
    out.clear();
    msg.encode(&mut Encoder::new(out)).unwrap();
    out.len()
}

fn bench_emit(c: &mut Criterion) {
    for (name, bytes) in messages() {
        let d = decoded(&bytes);
        let msg = v4::Message::decode(&mut Decoder::new(&bytes)).unwrap();
        let mut buf = [0u8; 1500];
        let mut out = Vec::with_capacity(1500);
        let n = emit_wirestate(&d, &mut buf);
        emit_dhcproto(&msg, &mut out);
        // Both outputs decode to the same options as the input.
        assert_eq!(Some(Options::new(&buf[..n]).count()), decode_dhcproto(&bytes), "{name}");
        assert_eq!(decode_dhcproto(&out), decode_dhcproto(&bytes), "{name}");
        let mut g = c.benchmark_group(format!("dhcp_emit_{name}"));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| emit_wirestate(black_box(&d), &mut buf))
        });
        g.bench_function(BenchmarkId::from_parameter("dhcproto"), |b| {
            b.iter(|| emit_dhcproto(black_box(&msg), &mut out))
        });
        g.finish();
    }
}

fn bench_corpus(c: &mut Criterion) {
    let inputs = corpus::load("dhcp");
    corpus::bench(
        c,
        "dhcp",
        &inputs,
        &[("wirestate", decode_wirestate), ("dhcproto", decode_dhcproto)],
        2,
    );
}

criterion_group!(benches, bench_decode, bench_emit, bench_corpus);
criterion_main!(benches);
