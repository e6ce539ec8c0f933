//! HTTP/1.1 heads beside httparse, on httparse's own benchmark messages (copied as
//! data from httparse 1.10 `benches/parse.rs`), on the request and response corpora
//! of spec-vectors/bench-corpora (heads captured from real clients and servers, see
//! `corpus/mod.rs`), and the chunked decoder on 64 KiB chunks. Both parsers run
//! strict: wirestate's defaults, httparse's defaults. Header slots: 16 for httparse's
//! messages, 32 for the corpora (their largest head has 29 fields).
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "bench harness")]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wirestate_http1 as http1;

mod corpus;

const REQ_SHORT: &[u8] = b"\
GET / HTTP/1.0\r\n\
Host: example.com\r\n\
Cookie: session=60; user_id=1\r\n\r\n";

const REQ: &[u8] = b"\
GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral|padding=under256\r\n\r\n";

const RESP_SHORT: &[u8] = b"\
HTTP/1.0 200 OK\r\n\
Date: Wed, 21 Oct 2015 07:28:00 GMT\r\n\
Set-Cookie: session=60; user_id=1\r\n\r\n";

const RESP: &[u8] = b"\
HTTP/1.1 200 OK\r\n\
Date: Wed, 21 Oct 2015 07:28:00 GMT\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral|padding=under256\r\n\r\n";

/// Parses a request with wirestate into `N` header slots; returns (head length, header
/// count, a checksum over what was read so neither side can skip work), `None` when
/// the head is rejected or incomplete.
fn ws_request<const N: usize>(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let mut headers = [http1::EMPTY_HEADER; N];
    let mut req = http1::Request::new(&mut headers);
    let n = req.parse(bytes).ok()?.complete()?;
    let sum = req.headers.iter().map(|h| h.name.len() + h.value.len()).sum::<usize>();
    Some((n, req.headers.len(), sum + req.target.len()))
}

fn hp_request<const N: usize>(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let mut headers = [httparse::EMPTY_HEADER; N];
    let mut req = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(n) = req.parse(bytes).ok()? else { return None };
    let sum = req.headers.iter().map(|h| h.name.len() + h.value.len()).sum::<usize>();
    Some((n, req.headers.len(), sum + req.path?.len()))
}

fn ws_response<const N: usize>(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let mut headers = [http1::EMPTY_HEADER; N];
    let mut res = http1::Response::new(&mut headers);
    let n = res.parse(bytes).ok()?.complete()?;
    let sum = res.headers.iter().map(|h| h.name.len() + h.value.len()).sum::<usize>();
    Some((n, res.headers.len(), sum + usize::from(res.code)))
}

fn hp_response<const N: usize>(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let mut headers = [httparse::EMPTY_HEADER; N];
    let mut res = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(n) = res.parse(bytes).ok()? else { return None };
    let sum = res.headers.iter().map(|h| h.name.len() + h.value.len()).sum::<usize>();
    Some((n, res.headers.len(), sum + usize::from(res.code?)))
}

type ParseFn = fn(&[u8]) -> Option<(usize, usize, usize)>;

fn group(c: &mut Criterion, name: &str, bytes: &'static [u8], ws: ParseFn, hp: ParseFn) {
    assert!(ws(bytes).is_some(), "{name}: wirestate rejects it");
    assert_eq!(ws(bytes), hp(bytes), "{name}: wirestate and httparse disagree");
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| b.iter(|| ws(black_box(bytes))));
    g.bench_function(BenchmarkId::from_parameter("httparse"), |b| b.iter(|| hp(black_box(bytes))));
    g.finish();
}

fn heads(c: &mut Criterion) {
    group(c, "http1_request_short", REQ_SHORT, ws_request::<16>, hp_request::<16>);
    group(c, "http1_request_browser", REQ, ws_request::<16>, hp_request::<16>);
    group(c, "http1_response_short", RESP_SHORT, ws_response::<16>, hp_response::<16>);
    group(c, "http1_response_browser", RESP, ws_response::<16>, hp_response::<16>);
}

fn corpora(c: &mut Criterion) {
    let requests = corpus::load("http1-requests");
    corpus::bench(
        c,
        "http1_requests",
        &requests,
        &[("wirestate", ws_request::<32>), ("httparse", hp_request::<32>)],
        2,
    );
    let responses = corpus::load("http1-responses");
    corpus::bench(
        c,
        "http1_responses",
        &responses,
        &[("wirestate", ws_response::<32>), ("httparse", hp_response::<32>)],
        2,
    );
}

/// 16 chunks of 64 KiB with a trailer-less end: 1 MiB of body.
fn chunked_body() -> (Vec<u8>, usize) {
    let chunk = vec![b'x'; 64 * 1024];
    let mut body = Vec::new();
    let mut buf = vec![0u8; http1::chunk_len(chunk.len())];
    for _ in 0..16 {
        let n = http1::write_chunk(&chunk, &mut buf).unwrap();
        body.extend_from_slice(&buf[..n]);
    }
    body.extend_from_slice(b"0\r\n\r\n");
    (body, 16 * chunk.len())
}

/// wirestate: zero-copy slices; returns (data bytes, a checksum of slice ends).
fn ws_chunked(body: &[u8]) -> (usize, usize) {
    let mut dec = http1::ChunkedDecoder::new(&http1::ParserConfig::default());
    let (mut at, mut len, mut sum) = (0, 0, 0usize);
    loop {
        let (n, chunk) = dec.decode(&body[at..]).unwrap();
        at += n;
        match chunk {
            http1::Chunk::Data(d) => {
                len += d.len();
                sum = sum.wrapping_add(usize::from(d[d.len() - 1]));
            }
            http1::Chunk::End { .. } => return (len, sum),
            http1::Chunk::Partial => panic!("partial"),
        }
    }
}

/// The same walk with httparse's chunk-size parser (it has no decoder): size line,
/// data slice, CRLF; the last chunk's empty trailer section.
fn hp_chunked(body: &[u8]) -> (usize, usize) {
    let (mut at, mut len, mut sum) = (0, 0, 0usize);
    loop {
        let httparse::Status::Complete((n, size)) =
            httparse::parse_chunk_size(&body[at..]).unwrap()
        else {
            panic!("partial")
        };
        at += n;
        if size == 0 {
            assert_eq!(&body[at..at + 2], b"\r\n");
            return (len, sum);
        }
        let size = size as usize;
        let d = &body[at..at + size];
        len += d.len();
        sum = sum.wrapping_add(usize::from(d[d.len() - 1]));
        assert_eq!(&body[at + size..at + size + 2], b"\r\n");
        at += size + 2;
    }
}

/// wirestate decoding into a caller buffer (one copy of the data).
fn ws_chunked_copy(body: &[u8], out: &mut [u8]) -> usize {
    http1::message::decode_chunked(body, out, &http1::ParserConfig::default()).unwrap().1
}

fn chunked(c: &mut Criterion) {
    let (body, data_len) = chunked_body();
    assert_eq!(ws_chunked(&body), hp_chunked(&body));
    let mut g = c.benchmark_group("http1_chunked_64k");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| ws_chunked(black_box(&body)))
    });
    g.bench_function(BenchmarkId::from_parameter("httparse"), |b| {
        b.iter(|| hp_chunked(black_box(&body)))
    });
    g.finish();
    let mut out = vec![0u8; body.len()];
    assert_eq!(ws_chunked_copy(&body, &mut out), data_len);
    let mut g = c.benchmark_group("http1_chunked_64k_copy");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| ws_chunked_copy(black_box(&body), &mut out))
    });
    g.finish();
}

criterion_group!(benches, heads, chunked, corpora);
criterion_main!(benches);
