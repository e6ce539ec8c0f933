//! The HTTP/1.1 connection machine's server role on pipelined keep-alive
//! requests in memory, in requests per second, beside a bare httparse loop over
//! the same bytes (issue #17: the machine costs at most 1.3x the bare parse).
//!
//! The buffer: 100 requests back to back, cycling through the real request heads
//! of spec-vectors/http1 (curl 7.88.1 captures, httparse's browser request which
//! `http1.rs` also parses, the RFC 9112 request-target forms and chunked example)
//! and heads as Chrome, Firefox, Safari, wget, python-requests and Go's client
//! send them, an API POST with a JSON body and a chunked upload. Left out: the
//! CONNECT vector (a tunnel ends HTTP on the connection) and `http1.rs`'s
//! HTTP/1.0 request (not persistent, so nothing after it is read).
//!
//! `http1_conn_pipelined_read`:
//! - `wirestate`: `Connection::new(Config::server())` with `max_pipeline` raised
//!   to the request count (past it a server stops reading), the buffer fed
//!   through `handle_input`, every event polled; no response.
//! - `httparse`: what a minimal server loop does: `httparse::Request::parse` each
//!   head, find Content-Length or chunked, skip the body (chunk sizes through
//!   `httparse::parse_chunk_size`, the trailer section through `parse_headers`).
//! - `wirestate_codec`: the same loop on the codec the machine is built on
//!   (`wirestate-http1`: the server's `Parser`, `BodyKind::of_request`, the
//!   chunked decoder).
//!
//! `http1_conn_pipelined_respond`:
//! - `wirestate`: as above with the default server config, answering each
//!   request at its `End` (`send_response` with `Content-Length: 0`, `send_end`)
//!   and draining `transmit_pending` / `transmit_advance` after each batch of
//!   events.
//! - `httparse`: the bare loop appending the same response bytes to a reused
//!   output buffer per request.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wirestate_http1 as http1;
use wirestate_http1_conn::{BodyKind, Config, Connection, Event, ResponseHead};
use wirestate_wire::Instant;

/// Requests in the pipelined buffer.
const N: usize = 100;

const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

const CHROME: &str = "GET /articles/2024/sans-io-protocols HTTP/1.1\r\n\
Host: blog.example.com\r\n\
Connection: keep-alive\r\n\
sec-ch-ua: \"Not_A Brand\";v=\"8\", \"Chromium\";v=\"120\", \"Google Chrome\";v=\"120\"\r\n\
sec-ch-ua-mobile: ?0\r\n\
sec-ch-ua-platform: \"Windows\"\r\n\
Upgrade-Insecure-Requests: 1\r\n\
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n\
Sec-Fetch-Site: none\r\n\
Sec-Fetch-Mode: navigate\r\n\
Sec-Fetch-User: ?1\r\n\
Sec-Fetch-Dest: document\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Cookie: _ga=GA1.1.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjQyfQ.kx2nVb8bq3XQ\r\n\r\n";

const CHROME_IMAGE: &str = "GET /static/img/hero.webp HTTP/1.1\r\n\
Host: blog.example.com\r\n\
Connection: keep-alive\r\n\
sec-ch-ua: \"Not_A Brand\";v=\"8\", \"Chromium\";v=\"120\", \"Google Chrome\";v=\"120\"\r\n\
sec-ch-ua-mobile: ?0\r\n\
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n\
sec-ch-ua-platform: \"Windows\"\r\n\
Accept: image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8\r\n\
Sec-Fetch-Site: same-origin\r\n\
Sec-Fetch-Mode: no-cors\r\n\
Sec-Fetch-Dest: image\r\n\
Referer: https://blog.example.com/articles/2024/sans-io-protocols\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Cookie: _ga=GA1.1.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjQyfQ.kx2nVb8bq3XQ\r\n\r\n";

const FIREFOX: &str = "GET /docs/index.html HTTP/1.1\r\n\
Host: www.example.org\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Connection: keep-alive\r\n\
Cookie: lang=en; theme=dark\r\n\
Upgrade-Insecure-Requests: 1\r\n\
Sec-Fetch-Dest: document\r\n\
Sec-Fetch-Mode: navigate\r\n\
Sec-Fetch-Site: none\r\n\
Sec-Fetch-User: ?1\r\n\
If-None-Match: \"5f3e-61a2b3c4d5e6f\"\r\n\r\n";

const SAFARI: &str = "GET /static/css/app.3f9a2c.css HTTP/1.1\r\n\
Host: www.example.com\r\n\
Accept: text/css,*/*;q=0.1\r\n\
Sec-Fetch-Site: same-origin\r\n\
Accept-Language: en-GB,en;q=0.9\r\n\
Accept-Encoding: gzip, deflate\r\n\
Sec-Fetch-Mode: no-cors\r\n\
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15\r\n\
Referer: https://www.example.com/\r\n\
Sec-Fetch-Dest: style\r\n\
Connection: keep-alive\r\n\r\n";

const WGET: &str = "GET /downloads/release-1.4.2.tar.gz HTTP/1.1\r\n\
Host: dl.example.net\r\n\
User-Agent: Wget/1.21.3\r\n\
Accept: */*\r\n\
Accept-Encoding: identity\r\n\
Connection: Keep-Alive\r\n\r\n";

const PYTHON_REQUESTS: &str = "GET /api/v1/users?page=2&per_page=50 HTTP/1.1\r\n\
Host: api.example.com\r\n\
User-Agent: python-requests/2.31.0\r\n\
Accept-Encoding: gzip, deflate\r\n\
Accept: */*\r\n\
Connection: keep-alive\r\n\
Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsImV4cCI6MTcwMDAwMzYwMH0.c2lnbmF0dXJl\r\n\r\n";

const GO_CLIENT: &str = "GET /healthz HTTP/1.1\r\n\
Host: orders.svc.cluster.local:8080\r\n\
User-Agent: Go-http-client/1.1\r\n\
Accept-Encoding: gzip\r\n\r\n";

const API_JSON_BODY: &str =
    "{\"sku\":\"A-1042\",\"quantity\":2,\"gift\":true,\"note\":\"leave at the door\"}";

const API_POST: &str = "POST /api/v1/orders HTTP/1.1\r\n\
Host: api.example.com\r\n\
User-Agent: axios/1.6.2\r\n\
Accept: application/json, text/plain, */*\r\n\
Content-Type: application/json\r\n\
Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.c2ln\r\n\
Content-Length: {len}\r\n\
Connection: keep-alive\r\n\r\n";

/// Go's client streaming a body of unknown length.
const CHUNKED_UPLOAD: &str = "POST /v1/events/bulk HTTP/1.1\r\n\
Host: ingest.example.com\r\n\
User-Agent: Go-http-client/1.1\r\n\
Transfer-Encoding: chunked\r\n\
Content-Type: application/x-ndjson\r\n\
Accept-Encoding: gzip\r\n\r\n";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// The request vectors of spec-vectors/http1 that a persistent connection
/// carries, in file order.
fn vectors() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../spec-vectors/http1", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect::<Vec<_>>();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let skip = name.starts_with("invalid-") || name.starts_with("lenient-");
        if skip || path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("\"format\": \"http1-request\"")
            || text.contains("\"method\": \"CONNECT\"")
        {
            continue;
        }
        let hex_text = text.split("\"hex\": \"").nth(1).unwrap().split('"').next().unwrap();
        out.push((name, hex(hex_text)));
    }
    out
}

/// Every message of the corpus, head and body.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut all = vectors();
    assert!(all.len() >= 10, "spec-vectors/http1 requests not found");
    for (name, head) in [
        ("chrome", CHROME),
        ("chrome_image", CHROME_IMAGE),
        ("firefox", FIREFOX),
        ("safari", SAFARI),
        ("wget", WGET),
        ("python_requests", PYTHON_REQUESTS),
        ("go_client", GO_CLIENT),
    ] {
        all.push((name.into(), head.as_bytes().to_vec()));
    }
    let post = API_POST.replace("{len}", &API_JSON_BODY.len().to_string());
    all.push(("api_post_json".into(), [post.as_bytes(), API_JSON_BODY.as_bytes()].concat()));
    let mut upload = CHUNKED_UPLOAD.as_bytes().to_vec();
    for i in 0..3 {
        let line = format!(
            "{{\"event\":\"page_view\",\"user\":{i},\"path\":\"/articles/{i}\",\"ms\":{}}}\n",
            120 + i
        );
        upload.extend_from_slice(format!("{:x}\r\n{line}\r\n", line.len()).as_bytes());
    }
    upload.extend_from_slice(b"0\r\n\r\n");
    all.push(("chunked_upload".into(), upload));
    all
}

/// `N` requests cycling through the corpus, back to back.
fn pipelined() -> Vec<u8> {
    let corpus = corpus();
    (0..N).flat_map(|i| corpus[i % corpus.len()].1.clone()).collect()
}

/// What each loop returns: requests read, body octets, a checksum of the
/// request-line lengths (so no loop can skip the head's contents).
type Tally = (usize, usize, usize);

fn header_eq(name: &str, want: &str) -> bool {
    name.eq_ignore_ascii_case(want)
}

/// A minimal server loop on httparse; `respond` appends a response per request.
fn httparse_loop(buf: &[u8], mut out: Option<&mut Vec<u8>>) -> Tally {
    let (mut at, mut reqs, mut body, mut sum) = (0, 0, 0, 0);
    while at < buf.len() {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        let httparse::Status::Complete(len) = req.parse(&buf[at..]).unwrap() else {
            panic!("partial head")
        };
        sum += req.method.unwrap().len() + req.path.unwrap().len();
        let (mut length, mut chunked) = (None, false);
        for h in req.headers.iter() {
            if header_eq(h.name, "content-length") {
                length = Some(std::str::from_utf8(h.value).unwrap().parse::<usize>().unwrap());
            } else if header_eq(h.name, "transfer-encoding") {
                chunked = h.value.eq_ignore_ascii_case(b"chunked");
            }
        }
        at += len;
        if chunked {
            loop {
                let httparse::Status::Complete((n, size)) =
                    httparse::parse_chunk_size(&buf[at..]).unwrap()
                else {
                    panic!("partial chunk")
                };
                at += n;
                if size == 0 {
                    let mut trailers = [httparse::EMPTY_HEADER; 8];
                    let httparse::Status::Complete((n, _)) =
                        httparse::parse_headers(&buf[at..], &mut trailers).unwrap()
                    else {
                        panic!("partial trailers")
                    };
                    at += n;
                    break;
                }
                body += size as usize;
                at += size as usize + 2;
            }
        } else if let Some(n) = length {
            body += n;
            at += n;
        }
        reqs += 1;
        if let Some(out) = out.as_deref_mut() {
            out.extend_from_slice(RESPONSE);
        }
    }
    (reqs, body, sum)
}

/// The same loop on wirestate-http1, with the server's parser configuration.
fn codec_loop(buf: &[u8]) -> Tally {
    let config = http1::ParserConfig::SERVER;
    let mut parser = http1::Parser::new(config);
    let (mut at, mut reqs, mut body, mut sum) = (0, 0, 0, 0);
    while at < buf.len() {
        let mut headers = [http1::EMPTY_HEADER; 32];
        let mut req = http1::Request::new(&mut headers);
        let head = &buf[at..];
        let len = parser.parse_request(&mut req, head).unwrap().complete().unwrap();
        sum += req.method.len() + req.target.len();
        let kind = http1::BodyKind::of_request(&req, head).unwrap();
        at += len;
        match kind {
            http1::BodyKind::None => {}
            http1::BodyKind::Length(n) => {
                body += n as usize;
                at += n as usize;
            }
            http1::BodyKind::Chunked => {
                let mut dec = http1::ChunkedDecoder::new(&config);
                loop {
                    let (n, chunk) = dec.decode(&buf[at..]).unwrap();
                    at += n;
                    match chunk {
                        http1::Chunk::Data(d) => body += d.len(),
                        http1::Chunk::End { .. } => break,
                        http1::Chunk::Partial => panic!("partial chunk"),
                    }
                }
            }
            other => panic!("{other:?}"),
        }
        reqs += 1;
    }
    (reqs, body, sum)
}

/// The machine: feeds `buf`, reads every event; with `respond`, answers each
/// request at its end and drains the output after each batch.
fn machine_loop(buf: &[u8], config: Config, respond: bool) -> Tally {
    let now = Instant::ZERO;
    let mut conn = Connection::new(config);
    let head = ResponseHead::new(200, "OK", &[("Content-Length", "0")]);
    let (mut at, mut reqs, mut body, mut sum) = (0, 0, 0, 0);
    loop {
        let took = conn.handle_input(now, &buf[at..]).unwrap();
        at += took;
        let mut events = 0;
        while let Some(ev) = conn.poll_event() {
            events += 1;
            match ev {
                Event::Request(r) => {
                    reqs += 1;
                    sum += r.method.len() + r.target.len();
                    black_box(r.body == BodyKind::None);
                }
                Event::Data(d) => body += d.len(),
                Event::Trailers(t) => {
                    black_box(t.len());
                }
                Event::End if respond => {
                    conn.send_response(now, &head).unwrap();
                    conn.send_end(now, &[]).unwrap();
                }
                Event::End => {}
                other => panic!("{other:?}"),
            }
        }
        if respond {
            let out = conn.transmit_pending();
            let n = out.len();
            black_box(out);
            conn.transmit_advance(n);
        }
        // Everything taken and every event read (nothing pauses the reader here:
        // the read-only config lets all N requests in, the other answers each).
        if at == buf.len() {
            return (reqs, body, sum);
        }
        assert!(took > 0 || events > 0, "stuck at {at} of {}", buf.len());
    }
}

fn bench(c: &mut Criterion) {
    let buf = pipelined();
    let read_config = Config { max_pipeline: N, ..Config::server() };
    let mut out = Vec::with_capacity(N * RESPONSE.len());
    let expect = httparse_loop(&buf, None);
    assert_eq!(expect.0, N);
    assert_eq!(codec_loop(&buf), expect, "codec and httparse disagree");
    assert_eq!(machine_loop(&buf, read_config, false), expect, "machine and httparse disagree");
    assert_eq!(machine_loop(&buf, Config::server(), true), expect);

    let mut g = c.benchmark_group("http1_conn_pipelined_read");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| machine_loop(black_box(&buf), read_config, false))
    });
    g.bench_function(BenchmarkId::from_parameter("httparse"), |b| {
        b.iter(|| httparse_loop(black_box(&buf), None))
    });
    g.bench_function(BenchmarkId::from_parameter("wirestate_codec"), |b| {
        b.iter(|| codec_loop(black_box(&buf)))
    });
    g.finish();

    let mut g = c.benchmark_group("http1_conn_pipelined_respond");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function(BenchmarkId::from_parameter("wirestate"), |b| {
        b.iter(|| machine_loop(black_box(&buf), Config::server(), true))
    });
    g.bench_function(BenchmarkId::from_parameter("httparse"), |b| {
        b.iter(|| {
            out.clear();
            let t = httparse_loop(black_box(&buf), Some(&mut out));
            black_box(&out);
            t
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
