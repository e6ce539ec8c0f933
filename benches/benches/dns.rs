//! DNS decode and emit beside hickory-proto, simple-dns and domain, on the same
//! messages: a small A query, a response with 8 A records (compressed owner names),
//! a large referral with glue (13 NS, 13 A, 13 AAAA), and a DNSSEC-signed response
//! captured from BIND 9 (spec-vectors/dns).
//!
//! The same decode on the DNS corpus of spec-vectors/bench-corpora (responses of
//! BIND, NSD, Knot, PowerDNS, Unbound and dnsmasq to dig; see `corpus/mod.rs`):
//! input by input beside hickory, the whole corpus beside all three.
//!
//! Decode: parse the whole message and every record's RDATA (names walked and
//! checked), counting records; every implementation must agree on the count.
//! Emit: write the already-decoded message back out with name compression.
//!
//! hickory-proto is built without its `dnssec-*` features (they pull in a crypto
//! provider), so it keeps RRSIG/DNSKEY/NSEC RDATA as opaque octets: the signed
//! message is less work for it than for the others.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use domain::base::message_builder::{MessageBuilder, StaticCompressor};
use domain::base::{Message as DMessage, ParsedName, Record as DRecord};
use domain::rdata::AllRecordData;
use std::hint::black_box;
use wirestate_dns::{
    Builder, Class, Header, Message, MessageBuf, Question, Record, Repr, Section, Type,
};

mod corpus;

fn text_message(id: u16, qname: &str, qtype: Type, records: &[(Section, String)]) -> Vec<u8> {
    let m = MessageBuf {
        header: Header {
            id,
            qr: !records.is_empty(),
            rd: true,
            ra: !records.is_empty(),
            ..Header::default()
        },
        questions: vec![(qname.parse().unwrap(), qtype, Class::IN)],
        records: records.iter().map(|(s, l)| (*s, l.parse().unwrap())).collect(),
    };
    m.to_vec().unwrap()
}

fn messages() -> Vec<(&'static str, Vec<u8>)> {
    let small = text_message(0x1234, "www.example.com.", Type::A, &[]);
    let eight: Vec<(Section, String)> = (1..=8)
        .map(|i| (Section::Answer, format!("www.example.com. 300 IN A 192.0.2.{i}")))
        .collect();
    let eight = text_message(0x1235, "www.example.com.", Type::A, &eight);
    let mut referral = Vec::new();
    for c in b'a'..=b'm' {
        let c = c as char;
        referral.push((Section::Authority, format!("com. 172800 IN NS {c}.gtld-servers.net.")));
    }
    for (i, c) in (b'a'..=b'm').enumerate() {
        let c = c as char;
        referral
            .push((Section::Additional, format!("{c}.gtld-servers.net. 172800 IN A 192.5.{i}.30")));
        referral.push((
            Section::Additional,
            format!("{c}.gtld-servers.net. 172800 IN AAAA 2001:503:{i:x}::2:30"),
        ));
    }
    let referral = text_message(0x1236, "www.example.com.", Type::A, &referral);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec-vectors/dns/capture-20-response-www-signed-test-1.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let hex = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
    let signed = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    vec![
        ("small_query", small),
        ("eight_a", eight),
        ("referral_glue", referral),
        ("dnssec_signed", signed),
    ]
}

// ---- decode ----

/// The question and record count, `None` when the message is rejected.
fn decode_wirestate(bytes: &[u8]) -> Option<usize> {
    let msg = Message::new_checked(bytes).ok()?;
    let mut n = 0;
    // Records continue where the questions ended, as domain's `answer()` does.
    let mut questions = msg.questions();
    for q in &mut questions {
        black_box(q.ok()?);
        n += 1;
    }
    for r in wirestate_dns::Records::after(&questions) {
        black_box(r.ok()?);
        n += 1;
    }
    Some(n)
}

fn decode_hickory(bytes: &[u8]) -> Option<usize> {
    let m = hickory_proto::op::Message::from_vec(bytes).ok()?;
    Some(
        m.queries().len()
            + m.answers().len()
            + m.name_servers().len()
            + m.additionals().len()
            + usize::from(m.extensions().is_some()),
    )
}

fn decode_simple_dns(bytes: &[u8]) -> Option<usize> {
    let p = simple_dns::Packet::parse(bytes).ok()?;
    Some(
        p.questions.len()
            + p.answers.len()
            + p.name_servers.len()
            + p.additional_records.len()
            + usize::from(p.opt().is_some()),
    )
}

fn decode_domain(bytes: &[u8]) -> Option<usize> {
    let msg = DMessage::from_octets(bytes).ok()?;
    let mut n = 0;
    let mut questions = msg.question();
    for q in &mut questions {
        black_box(q.ok()?);
        n += 1;
    }
    let mut section = questions.answer().ok()?;
    loop {
        for rr in &mut section {
            let rr = rr.ok()?;
            let rec = rr.to_record::<AllRecordData<_, ParsedName<_>>>().ok()?;
            black_box(rec);
            n += 1;
        }
        match section.next_section().ok()? {
            Some(next) => section = next,
            None => break,
        }
    }
    Some(n)
}

fn bench_decode(c: &mut Criterion) {
    for (what, bytes) in messages() {
        let n = decode_wirestate(&bytes);
        assert!(n.is_some(), "{what}");
        assert_eq!(decode_hickory(&bytes), n, "{what}");
        assert_eq!(decode_simple_dns(&bytes), n, "{what}");
        assert_eq!(decode_domain(&bytes), n, "{what}");
        let mut g = c.benchmark_group(format!("dns_decode_{what}"));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| decode_wirestate(black_box(&bytes)))
        });
        g.bench_function(BenchmarkId::from_parameter("hickory"), |b| {
            b.iter(|| decode_hickory(black_box(&bytes)))
        });
        g.bench_function(BenchmarkId::from_parameter("simple_dns"), |b| {
            b.iter(|| decode_simple_dns(black_box(&bytes)))
        });
        g.bench_function(BenchmarkId::from_parameter("domain"), |b| {
            b.iter(|| decode_domain(black_box(&bytes)))
        });
        g.finish();
    }
}

// ---- emit ----

fn emit_wirestate(
    header: &Header,
    qs: &[Question<'_>],
    rs: &[Record<'_>],
    buf: &mut [u8],
) -> usize {
    let mut b = Builder::new(buf, header).unwrap();
    for q in qs {
        b.question(&q.name, q.qtype, q.qclass).unwrap();
    }
    for r in rs {
        b.record(r.section, r).unwrap();
    }
    b.finish()
}

type DRec<'a> = DRecord<ParsedName<&'a [u8]>, AllRecordData<&'a [u8], ParsedName<&'a [u8]>>>;

fn domain_parts(bytes: &[u8]) -> (DMessage<&[u8]>, [Vec<DRec<'_>>; 3]) {
    let msg = DMessage::from_octets(bytes).unwrap();
    let mut out: [Vec<DRec<'_>>; 3] = Default::default();
    let mut section = msg.answer().unwrap();
    let mut i = 0;
    loop {
        for rr in &mut section {
            out[i]
                .push(rr.unwrap().to_record::<AllRecordData<_, ParsedName<_>>>().unwrap().unwrap());
        }
        i += 1;
        match section.next_section().unwrap() {
            Some(next) => section = next,
            None => break,
        }
    }
    (msg, out)
}

fn emit_domain(msg: &DMessage<&[u8]>, parts: &[Vec<DRec<'_>>; 3]) -> usize {
    let mut b =
        MessageBuilder::from_target(StaticCompressor::new(Vec::with_capacity(512))).unwrap();
    *b.header_mut() = msg.header();
    let mut q = b.question();
    for question in msg.question() {
        q.push(question.unwrap()).unwrap();
    }
    let mut a = q.answer();
    for r in &parts[0] {
        a.push(r).unwrap();
    }
    let mut ns = a.authority();
    for r in &parts[1] {
        ns.push(r).unwrap();
    }
    let mut ad = ns.additional();
    for r in &parts[2] {
        ad.push(r).unwrap();
    }
    ad.finish().as_ref().len()
}

fn bench_emit(c: &mut Criterion) {
    for (what, bytes) in messages() {
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        let qs: Vec<Question<'_>> = repr.questions().map(Result::unwrap).collect();
        let rs: Vec<Record<'_>> = repr.records().map(Result::unwrap).collect();
        let mut buf = vec![0u8; 65535];
        let ours = emit_wirestate(&repr.header, &qs, &rs, &mut buf);
        let hickory = hickory_proto::op::Message::from_vec(&bytes).unwrap();
        let simple = simple_dns::Packet::parse(&bytes).unwrap();
        let (dmsg, dparts) = domain_parts(&bytes);
        // Every implementation writes a message that decodes to the same records.
        for out in [hickory.to_vec().unwrap(), simple.build_bytes_vec_compressed().unwrap()] {
            let again = Message::new_checked(&out[..]).unwrap();
            assert_eq!(Repr::parse(&again).unwrap().records().count(), rs.len(), "{what}");
        }
        let dlen = emit_domain(&dmsg, &dparts);
        println!(
            "{what}: {} octets in, wirestate {ours}, hickory {}, simple_dns {}, domain {dlen}",
            bytes.len(),
            hickory.to_vec().unwrap().len(),
            simple.build_bytes_vec_compressed().unwrap().len()
        );
        let mut g = c.benchmark_group(format!("dns_emit_{what}"));
        g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
            b.iter(|| emit_wirestate(&repr.header, black_box(&qs), black_box(&rs), &mut buf))
        });
        g.bench_function(BenchmarkId::from_parameter("hickory"), |b| {
            b.iter(|| black_box(&hickory).to_vec().unwrap().len())
        });
        g.bench_function(BenchmarkId::from_parameter("simple_dns"), |b| {
            b.iter(|| black_box(&simple).build_bytes_vec_compressed().unwrap().len())
        });
        g.bench_function(BenchmarkId::from_parameter("domain"), |b| {
            b.iter(|| emit_domain(black_box(&dmsg), &dparts))
        });
        g.finish();
    }
}

fn bench_corpus(c: &mut Criterion) {
    let inputs = corpus::load("dns");
    corpus::bench(
        c,
        "dns",
        &inputs,
        &[
            ("wirestate", decode_wirestate),
            ("hickory", decode_hickory),
            ("simple_dns", decode_simple_dns),
            ("domain", decode_domain),
        ],
        // Input by input only beside hickory (the peer the targets name), so the run
        // stays short; simple-dns and domain on the whole corpus.
        2,
    );
}

criterion_group!(benches, bench_decode, bench_emit, bench_corpus);
criterion_main!(benches);
