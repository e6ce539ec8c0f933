//! TCP stream reassembly agrees with tshark's (its default preferences reassemble):
//! on captures of real dnsmasq and nginx servers over a link with a 576-octet MTU
//! (spec-vectors/captures/reassembly/, see its README), every DNS message and HTTP
//! message tshark shows on a frame, we show on the same frame, field for field:
//! the DNS header, question and answers; the HTTP start line, every header line, the
//! body's length; how many segments the message took and its reassembled length.
//! The same captures with segments swapped and duplicated (out of order,
//! retransmitted) give the same messages, and with reassembly off (`--no-reassembly`
//! against `-o tcp.desegment_tcp_streams:FALSE`) the per-packet view agrees too.
//!
//! tshark must be installed (`.ci/setup` installs it). Without it the test says so and
//! passes, unless `WIRESTATE_REQUIRE_TSHARK=1` (set by `cargo xtask ci`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use pcap_file::pcap::{PcapPacket, PcapReader, PcapWriter};
use serde_json::Value;
use wirestate::decode::{self, reassembly};
use wirestate_packet::{LinkType, Sliced};

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors/captures/reassembly").join(name)
}

/// `tshark -T json` of `path` with `extra` preferences; `None` (skipped) without tshark.
fn tshark(path: &Path, extra: &[&str]) -> Option<Vec<Value>> {
    common::tshark(path, &[&["--no-duplicate-keys"], extra].concat())
}

fn frames(path: &Path) -> Vec<(PcapPacket<'static>, LinkType)> {
    let mut reader = PcapReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    while let Some(p) = reader.next_packet() {
        out.push((p.unwrap().into_owned(), LinkType::Ethernet));
    }
    out
}

/// Our layers for every frame, with reassembly or without; no frame has an error.
fn ours(path: &Path, reassemble: bool) -> Vec<Vec<Value>> {
    let (layers, errors) = ours_and_errors(path, reassemble);
    assert!(errors.is_empty(), "{errors:?}");
    layers
}

/// Our layers for every frame, and the errors with their frame numbers.
fn ours_and_errors(path: &Path, reassemble: bool) -> (Vec<Vec<Value>>, Vec<(usize, Value)>) {
    let mut r = reassembly::Reassembler::new(reassembly::Config::default());
    let mut errors = Vec::new();
    let layers = frames(path)
        .iter()
        .enumerate()
        .map(|(i, (p, link))| {
            let s = Sliced::new_captured(*link, &p.data, p.orig_len as usize);
            let re = if reassemble { r.frame(i as u64 + 1, &s) } else { None };
            let d = decode::with_reassembly(&s, re);
            errors.extend(d.error.clone().map(|e| (i + 1, e)));
            d.layers_json()
        })
        .collect();
    (layers, errors)
}

/// A field anywhere in `v` (tshark nests fields in trees named for their text).
fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|c| find(c, key))),
        Value::Array(a) => a.iter().find_map(|c| find(c, key)),
        _ => None,
    }
}

/// Every value of `key` anywhere in `v`, in document order.
fn find_all<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k == key {
                    match c {
                        Value::Array(a) => out.extend(a),
                        c => out.push(c),
                    }
                } else {
                    find_all(c, key, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| find_all(c, key, out)),
        _ => {}
    }
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("<absent>").to_string()
}

/// tshark prints numbers as decimal or `0x` hex strings.
fn num(v: Option<&Value>) -> Option<u64> {
    let s = v?.as_str()?;
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// A protocol's layers on one tshark frame (one object, or a list with
/// `--no-duplicate-keys` when a segment held several messages).
fn their_layers<'a>(layers: &'a Value, proto: &str) -> Vec<&'a Value> {
    match layers.get(proto) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    }
}

#[derive(Default)]
struct Tally {
    frame: usize,
    messages: usize,
    fields: usize,
    mismatches: Vec<String>,
}

impl Tally {
    /// Counts one field; a mismatch when the two print differently.
    fn eq(&mut self, what: &str, theirs: impl std::fmt::Debug, ours: impl std::fmt::Debug) {
        let (t, o) = (format!("{theirs:?}"), format!("{ours:?}"));
        self.fields += 1;
        if t != o {
            self.mismatches.push(format!("frame {}: {what}: tshark {t}, ours {o}", self.frame));
        }
    }
}

fn dns(t: &Value, o: &Value, tally: &mut Tally) {
    tally.eq("dns.id", num(find(t, "dns.id")), o["id"].as_u64());
    tally.eq("dns.length", num(find(t, "dns.length")), o["tcp_len"].as_u64());
    tally.eq(
        "dns.flags.response",
        text(find(t, "dns.flags.response")),
        if o["qr"] == true { "1" } else { "0" }.to_string(),
    );
    if let Some(rcode) = num(find(t, "dns.flags.rcode")) {
        // tshark shows the rcode of responses only.
        tally.eq(
            "dns.flags.rcode",
            Some(rcode),
            Some(if o["rcode"] == "NOERROR" { 0 } else { 99 }),
        );
    }
    for (tk, ok) in [
        ("dns.count.queries", "questions"),
        ("dns.count.answers", "answers"),
        ("dns.count.auth_rr", "authorities"),
        ("dns.count.add_rr", "additionals"),
    ] {
        // A message cut by its segment's end (per packet) says the header's counts.
        let ours = match o.get("counts") {
            Some(c) => c[ok].as_u64(),
            None => o[ok].as_array().map(|a| a.len() as u64),
        };
        tally.eq(tk, num(find(t, tk)), ours);
    }
    let qname = o["questions"][0]["name"].as_str().unwrap_or("");
    tally.eq(
        "dns.qry.name",
        text(find(t, "dns.qry.name")),
        qname.trim_end_matches('.').to_string(),
    );
    if o["partial"] == true {
        // tshark shows the answers it could read of a cut message; we show those
        // whole before the cut, and the error says where it stopped.
        return;
    }
    let (mut names, mut ttls, mut txts) = (Vec::<Value>::new(), Vec::new(), Vec::new());
    // The answer section only (authority and additional records, OPT among them,
    // are elsewhere in tshark's tree).
    let section = t.get("Answers").unwrap_or(&Value::Null);
    // Each record's tree is named "NAME: type T, class C, ..." (SRV records have no
    // dns.resp.name); records under the same name are a list.
    for (key, records) in section.as_object().into_iter().flatten() {
        let name = Value::from(key.split(": type").next().unwrap_or(key).to_string());
        let n = records.as_array().map_or(1, Vec::len);
        names.extend(std::iter::repeat_n(name, n));
    }
    let names: Vec<&Value> = names.iter().collect();
    find_all(section, "dns.resp.ttl", &mut ttls);
    find_all(section, "dns.txt", &mut txts);
    let answers = o["answers"].as_array().unwrap();
    tally.eq("answer names", names.len(), answers.len());
    for (i, a) in answers.iter().enumerate() {
        let name = a["name"].as_str().unwrap().trim_end_matches('.').to_string();
        tally.eq("dns.resp.name", text(names.get(i).copied()), name);
        tally.eq("dns.resp.ttl", num(ttls.get(i).copied()), a["ttl"].as_u64());
        if a["type"] == "TXT" {
            // Ours is the presentation form: one quoted string.
            let data = a["data"].as_str().unwrap().trim_matches('"').to_string();
            tally.eq("dns.txt", text(txts.get(i).copied()), data);
        }
    }
}

fn http(t: &Value, o: &Value, reassembled: bool, tally: &mut Tally) {
    if o["kind"] == "request" {
        tally.eq(
            "http.request.method",
            text(find(t, "http.request.method")),
            o["method"].as_str().unwrap().to_string(),
        );
        tally.eq(
            "http.request.uri",
            text(find(t, "http.request.uri")),
            o["target"].as_str().unwrap().to_string(),
        );
        tally.eq(
            "http.request.version",
            text(find(t, "http.request.version")),
            o["version"].as_str().unwrap().to_string(),
        );
    } else {
        tally.eq("http.response.code", num(find(t, "http.response.code")), o["status"].as_u64());
        tally.eq(
            "http.response.phrase",
            text(find(t, "http.response.phrase")),
            o["reason"].as_str().unwrap().to_string(),
        );
        tally.eq(
            "http.response.version",
            text(find(t, "http.response.version")),
            o["version"].as_str().unwrap().to_string(),
        );
    }
    // Every header line, in order, as sent.
    let key = if o["kind"] == "request" { "http.request.line" } else { "http.response.line" };
    let mut lines = Vec::new();
    find_all(t, key, &mut lines);
    let theirs: Vec<String> = lines.iter().map(|l| text(Some(l))).collect();
    let ours: Vec<String> = o["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{}: {}\r\n", h[0].as_str().unwrap(), h[1].as_str().unwrap()))
        .collect();
    tally.eq(key, theirs, ours);
    if let Some(cl) = num(find(t, "http.content_length_header")) {
        let ours = o["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("content-length"));
        tally.eq(
            "http.content_length_header",
            Some(cl),
            ours.and_then(|h| h[1].as_str().unwrap().parse::<u64>().ok()),
        );
        if reassembled && o["framing"] == "content-length" {
            tally.eq("body_len", Some(cl), o["body_len"].as_u64());
        }
    }
    if reassembled && o["framing"] == "chunked" {
        let mut sizes = Vec::new();
        find_all(t, "http.chunk_size", &mut sizes);
        let sum: u64 = sizes.iter().filter_map(|s| num(Some(s))).sum();
        tally.eq("sum of http.chunk_size", sum, o["body_len"].as_u64().unwrap());
    }
}

/// tshark's `tcp.segments` (frames of the reassembled PDU and its length) against our
/// `reassembled` on the last app layer of the frame. With segments out of order
/// (`in_order` false) only the first frame is compared: tshark then lists the
/// retransmitted copies too, and one reassembled run for all the messages a filler
/// completes, where we count the frames whose octets made each message.
fn segments(t: &Value, ours: &[&Value], in_order: bool, tally: &mut Tally) {
    let re = ours.iter().rev().find_map(|o| o.get("reassembled"));
    match (t.get("tcp.segments"), re) {
        (Some(ts), Some(re)) => {
            if in_order {
                tally.eq(
                    "tcp.segment.count",
                    num(ts.get("tcp.segment.count")),
                    re["segments"].as_u64(),
                );
                tally.eq(
                    "tcp.reassembled.length",
                    num(ts.get("tcp.reassembled.length")),
                    re["len"].as_u64(),
                );
            }
            let mut frames = Vec::new();
            find_all(ts, "tcp.segment", &mut frames);
            tally.eq("first tcp.segment", num(frames.first().copied()), re["first_frame"].as_u64());
        }
        (None, None) => {}
        (t, o) => tally.eq("tcp.segments present", t.is_some(), o.is_some()),
    }
}

/// A DNS message longer than its segment's payload (tshark shows what it can).
fn dns_cut(frame: &Value, dns: &Value) -> bool {
    let len = num(find(dns, "dns.length"));
    let tcp_len = num(frame.get("tcp").and_then(|t| t.get("tcp.len")));
    matches!((len, tcp_len), (Some(l), Some(t)) if l + 2 > t)
}

/// Compares every frame; returns the tally.
fn compare(theirs: &[Value], ours: &[Vec<Value>], reassembled: bool, in_order: bool) -> Tally {
    assert_eq!(theirs.len(), ours.len());
    let mut tally = Tally::default();
    for (i, (t, o)) in theirs.iter().zip(ours).enumerate() {
        tally.frame = i + 1;
        let t = &t["_source"]["layers"];
        for proto in ["dns", "http"] {
            let theirs: Vec<&Value> = their_layers(t, proto)
                .into_iter()
                // Without reassembly tshark shows a segment that does not start a
                // message as an HTTP "Continuation"; we leave it as payload. A DNS
                // message cut by the segment's end is decoded as far as it goes on
                // both sides.
                .filter(|l| {
                    proto != "http"
                        || find(l, "http.request.method").is_some()
                        || find(l, "http.response.code").is_some()
                })
                .collect();
            let ours: Vec<&Value> = o.iter().filter(|l| l["proto"] == proto).collect();
            tally.eq(&format!("{proto} messages"), theirs.len(), ours.len());
            for (t, o) in theirs.iter().zip(&ours) {
                tally.messages += 1;
                match proto {
                    "dns" => dns(t, o, &mut tally),
                    _ => http(t, o, reassembled, &mut tally),
                }
            }
            if reassembled && !ours.is_empty() {
                segments(t, &ours, in_order, &mut tally);
            }
        }
    }
    tally
}

fn check(tally: &Tally, min_messages: usize, what: &str) {
    assert!(
        tally.mismatches.is_empty(),
        "{what}: {} mismatches:\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
    assert!(tally.messages >= min_messages, "{what}: only {} messages compared", tally.messages);
    eprintln!("{what}: {} messages, {} fields agree with tshark", tally.messages, tally.fields);
}

#[test]
fn reassembled_dns_over_tcp_agrees_with_tshark() {
    let path = capture("dns-tcp.pcap");
    let Some(theirs) = tshark(&path, &[]) else { return };
    let tally = compare(&theirs, &ours(&path, true), true, true);
    // Three queries in one segment, three answers (two of 3,199 octets in 7 segments).
    check(&tally, 6, "dns-tcp.pcap reassembled");
}

#[test]
fn reassembled_http_agrees_with_tshark() {
    let path = capture("http.pcap");
    let Some(theirs) = tshark(&path, &[]) else { return };
    let tally = compare(&theirs, &ours(&path, true), true, true);
    // Two GETs on one connection (20,000-octet bodies), a HEAD, a chunked gzip body.
    check(&tally, 8, "http.pcap reassembled");
}

#[test]
fn the_per_packet_view_agrees_with_tshark_without_desegmenting() {
    let off = ["-o", "tcp.desegment_tcp_streams:FALSE"];
    for (name, min) in [("dns-tcp.pcap", 4), ("http.pcap", 8)] {
        let path = capture(name);
        let Some(theirs) = tshark(&path, &off) else { return };
        let (layers, errors) = ours_and_errors(&path, false);
        // The only errors: DNS messages cut by their segment's end, shown as far as
        // they go (partial), and each one a message tshark also finds cut.
        for (frame, e) in &errors {
            assert_eq!((e["layer"].as_str(), e["field"].as_str()), (Some("dns"), Some("message")));
            let partial = layers[frame - 1].iter().any(|l| l["partial"] == true);
            let t = &theirs[frame - 1]["_source"]["layers"];
            assert!(partial && dns_cut(t, &t["dns"]), "frame {frame}: {e}");
        }
        let tally = compare(&theirs, &layers, false, true);
        check(&tally, min, &format!("{name} per packet"));
    }
}

/// `path`'s frames in a new order: each server segment carrying data is swapped with
/// the next one (out of order), and every third is sent again after its successor
/// (a retransmission). Written to a temporary file.
fn shuffled(path: &Path, tag: &str) -> PathBuf {
    let all = frames(path);
    let has_data = |p: &PcapPacket<'_>| {
        let s = Sliced::new(LinkType::Ethernet, &p.data);
        let from_server = matches!(s.transport(), Some(wirestate_packet::Transport::Tcp(t)) if matches!(t.src_port(), 53 | 80));
        from_server && !s.payload().is_empty()
    };
    let mut order: Vec<PcapPacket<'static>> = Vec::new();
    let mut pending: Option<PcapPacket<'static>> = None;
    // Packets that came between the two swapped segments (acknowledgments) go after
    // both: an acknowledgment never precedes the octets it acknowledges.
    let mut between = Vec::new();
    let mut n = 0;
    for (p, _) in all {
        if !has_data(&p) {
            let client_data = !Sliced::new(LinkType::Ethernet, &p.data).payload().is_empty();
            if client_data {
                // A request: the segments before it stay before it (the responses
                // after it acknowledge it).
                order.extend(pending.take());
                order.append(&mut between);
                order.push(p);
            } else if pending.is_some() {
                between.push(p);
            } else {
                order.push(p);
            }
            continue;
        }
        n += 1;
        match pending.take() {
            None => pending = Some(p),
            Some(first) => {
                order.push(p.clone());
                order.push(first);
                if n % 3 == 0 {
                    order.push(p); // the later segment again
                }
                order.append(&mut between);
            }
        }
    }
    order.extend(pending);
    order.append(&mut between);
    assert!(n >= 12, "only {n} segments with data to swap");
    let out = std::env::temp_dir().join(format!("wirestate-{tag}-{}.pcap", std::process::id()));
    let mut w = PcapWriter::new(std::fs::File::create(&out).unwrap()).unwrap();
    for p in &order {
        w.write_packet(p).unwrap();
    }
    out
}

#[test]
fn out_of_order_and_retransmitted_segments_agree_with_tshark() {
    // tshark 4.0 leaves out-of-order segments unreassembled unless told.
    let prefs = ["-o", "tcp.reassemble_out_of_order:TRUE"];
    for (name, min) in [("dns-tcp.pcap", 6), ("http.pcap", 8)] {
        let path = shuffled(&capture(name), name);
        let theirs = tshark(&path, &prefs);
        let ours = ours(&path, true);
        let _ = std::fs::remove_file(&path);
        let Some(theirs) = theirs else { return };
        let tally = compare(&theirs, &ours, true, false);
        check(&tally, min, &format!("{name} shuffled"));
    }
}

/// dns-tcp.pcap without frame 8, the second segment of the first answer, as if the
/// capture had dropped it: the client's acknowledgment of it (frame 8 of the new
/// file) reports the gap, the first answer is not shown, and the next two are, as
/// tshark shows them.
#[test]
fn a_segment_the_capture_dropped_is_a_gap_and_the_next_messages_agree_with_tshark() {
    let all = frames(&capture("dns-tcp.pcap"));
    let path = std::env::temp_dir().join(format!("wirestate-dropped-{}.pcap", std::process::id()));
    let mut w = PcapWriter::new(std::fs::File::create(&path).unwrap()).unwrap();
    for (i, (p, _)) in all.iter().enumerate() {
        if i + 1 != 8 {
            w.write_packet(p).unwrap();
        }
    }
    drop(w);
    let (layers, errors) = ours_and_errors(&path, true);
    let theirs = tshark(&path, &[]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (frame, e) = &errors[0];
    assert_eq!((*frame, &e["layer"], &e["field"]), (8, &Value::from("tcp"), &Value::from("seq")));
    assert_eq!(e["missing"]["len"], 524);
    let ids: Vec<(usize, u64)> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, ls)| {
            ls.iter()
                .filter(|l| l["proto"] == "dns" && l["qr"] == true)
                .map(move |l| (i + 1, l["id"].as_u64().unwrap()))
        })
        .collect();
    assert_eq!(ids, [(19, 0x1001), (33, 0x1002)]);
    let Some(theirs) = theirs else { return };
    let tally = compare(&theirs, &layers, true, true);
    check(&tally, 5, "dns-tcp.pcap with a segment dropped");
}

/// The capture of real traffic the per-packet agreement test uses
/// (spec-vectors/captures/real-traffic.pcap): with reassembly, its 3,240-octet HTTP
/// response is shown on the frame that completes it, as tshark shows it, and every
/// other DNS (UDP and TCP) and HTTP message agrees too.
#[test]
fn real_traffic_reassembled_agrees_with_tshark() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-vectors/captures/real-traffic.pcap");
    let Some(theirs) = tshark(&path, &[]) else { return };
    let ours = ours(&path, true);
    let tally = compare(&theirs, &ours, true, true);
    check(&tally, 10, "real-traffic.pcap reassembled");
}
